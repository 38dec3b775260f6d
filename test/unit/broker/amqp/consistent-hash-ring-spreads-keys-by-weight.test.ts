// The consistent-hash ring on its own: MurmurHash3 agrees with the published test vectors and
// hashes a string exactly as its UTF-8 bytes; weights 1:2:3:4 share 100,000 random keys within
// 10% of their shares; the ring is the same whatever order bindings arrive in (so a restart keeps
// every key where it was); removing a member moves only its own keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { HashRing, murmur3Bytes, murmur3Text, POINTS_PER_WEIGHT } from '../../../../src/broker/amqp/consistent-hash-ring.js';

test('MurmurHash3 x86_32 matches the reference vectors; text hashes as its UTF-8 bytes', () => {
  assert.equal(murmur3Bytes(Buffer.alloc(0), 0), 0);
  assert.equal(murmur3Bytes(Buffer.alloc(0), 1), 0x514e28b7);
  assert.equal(murmur3Bytes(Buffer.alloc(0), 0xffffffff), 0x81f16f39);
  assert.equal(murmur3Text('hello'), 0x248bfa47);
  assert.equal(murmur3Text('The quick brown fox jumps over the lazy dog'), 0x2e4ff723);
  for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é', 'naïve café', '日本語のキー', '😀 emoji', 'lone \ud800 surrogate', 'end \udc00']) {
    for (const seed of [0, 7, 0xdeadbeef]) {
      assert.equal(murmur3Text(text, seed), murmur3Bytes(Buffer.from(text, 'utf8'), seed), `text ${JSON.stringify(text)} seed ${seed}`);
    }
  }
  const buf = Buffer.from('xxhello!!');
  assert.equal(murmur3Bytes(buf, 0, 2, 7), murmur3Text('hello'), 'a slice hashes like its own bytes');
});

function ringOf(members: readonly [string, number][]): HashRing<string> {
  const ring = new HashRing<string>();
  for (const [name, weight] of members) ring.add(name, `binding:${name}`, weight);
  return ring;
}

function randomKeys(n: number): string[] {
  const bytes = randomBytes(n * 8);
  return Array.from({ length: n }, (_, i) => bytes.toString('hex', i * 8, i * 8 + 8));
}

test('weights 1, 2, 3 and 4 each get their share of 100,000 random keys within 10%', () => {
  const weights: [string, number][] = [['q1', 1], ['q2', 2], ['q3', 3], ['q4', 4]];
  const ring = ringOf(weights);
  assert.equal(ring.size, 10 * POINTS_PER_WEIGHT);
  const counts = new Map<string, number>();
  const keys = randomKeys(100_000);
  for (const k of keys) {
    const owner = ring.lookup(murmur3Text(k)) as string;
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  for (const [name, weight] of weights) {
    const expected = (keys.length * weight) / 10;
    const got = counts.get(name) ?? 0;
    assert.ok(Math.abs(got - expected) <= expected * 0.1, `${name} (weight ${weight}) got ${got} keys, expected ${expected} ± 10%; all: ${JSON.stringify([...counts])}`);
  }
});

test('the same members give the same ring in any order of adding (keys keep their queue across a restart)', () => {
  const members: [string, number][] = [['a', 1], ['b', 2], ['c', 1], ['d', 3], ['e', 1]];
  const forward = ringOf(members);
  const backward = ringOf([...members].reverse());
  const shuffled = ringOf([members[2], members[4], members[0], members[3], members[1]] as [string, number][]);
  for (const k of randomKeys(20_000)) {
    const h = murmur3Text(k);
    const owner = forward.lookup(h);
    assert.equal(backward.lookup(h), owner, `key ${k}`);
    assert.equal(shuffled.lookup(h), owner, `key ${k}`);
  }
  // Removing then adding back is the same ring again.
  forward.remove('binding:c');
  forward.add('c', 'binding:c', 1);
  for (const k of randomKeys(5_000)) assert.equal(forward.lookup(murmur3Text(k)), backward.lookup(murmur3Text(k)));
});

test('removing a member moves only its keys; adding it back brings exactly those keys back', () => {
  const ring = ringOf([['p0', 1], ['p1', 1], ['p2', 1], ['p3', 1]]);
  const keys = randomKeys(40_000);
  const before = keys.map((k) => ring.lookup(murmur3Text(k)) as string);
  assert.equal(ring.remove('binding:p2'), true);
  assert.equal(ring.remove('binding:p2'), false, 'removing twice is a no-op');
  assert.equal(ring.size, 3 * POINTS_PER_WEIGHT);
  let moved = 0;
  for (let i = 0; i < keys.length; i++) {
    const now = ring.lookup(murmur3Text(keys[i] as string));
    if (before[i] === 'p2') {
      assert.notEqual(now, 'p2');
      moved++;
    } else {
      assert.equal(now, before[i], `key ${keys[i]} was on ${before[i]} and must stay there`);
    }
  }
  assert.ok(moved > 0.2 * keys.length && moved < 0.3 * keys.length, `about a quarter of the keys moved (${moved})`);
  ring.add('p2', 'binding:p2', 1);
  for (let i = 0; i < keys.length; i++) assert.equal(ring.lookup(murmur3Text(keys[i] as string)), before[i]);
});

test('an empty ring routes nowhere; one member takes every key, including at the top of the circle', () => {
  const ring = new HashRing<string>();
  assert.equal(ring.lookup(123), undefined);
  ring.add('only', 'binding:only', 1);
  for (const h of [0, 1, 0x7fffffff, 0xfffffffe, 0xffffffff]) assert.equal(ring.lookup(h), 'only');
  ring.remove('binding:only');
  assert.equal(ring.lookup(0), undefined);
  assert.equal(ring.weight, 0);
});
