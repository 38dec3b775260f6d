// Tables that hold every field tag, and a seeded random source for the fuzz tests.
import type { FieldTable, FieldValue } from '../../../../../src/formats/amqp/field-types.js';

/** One value of each tag Wharf decodes, with edge values where a tag has them. */
export function everyTagTable(): FieldTable {
  const nested: FieldTable = new Map<string, FieldValue>([['inner', { tag: 'S', value: Buffer.from('deep') }]]);
  return new Map<string, FieldValue>([
    ['bool', { tag: 't', value: true }],
    ['int8', { tag: 'b', value: -128 }],
    ['uint8', { tag: 'B', value: 255 }],
    ['int16', { tag: 's', value: -32768 }],
    ['uint16', { tag: 'u', value: 65535 }],
    ['int32', { tag: 'I', value: -2147483648 }],
    ['uint32', { tag: 'i', value: 4294967295 }],
    ['int64', { tag: 'l', value: -(2 ** 53) + 1 }],
    ['int64big', { tag: 'l', value: -(2n ** 63n) }],
    ['uint64', { tag: 'L', value: 2 ** 40 }],
    ['float', { tag: 'f', value: 1.5 }],
    ['double', { tag: 'd', value: -0.1 }],
    ['decimal', { tag: 'D', value: { scale: 2, value: -12345 } }],
    ['string', { tag: 'S', value: Buffer.from('héllo') }],
    ['bytes', { tag: 'x', value: Buffer.from([0, 1, 254, 255]) }],
    ['array', { tag: 'A', value: [{ tag: 'I', value: 1 }, { tag: 'V', value: null }, { tag: 'A', value: [] }, { tag: 'F', value: new Map() }] }],
    ['timestamp', { tag: 'T', value: 1700000000 }],
    ['timestampBig', { tag: 'T', value: 2n ** 64n - 1n }],
    ['table', { tag: 'F', value: nested }],
    ['void', { tag: 'V', value: null }],
    ['', { tag: 'S', value: Buffer.alloc(0) }],
  ]);
}

/** The table every-tag table becomes after an encode: 'L' → 'l', 's' → 'I'. */
export function everyTagTableNormalised(): FieldTable {
  const t = everyTagTable();
  t.set('int16', { tag: 'I', value: -32768 });
  t.set('uint64', { tag: 'l', value: 2 ** 40 });
  return t;
}

/** mulberry32: small, seedable, good enough to pick bytes to damage. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
