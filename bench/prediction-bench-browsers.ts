// One process of simulated browsers for `npm run bench:prediction` (forked by prediction-bench.ts).
// Each browser submits `rounds` predictions one after the other, as a person clicking would:
//   poll: POST /jobs to the example server, then GET /jobs/:id every pollMs until done (fetch);
//   push: wharf/client's request() over its own WebSocket to the gateway (`ws`).
// It connects first, tells the parent `ready`, starts on `go`, and sends back its measurements.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { connect, type WharfClient } from '../src/client/web/index.js';

export type BenchMode = 'poll' | 'push';

export interface BrowsersConfig {
  mode: BenchMode;
  browsers: number;
  rounds: number;
  pollMs: number;
  /** Each browser starts after a random delay in [0, startSpreadMs). */
  startSpreadMs: number;
  /** After each result a browser waits a random time in [0, thinkMs). */
  thinkMs: number;
  serverUrl: string;
  gatewayUrl: string;
  requestQueue: string;
  timeoutMs: number;
  /** Index of this process among the case's browser processes (seeds the review choice). */
  processIndex: number;
}

export interface BrowsersResult {
  latenciesMs: number[];
  results: number;
  errorCount: number;
  errors: string[];
  /** HTTP requests sent (poll mode: POST + GETs; push mode: none once connected). */
  httpRequests: number;
  /** WebSocket frames sent and received while measuring (push mode). */
  wsSent: number;
  wsReceived: number;
  /** Page loads before `go`: push mode's sockets, poll mode's first GET (not counted in httpRequests). */
  connections: number;
  wallMs: number;
  /** CPU seconds this process used between `go` and the end. */
  cpuSeconds: number;
  /** p99 event-loop delay of this process while measuring, in ms: how late its own timers ran. */
  loopDelayP99Ms: number;
}

export type ParentMessage = { type: 'go' };
export type ChildMessage = { type: 'ready' } | { type: 'done'; result: BrowsersResult } | { type: 'failed'; error: string };

const REVIEWS = [
  'The food was delicious and the staff were lovely.',
  'Terrible service, cold food and a rude waiter.',
  'Not bad at all, actually quite good.',
  'The battery died after two days, what a waste of money.',
  'A gripping film with a wonderful cast.',
  'The app keeps crashing and support never answers.',
  'Comfortable room, great view, would stay again.',
  'The package arrived broken and nobody replied to my emails.',
];

const frames = { sent: 0, received: 0 };

/** `ws`'s WebSocket, counting the frames the client sends and receives. */
class CountingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    this.on('message', () => {
      frames.received++;
    });
  }

  override send(data: string): void {
    frames.sent++;
    super.send(data);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function withConcurrency<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as BrowsersConfig;
  const result: BrowsersResult = {
    latenciesMs: [], results: 0, errorCount: 0, errors: [], httpRequests: 0, wsSent: 0, wsReceived: 0, connections: 0, wallMs: 0, cpuSeconds: 0, loopDelayP99Ms: 0,
  };
  const fail = (err: unknown): void => {
    result.errorCount++;
    if (result.errors.length < 5) result.errors.push(errorText(err));
  };
  const clients: (WharfClient | undefined)[] = new Array<WharfClient | undefined>(config.browsers).fill(undefined);

  if (config.mode === 'push') {
    await withConcurrency([...clients.keys()], 50, async (i) => {
      try {
        clients[i] = await connect(config.gatewayUrl, { WebSocket: CountingWebSocket, reconnect: false });
        result.connections++;
      } catch (err) {
        fail(err);
      }
    });
  } else {
    // Page load: each browser fetches the page's config, all at once, so the fetch pool holds a
    // keep-alive connection per browser before measuring, as push mode holds its sockets.
    await Promise.all(clients.map(async () => {
      try {
        const r = await fetch(`${config.serverUrl}/config.json`);
        await r.arrayBuffer();
        result.connections++;
      } catch (err) {
        fail(err);
      }
    }));
  }
  process.send?.({ type: 'ready' } satisfies ChildMessage);
  await new Promise<void>((res) => process.once('message', (m: ParentMessage) => { if (m.type === 'go') res(); }));

  const framesAtGo = { ...frames };
  const cpuAtGo = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const pollOnce = async (text: string): Promise<void> => {
    const t0 = performance.now();
    result.httpRequests++;
    const submitted = await fetch(`${config.serverUrl}/jobs`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }),
    });
    if (submitted.status !== 202) throw new Error(`POST /jobs: ${submitted.status} ${await submitted.text()}`);
    const { id } = (await submitted.json()) as { id: string };
    for (;;) {
      if (performance.now() - t0 > config.timeoutMs) throw new Error(`job ${id}: no result within ${config.timeoutMs} ms`);
      await sleep(config.pollMs);
      result.httpRequests++;
      const r = await fetch(`${config.serverUrl}/jobs/${id}`);
      if (!r.ok) throw new Error(`GET /jobs/${id}: ${r.status}`);
      const job = (await r.json()) as { status: string; result?: { ok: boolean } };
      if (job.status === 'done') {
        if (job.result?.ok !== true) throw new Error(`job ${id} failed: ${JSON.stringify(job.result)}`);
        break;
      }
      if (job.status !== 'pending') throw new Error(`job ${id}: ${job.status}`);
    }
    result.latenciesMs.push(performance.now() - t0);
    result.results++;
  };
  const pushOnce = async (client: WharfClient, text: string): Promise<void> => {
    const t0 = performance.now();
    const reply = await client.request('', config.requestQueue, JSON.stringify({ text }), { timeout: config.timeoutMs });
    const answer = reply.json<{ ok: boolean }>();
    if (answer.ok !== true) throw new Error(`prediction failed: ${JSON.stringify(answer)}`);
    result.latenciesMs.push(performance.now() - t0);
    result.results++;
  };

  await Promise.all(Array.from({ length: config.browsers }, async (_, b) => {
    await sleep(Math.random() * config.startSpreadMs);
    for (let r = 0; r < config.rounds; r++) {
      const text = REVIEWS[(config.processIndex * 7919 + b * 31 + r) % REVIEWS.length] as string;
      try {
        if (config.mode === 'poll') await pollOnce(text);
        else {
          const client = clients[b];
          if (client === undefined) throw new Error('this browser could not connect');
          await pushOnce(client, text);
        }
      } catch (err) {
        fail(err);
      }
      await sleep(Math.random() * config.thinkMs);
    }
  }));
  result.wallMs = performance.now() - started;
  loop.disable();
  result.loopDelayP99Ms = loop.percentile(99) / 1e6;
  const cpu = process.cpuUsage(cpuAtGo);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  result.wsSent = frames.sent - framesAtGo.sent;
  result.wsReceived = frames.received - framesAtGo.received;
  await Promise.all(clients.map((c) => c?.close()));
  process.send?.({ type: 'done', result } satisfies ChildMessage, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', error: errorText(err) } satisfies ChildMessage, () => process.exit(1));
});
