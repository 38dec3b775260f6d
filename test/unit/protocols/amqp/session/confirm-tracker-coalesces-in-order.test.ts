import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfirmTracker } from '../../../../../src/protocols/amqp/confirm-tracker.js';

function tracker(): { t: ConfirmTracker; sent: string[] } {
  const sent: string[] = [];
  const t = new ConfirmTracker({
    ack: (tag, multiple) => sent.push(`ack ${tag}${multiple ? ' multiple' : ''}`),
    nack: (tag, multiple) => sent.push(`nack ${tag}${multiple ? ' multiple' : ''}`),
  });
  return { t, sent };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a run of acks settled in one turn becomes one basic.ack with multiple', async () => {
  const { t, sent } = tracker();
  const seqs = Array.from({ length: 5 }, () => t.next());
  assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
  for (const s of seqs) t.settle(s, true);
  await tick();
  assert.deepEqual(sent, ['ack 5 multiple']);
});

test('confirms wait for an earlier pending publish and go out in order', async () => {
  const { t, sent } = tracker();
  const [a, b, c] = [t.next(), t.next(), t.next()];
  t.settle(b, true);
  t.settle(c, true);
  await tick();
  assert.deepEqual(sent, [], 'nothing before seq 1 is settled');
  t.settle(a, true);
  await tick();
  assert.deepEqual(sent, ['ack 3 multiple']);
});

test('a nack splits runs and is sent on its own', async () => {
  const { t, sent } = tracker();
  const s = Array.from({ length: 5 }, () => t.next());
  t.settle(s[0] as number, true);
  t.settle(s[1] as number, true);
  t.settle(s[2] as number, false);
  t.settle(s[3] as number, true);
  t.settle(s[4] as number, true);
  await tick();
  assert.deepEqual(sent, ['ack 2 multiple', 'nack 3', 'ack 5 multiple']);
});

test('a single ack is not multiple, and numbering continues across flushes past the initial capacity', async () => {
  const { t, sent } = tracker();
  for (let i = 0; i < 3000; i++) t.settle(t.next(), true);
  await tick();
  const one = t.next();
  t.settle(one, true);
  await tick();
  assert.deepEqual(sent, ['ack 3000 multiple', 'ack 3001']);
});

test('after close nothing is sent', async () => {
  const { t, sent } = tracker();
  const s = t.next();
  t.close();
  t.settle(s, true);
  await tick();
  assert.deepEqual(sent, []);
});
