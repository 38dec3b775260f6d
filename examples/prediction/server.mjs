// The example server: serves the page and Wharf's browser client, and implements the classic
// slow-job API the page's polling mode uses, on top of the broker through amqplib:
//   POST /jobs {"text"}  → publishes an RPC message to the `predict` queue with
//                          reply_to = `prediction-results` and correlation_id = the job id,
//                          answers 202 {"id"}
//   GET  /jobs/:id       → {"status": "pending"} until the worker's answer has arrived on
//                          `prediction-results`, then {"status": "done", "result": {...}}
// Push mode needs none of this: the page talks to Wharf's gateway (`/ws`) directly.
//
//   PORT=3000 AMQP_URL=amqp://guest:guest@127.0.0.1:5672 GATEWAY_URL=ws://127.0.0.1:8080/ws \
//     node examples/prediction/server.mjs
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import amqp from 'amqplib';

const HERE = import.meta.dirname;
const PUBLIC_DIR = join(HERE, 'public');
const CLIENT_DIR = resolve(process.env.WHARF_CLIENT_DIR ?? join(HERE, '..', '..', 'dist', 'src', 'client', 'web'));
const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? '3000');
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** Where the page's push mode connects; by default port 8080 of the host the page was loaded from. */
const GATEWAY_URL = process.env.GATEWAY_URL ?? '';
const POLL_MS = Number(process.env.POLL_MS ?? '250');
const REQUEST_QUEUE = process.env.PREDICT_QUEUE ?? 'predict';
const RESULTS_QUEUE = process.env.RESULTS_QUEUE ?? 'prediction-results';
const BODY_BYTES_MAX = 16 * 1024;
/** Finished jobs are kept this long for a late poll; unfinished ones this long before they expire. */
const DONE_TTL_MS = 60_000;
const PENDING_TTL_MS = 5 * 60_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml',
};

function log(msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
}

/** @type {Map<string, { status: 'pending' | 'done' | 'expired', submittedAt: number, doneAt?: number, result?: unknown }>} */
const jobs = new Map();
/** HTTP requests handled, by route; GET /stats reads them without counting itself. */
const counters = { total: 0, postJobs: 0, getJobs: 0, static: 0, other: 0, resultsReceived: 0 };

let closing = false;
const connection = await amqp.connect(AMQP_URL);
connection.on('close', () => {
  if (closing) return;
  log('connection to the broker closed');
  process.exit(1);
});
// A confirm channel: POST /jobs answers only once the broker has taken the job.
const channel = await connection.createConfirmChannel();
await channel.assertQueue(REQUEST_QUEUE, { durable: false });
await channel.assertQueue(RESULTS_QUEUE, { durable: false });
await channel.consume(RESULTS_QUEUE, (msg) => {
  if (msg === null) return;
  counters.resultsReceived++;
  const job = jobs.get(String(msg.properties.correlationId));
  if (job === undefined || job.status !== 'pending') return; // expired, or not ours
  try {
    job.result = JSON.parse(msg.content.toString('utf8'));
  } catch {
    job.result = { ok: false, error: 'the worker answered something other than JSON' };
  }
  job.status = 'done';
  job.doneAt = Date.now();
}, { noAck: true });

const sweep = setInterval(() => {
  const now = Date.now();
  for (const [id, job] of jobs) {
    if (job.status === 'pending' && now - job.submittedAt > PENDING_TTL_MS) job.status = 'expired';
    else if (job.status !== 'pending' && now - (job.doneAt ?? job.submittedAt) > DONE_TTL_MS) jobs.delete(id);
  }
}, 10_000);
sweep.unref();

function send(res, status, body, headers = {}) {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': bytes.length, 'cache-control': 'no-store', ...headers,
  });
  res.end(bytes);
}

function readBody(req) {
  return new Promise((res, rej) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_BYTES_MAX) {
        rej(Object.assign(new Error(`body larger than ${BODY_BYTES_MAX} bytes`), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rej);
  });
}

