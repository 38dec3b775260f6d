// The prediction worker: an ordinary RabbitMQ-style RPC server written with amqplib, as an
// existing service would be. It consumes the `predict` queue, runs the sentiment model on each
// request and publishes the answer to the request's reply_to with its correlation_id. Both modes
// of the page reach it unchanged:
//   - push mode: the gateway's `request` sets reply_to to a direct reply-to key of the browser's
//     WebSocket, so the answer goes straight back to that socket;
//   - polling mode: the example server sets reply_to = `prediction-results`, a queue it consumes
//     to store the results its GET /jobs/:id answers from.
//
//   AMQP_URL=amqp://guest:guest@127.0.0.1:5672 WORK_MS=0 node examples/prediction/worker.mjs
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import { accuracy, loadReviews, splitHoldout, trainNaiveBayes } from './model.mjs';

export const REQUEST_QUEUE = process.env.PREDICT_QUEUE ?? 'predict';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** Extra time each prediction takes, to play a slower model (0: the real model's time only). */
const WORK_MS = Number(process.env.WORK_MS ?? '0');
const PREFETCH = Number(process.env.PREFETCH ?? '50');
const WORKER_ID = process.env.WORKER_ID ?? String(process.pid);

function log(msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), worker: WORKER_ID, msg, ...fields })}\n`);
}

// Train at start: first on 80% to report held-out accuracy, then on everything to serve.
const reviews = loadReviews();
const { train, test } = splitHoldout(reviews);
const started = performance.now();
const heldOut = accuracy(trainNaiveBayes(train), test);
const model = trainNaiveBayes(reviews);
log('model trained', {
  examples: reviews.length, vocabulary: model.vocabularySize, trainMs: Math.round(performance.now() - started),
  heldOutAccuracy: Number(heldOut.toFixed(3)), heldOutExamples: test.length,
});

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

const connection = await amqp.connect(AMQP_URL);
const channel = await connection.createChannel();
// Transient: a prediction nobody waits for any more is worth nothing after a restart.
await channel.assertQueue(REQUEST_QUEUE, { durable: false });
await channel.prefetch(PREFETCH);

let served = 0;
const { consumerTag } = await channel.consume(REQUEST_QUEUE, (msg) => {
  if (msg === null) return; // the broker cancelled the consumer
  void handle(msg);
});
log('worker ready', { queue: REQUEST_QUEUE, prefetch: PREFETCH, workMs: WORK_MS });

async function handle(msg) {
  const { replyTo, correlationId } = msg.properties;
  let answer;
  try {
    const request = JSON.parse(msg.content.toString('utf8'));
    if (typeof request.text !== 'string' || request.text.trim() === '') throw new Error('the request needs a non-empty "text"');
    const t0 = performance.now();
    if (WORK_MS > 0) await sleep(WORK_MS);
    const p = model.predict(request.text.slice(0, 2000));
    answer = {
      ok: true, label: p.label, confidence: p.confidence, probabilities: p.probabilities,
      worker: WORKER_ID, computeMs: performance.now() - t0,
    };
  } catch (err) {
    answer = { ok: false, error: err instanceof Error ? err.message : String(err), worker: WORKER_ID };
  }
  if (typeof replyTo === 'string' && replyTo !== '') {
    channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(answer)), { correlationId, contentType: 'application/json' });
  }
  channel.ack(msg);
  served++;
}

let logged = 0;
const stats = setInterval(() => {
  if (served !== logged) log('served', { total: served });
  logged = served;
}, 10_000);
stats.unref();

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log('stopping', { signal, served });
  try {
    await channel.cancel(consumerTag);
    await connection.close();
  } finally {
    process.exit(0);
  }
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
connection.on('close', () => {
  if (stopping) return;
  log('connection to the broker closed');
  process.exit(1);
});
