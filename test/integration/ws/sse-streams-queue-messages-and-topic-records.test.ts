// Server-Sent Events: `GET /v1/sse?queue=` streams `event: message` for messages published by
// amqplib (auto-ack), `?topic=` streams `event: record` with the offset as the event id; bad
// queries are JSON errors; a closed stream leaves the queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '../../helpers/wait-for.js';
import { withWsBroker } from './ws-test-broker.js';

interface SseEvent {
  event: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

/** Reads an event stream with fetch, parsing events as they come. */
async function openStream(url: string): Promise<{ events: SseEvent[]; comments: string[]; status: number; close: () => void }> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  if (res.body !== null && res.status === 200) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = new Map<string, string>();
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else {
                const at = line.indexOf(': ');
                fields.set(line.slice(0, at), line.slice(at + 2));
              }
            }
            if (fields.has('data')) events.push({ event: fields.get('event') ?? 'message', id: fields.get('id'), data: JSON.parse(fields.get('data') as string) as Record<string, unknown> });
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return { events, comments, status: res.status, close: () => abort.abort() };
}

test('an SSE stream of a queue receives amqplib messages; closing it leaves the queue', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  await ch.assertQueue('feed');
  const stream = await openStream(`${b.httpBase}/v1/sse?queue=feed&vhost=%2F`);
  t.after(() => stream.close());
  assert.equal(stream.status, 200);
  await waitFor(async () => (await ch.checkQueue('feed')).consumerCount === 1, 5_000, 'the stream to consume');
  ch.sendToQueue('feed', Buffer.from('one'), { contentType: 'text/plain' });
  ch.sendToQueue('feed', Buffer.from('two'));
  await waitFor(() => stream.events.length === 2, 5_000, 'two events');
  assert.equal(stream.events[0]?.event, 'message');
  assert.equal(stream.events[0]?.data.payload, 'one');
  assert.equal((stream.events[0]?.data.properties as Record<string, unknown>).contentType, 'text/plain');
  assert.equal(stream.events[1]?.data.payload, 'two');
  assert.ok(stream.comments.includes('subscribed'));
  stream.close();
  await waitFor(async () => (await ch.checkQueue('feed')).consumerCount === 0, 5_000, 'the closed stream to leave the queue');
  assert.equal((await ch.checkQueue('feed')).messageCount, 0, 'auto-ack: delivered messages are settled');
});

test('an SSE stream of a topic partition sends records with their offsets as event ids', async (t) => {
  const b = await withWsBroker(t);
  const kafka = new Kafka({ clientId: 'sse-test', brokers: [b.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'metrics', numPartitions: 1 }] });
  await admin.disconnect();
  const p = kafka.producer();
  await p.connect();
  t.after(() => p.disconnect());
  await p.send({ topic: 'metrics', messages: [{ key: 'cpu', value: '0.5' }] });
  const stream = await openStream(`${b.httpBase}/v1/sse?topic=metrics&partition=0&offset=earliest`);
  t.after(() => stream.close());
  await waitFor(() => stream.events.length === 1, 5_000, 'the stored record');
  await p.send({ topic: 'metrics', messages: [{ key: 'cpu', value: '0.7' }] });
  await waitFor(() => stream.events.length === 2, 5_000, 'the new record');
  assert.deepEqual(stream.events.map((e) => [e.event, e.id, e.data.offset, e.data.value]), [['record', '0', 0, '0.5'], ['record', '1', 1, '0.7']]);
  const missing = await fetch(`${b.httpBase}/v1/sse?topic=nope`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'unknown_topic');
  const bad = await fetch(`${b.httpBase}/v1/sse`);
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
});
