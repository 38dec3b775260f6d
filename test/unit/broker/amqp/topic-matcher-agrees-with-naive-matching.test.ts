import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopicMatcher, topicWords } from '../../../../src/broker/amqp/topic-matcher.js';

/** The definition, by recursion over words: the reference the trie must agree with. */
function naiveMatch(pattern: string[], key: string[]): boolean {
  if (pattern.length === 0) return key.length === 0;
  const [p, ...rest] = pattern;
  if (p === '#') {
    for (let i = 0; i <= key.length; i++) if (naiveMatch(rest, key.slice(i))) return true;
    return false;
  }
  if (key.length === 0) return false;
  return (p === '*' || p === key[0]) && naiveMatch(rest, key.slice(1));
}

/** A small deterministic generator, so a failure reproduces from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

function randomKey(r: () => number, words: string[], allowWildcards: boolean): string {
  const n = Math.floor(r() * 5);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (allowWildcards && x < 0.15) out.push('#');
    else if (allowWildcards && x < 0.3) out.push('*');
    else out.push(words[Math.floor(r() * words.length)] as string);
  }
  return out.join('.');
}

test('the trie matches exactly what the naive definition matches, on random patterns and keys', () => {
  const seed = 20240611;
  const r = rng(seed);
  const words = ['a', 'b', 'c', ''];
  for (let round = 0; round < 30; round++) {
    const matcher = new TopicMatcher<number>();
    const patterns: string[] = [];
    for (let i = 0; i < 40; i++) {
      const p = randomKey(r, words, true);
      patterns.push(p);
      matcher.add(p, i);
    }
    // Remove some, so pruning is exercised too.
    const removed = new Set<number>();
    for (let i = 0; i < 40; i += 3) {
      assert.equal(matcher.remove(patterns[i] as string, i), true);
      removed.add(i);
    }
    for (let k = 0; k < 60; k++) {
      const key = randomKey(r, words, false);
      const expected = patterns.map((p, i) => i).filter((i) => !removed.has(i) && naiveMatch(topicWords(patterns[i] as string), topicWords(key)));
      const actual = [...new Set(matcher.match(key))].sort((x, y) => x - y);
      assert.deepEqual(actual, expected, `seed ${seed} round ${round}: key '${key}' against ${JSON.stringify(patterns)}`);
    }
  }
});

test('RabbitMQ word rules: empty key has no words, # matches none, * exactly one, empty words count', () => {
  const m = new TopicMatcher<string>();
  for (const p of ['#', '*', '', 'a.#', 'a.*', '#.b', 'a..b', '*.*']) m.add(p, p);
  const match = (key: string): string[] => [...new Set(m.match(key))].sort();
  assert.deepEqual(match(''), ['', '#']);
  assert.deepEqual(match('a'), ['#', '*', 'a.#']);
  assert.deepEqual(match('a.b'), ['#', '#.b', '*.*', 'a.#', 'a.*']);
  assert.deepEqual(match('a..b'), ['#', '#.b', 'a.#', 'a..b']);
  assert.deepEqual(match('a.'), ['#', '*.*', 'a.#', 'a.*']);
});

test('a cached result is dropped when bindings change', () => {
  const m = new TopicMatcher<string>();
  m.add('x.*', 'one');
  assert.deepEqual(m.match('x.y'), ['one']);
  m.add('#', 'two');
  assert.deepEqual([...m.match('x.y')].sort(), ['one', 'two']);
  m.remove('x.*', 'one');
  assert.deepEqual(m.match('x.y'), ['two']);
  assert.equal(m.remove('x.*', 'one'), false);
});

test('10,000 bindings: a key reaches only its matches, and each match costs a short walk', () => {
  const m = new TopicMatcher<number>();
  for (let i = 0; i < 10_000; i++) m.add(`orders.region${i % 100}.customer${i}.*`, i);
  m.add('orders.#', -1);
  m.add('#.created', -2);
  assert.equal(m.bindingCount, 10_002);
  assert.deepEqual([...m.match('orders.region7.customer4207.created')].sort((a, b) => a - b), [-2, -1, 4207]);
  assert.deepEqual(m.match('payments.region7.customer4207.created'), [-2]);
  // Many distinct keys (beyond the cache) still route correctly.
  for (let i = 0; i < 10_000; i += 97) {
    assert.deepEqual([...m.match(`orders.region${i % 100}.customer${i}.x`)].sort((a, b) => a - b), [-1, i]);
  }
  for (let i = 0; i < 10_000; i++) m.remove(`orders.region${i % 100}.customer${i}.*`, i);
  assert.equal(m.bindingCount, 2);
});

test('many # in a pattern do not blow up against a long key', () => {
  const m = new TopicMatcher<string>();
  m.add('#.a.#.a.#.a.#.a.#.b', 'p');
  const key = Array.from({ length: 28 }, () => 'a').join('.');
  assert.deepEqual(m.match(key), []);
  assert.deepEqual(m.match(`${key}.b`), ['p']);
});
