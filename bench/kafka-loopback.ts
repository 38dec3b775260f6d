// Loopback TCP bandwidth of this machine for the Kafka benchmark: a Node sender (the bench
// process) pushes N bytes over 127.0.0.1 to a Node sink in a child process, which counts them.
// Node on both ends, like the broker and the kafkajs client; librdkafka would do no better on
// loopback than the kernel's copy, which this measures too.
//
// Run as a script with `sink BYTES` it is the sink: it prints {"event":"listening","port":N},
// then {"event":"done","bytes":N} once it has read BYTES, and exits when stdin closes.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './kafka-bench-processes.js';

const CHUNK_BYTES = 1024 * 1024;

export interface LoopbackResult {
  bytes: number;
  seconds: number;
  senderCpuSeconds: number;
  sinkCpuSeconds: number;
}

/** Pushes `bytes` through one loopback TCP connection to a sink process. */
export async function measureLoopback(bytes: number): Promise<LoopbackResult> {
  const sink = spawn(process.execPath, [fileURLToPath(import.meta.url), 'sink', String(bytes)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = sink.pid;
  if (pid === undefined) throw new Error('loopback sink: no pid');
  const events = createInterface({ input: sink.stdout })[Symbol.asyncIterator]();
  const next = async (event: string): Promise<Record<string, unknown>> => {
    const line = await events.next();
    const parsed = line.done === true ? null : (JSON.parse(line.value) as Record<string, unknown>);
    if (parsed?.event !== event) throw new Error(`loopback sink: expected ${event}, got ${line.done === true ? 'end' : line.value}`);
    return parsed;
  };
  try {
    const { port } = await next('listening');
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
    const chunk = Buffer.alloc(CHUNK_BYTES, 0x61);
    const sink0 = cpuSeconds(pid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const received = next('done');
    for (let sent = 0; sent < bytes; sent += CHUNK_BYTES) {
      const n = Math.min(CHUNK_BYTES, bytes - sent);
      if (!socket.write(n === CHUNK_BYTES ? chunk : chunk.subarray(0, n))) await new Promise((res) => socket.once('drain', res));
    }
    await received;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sinkCpuSeconds = cpuSeconds(pid) - sink0;
    socket.destroy();
    return { bytes, seconds, senderCpuSeconds: (cpu.user + cpu.system) / 1e6, sinkCpuSeconds };
  } finally {
    sink.stdin.end();
  }
}

function runSink(bytes: number): void {
  let received = 0;
  const server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= bytes) {
        process.stdout.write(`${JSON.stringify({ event: 'done', bytes: received })}\n`);
        socket.destroy();
        server.close();
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
  });
  process.stdin.on('end', () => process.exit(0)).resume();
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'sink') runSink(Number(process.argv[3]));
