// The floor under any broker's RPC latency on this machine (`npm run bench:rpc-floor`): the same
// process layout as bench:amqp's RPC case — a caller, a responder and a middle process, each its
// own Node process — but the middle one only relays bytes (no protocol, no queue) and the two
// ends only echo fixed-size messages. Whatever p99 this shows is the cost of four process
// hand-offs over loopback on these cores, which no broker in the middle can go below.
import { spawn } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '0' },
    calls: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    bytes: { type: 'string', default: '128' },
  },
});
const role = positionals[0] ?? 'main';
const size = Number(values.bytes);

function onMessages(socket: Socket, fn: () => void): void {
  let pending = 0;
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.length;
    while (pending >= size) {
      pending -= size;
      fn();
    }
  });
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

if (role === 'relay') {
  // First connection is the responder, second the caller; bytes go straight across.
  const peers: Socket[] = [];
  const server = createServer({ noDelay: true }, (s) => {
    peers.push(s);
    if (peers.length === 2) {
      const [responder, caller] = peers as [Socket, Socket];
      caller.on('data', (c: Buffer) => responder.write(c));
      responder.on('data', (c: Buffer) => caller.write(c));
      caller.on('close', () => process.exit(0));
    }
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof a === 'object' && a !== null ? a.port : 0 })}\n`);
  });
} else if (role === 'responder') {
  const s = await connectTo(Number(values.port));
  const reply = Buffer.alloc(size, 0x62);
  onMessages(s, () => s.write(reply));
  s.on('close', () => process.exit(0));
} else if (role === 'caller') {
  const s = await connectTo(Number(values.port));
  const request = Buffer.alloc(size, 0x61);
  const total = Number(values.warmup) + Number(values.calls);
  const times: number[] = [];
  let n = 0;
  let sentAt = process.hrtime.bigint();
  const send = (): void => {
    sentAt = process.hrtime.bigint();
    s.write(request);
  };
  onMessages(s, () => {
    if (n >= Number(values.warmup)) times.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
    n++;
    if (n < total) send();
    else {
      times.sort((a, b) => a - b);
      const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
      process.stdout.write(`${JSON.stringify({ calls: times.length, p50: q(0.5), p99: q(0.99), p999: q(0.999) })}\n`);
      s.end();
    }
  });
  send();
} else {
  const self = process.argv[1] ?? '';
  const run = (args: string[]): { out: Promise<string> } => {
    const p = spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    return { out: new Promise((resolve) => p.stdout.on('end', () => resolve(out))) };
  };
  const relayProc = spawn(process.execPath, [self, 'relay', '--bytes', String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    relayProc.stdout.setEncoding('utf8').once('data', (c: string) => resolve((JSON.parse(c) as { port: number }).port));
  });
  run(['responder', '--port', String(port), '--bytes', String(size)]);
  await new Promise((r) => setTimeout(r, 200));
  const caller = run(['caller', '--port', String(port), '--bytes', String(size), '--calls', values.calls, '--warmup', values.warmup]);
  const result = JSON.parse((await caller.out).trim()) as { calls: number; p50: number; p99: number; p999: number };
  process.stdout.write(`RPC floor (caller → relay → responder → relay → caller, ${size} B, ${result.calls} sequential calls): ` +
    `p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms, p99.9 ${result.p999.toFixed(3)} ms\n`);
}