async function postJob(req, res) {
  const raw = await readBody(req);
  let text;
  try {
    text = JSON.parse(raw).text;
  } catch {
    return send(res, 400, { error: 'the body must be JSON: {"text": "..."}' });
  }
  if (typeof text !== 'string' || text.trim() === '') return send(res, 400, { error: '"text" must be a non-empty string' });
  const id = randomUUID();
  jobs.set(id, { status: 'pending', submittedAt: Date.now() });
  // The same RPC message the gateway sends in push mode; only reply_to differs.
  await new Promise((ok, fail) => channel.sendToQueue(REQUEST_QUEUE, Buffer.from(JSON.stringify({ text })), {
    correlationId: id, replyTo: RESULTS_QUEUE, contentType: 'application/json',
  }, (err) => (err ? fail(err) : ok())));
  send(res, 202, { id, pollIntervalMs: POLL_MS }, { location: `/jobs/${id}` });
}

function getJob(res, id) {
  const job = jobs.get(id);
  if (job === undefined) return send(res, 404, { error: `no job ${id}` });
  if (job.status === 'done') return send(res, 200, { id, status: 'done', result: job.result });
  send(res, 200, { id, status: job.status });
}

async function serveFile(res, dir, relative) {
  const path = resolve(dir, relative);
  if (!path.startsWith(dir + sep)) return send(res, 404, 'not found');
  const type = CONTENT_TYPES[extname(path)];
  if (type === undefined) return send(res, 404, 'not found');
  let bytes;
  try {
    bytes = await readFile(path);
  } catch {
    const hint = dir === CLIENT_DIR ? ` (run "npm run build" in the repository so ${CLIENT_DIR} exists)` : '';
    return send(res, 404, `not found${hint}`);
  }
  res.writeHead(200, { 'content-type': type, 'content-length': bytes.length, 'cache-control': 'no-cache' });
  res.end(bytes);
}

function gatewayUrlFor(req) {
  if (GATEWAY_URL !== '') return GATEWAY_URL;
  const host = new URL(`http://${req.headers.host ?? 'localhost'}`).hostname;
  return `ws://${host.includes(':') ? `[${host}]` : host}:8080/ws`;
}

async function route(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = url.pathname;
  if (p === '/stats' && req.method === 'GET') return send(res, 200, { ...counters, jobs: jobs.size });
  counters.total++;
  if (p === '/jobs' && req.method === 'POST') {
    counters.postJobs++;
    return postJob(req, res);
  }
  const m = /^\/jobs\/([0-9a-f-]{36})$/.exec(p);
  if (m !== null && req.method === 'GET') {
    counters.getJobs++;
    return getJob(res, m[1]);
  }
  if (req.method !== 'GET') {
    counters.other++;
    return send(res, 405, { error: 'method not allowed' });
  }
  counters.static++;
  if (p === '/config.json') return send(res, 200, { gatewayUrl: gatewayUrlFor(req), pollIntervalMs: POLL_MS, requestQueue: REQUEST_QUEUE });
  if (p === '/') return serveFile(res, PUBLIC_DIR, 'index.html');
  if (p.startsWith('/wharf-client/')) return serveFile(res, CLIENT_DIR, decodeURIComponent(p.slice('/wharf-client/'.length)));
  return serveFile(res, PUBLIC_DIR, decodeURIComponent(p.slice(1)));
}

const server = createServer((req, res) => {
  route(req, res).catch((err) => {
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (!res.headersSent) send(res, status, { error: err instanceof Error ? err.message : String(err) });
    else res.destroy();
  });
});
server.keepAliveTimeout = 65_000;
// A backlog for bursts of new connections (a thousand browsers loading the page at once).
server.listen({ port: PORT, host: HOST, backlog: 4096 }, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : PORT;
  log('example server ready', { port, url: `http://${HOST}:${port}/`, amqp: AMQP_URL.replace(/\/\/[^@]*@/, '//'), pollIntervalMs: POLL_MS });
});

async function stop(signal) {
  if (closing) return;
  closing = true;
  log('stopping', { signal });
  server.close();
  server.closeAllConnections();
  try {
    await connection.close();
  } finally {
    process.exit(0);
  }
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
