// The hash ring of an x-consistent-hash exchange. Each binding owns `weight × POINTS_PER_WEIGHT`
// points on a 32-bit circle; a message goes to the owner of the first point at or after its hash
// (wrapping past the top). Points are sorted in a Uint32Array and found by binary search, so a
// route costs O(log points) and allocates nothing.
//
// Determinism: a binding's points are MurmurHash3 (x86, 32-bit) of its identity text with seeds
// 0, 1, 2, …, and equal points are ordered by that identity, so the same bindings give the same
// ring whatever order they were added in — after a restart every key goes where it went before.
// Removing a binding removes only its points: only its keys move, each to the next point's owner.
//
// Why many points per unit of weight: with k random points a binding's share of the circle varies
// by about 1/√k of itself. RabbitMQ recommends single-digit weights, so one unit must already be
// many points for weights 1:2:3:4 to land within a few percent of their ratio.
import assert from 'node:assert/strict';

/** Points one unit of weight puts on the ring (share of a weight-1 binding varies ≈ ±3%). */
export const POINTS_PER_WEIGHT = 1024;
/** Sum of the weights of one exchange's bindings: 1024 units are 1 Mi points (8 MiB of ring). */
export const RING_WEIGHT_MAX = 1024;

// ---- MurmurHash3 x86_32, fed one byte at a time so strings hash as their UTF-8 without encoding ----

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
let mh = 0;
let mk = 0;
let mn = 0;

function start(seed: number): void {
  mh = seed >>> 0;
  mk = 0;
  mn = 0;
}

function feed(byte: number): void {
  mk |= byte << ((mn & 3) * 8);
  mn++;
  if ((mn & 3) !== 0) return;
  let k = Math.imul(mk, C1);
  k = (k << 15) | (k >>> 17);
  mh ^= Math.imul(k, C2);
  mh = (mh << 13) | (mh >>> 19);
  mh = (Math.imul(mh, 5) + 0xe6546b64) | 0;
  mk = 0;
}

function finish(): number {
  let h = mh;
  if ((mn & 3) !== 0) {
    let k = Math.imul(mk, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= mn;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of `bytes[startAt, endAt)`. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0, startAt = 0, endAt = bytes.length): number {
  start(seed);
  for (let i = startAt; i < endAt; i++) feed(bytes[i] as number);
  return finish();
}

/** MurmurHash3 x86_32 of the UTF-8 encoding of `text` (lone surrogates as U+FFFD, like Buffer.from). */
export function murmur3Text(text: string, seed = 0): number {
  start(seed);
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      feed(c);
      continue;
    }
    if (c < 0x800) {
      feed(0xc0 | (c >> 6));
      feed(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
        feed(0xf0 | (c >> 18));
        feed(0x80 | ((c >> 12) & 0x3f));
        feed(0x80 | ((c >> 6) & 0x3f));
        feed(0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    feed(0xe0 | (c >> 12));
    feed(0x80 | ((c >> 6) & 0x3f));
    feed(0x80 | (c & 0x3f));
  }
  return finish();
}

// ---- the ring ----

interface RingMember<T> {
  readonly value: T;
  /** Seeds the member's points and orders equal points. */
  readonly identity: string;
  readonly weight: number;
}

export class HashRing<T> {
  private points = new Uint32Array(0);
  /** owners[i] is the index in `members` of the member owning points[i]. */
  private owners = new Uint32Array(0);
  private readonly members: RingMember<T>[] = [];
  private totalWeight = 0;

  /** Points on the ring. */
  get size(): number {
    return this.points.length;
  }

  get weight(): number {
    return this.totalWeight;
  }

  has(identity: string): boolean {
    return this.members.some((m) => m.identity === identity);
  }

  /** Adds `weight × POINTS_PER_WEIGHT` points for `value`; O(total points). */
  add(value: T, identity: string, weight: number): void {
    assert(Number.isSafeInteger(weight) && weight >= 1, 'ring weight must be a positive integer');
    const seedBytes = Buffer.from(identity, 'utf8');
    const count = weight * POINTS_PER_WEIGHT;
    const fresh = new Uint32Array(count);
    for (let j = 0; j < count; j++) fresh[j] = murmur3Bytes(seedBytes, j);
    fresh.sort();
    const member: RingMember<T> = { value, identity, weight };
    const index = this.members.length;
    this.members.push(member);
    this.totalWeight += weight;

    const old = this.points;
    const oldOwners = this.owners;
    const points = new Uint32Array(old.length + count);
    const owners = new Uint32Array(old.length + count);
    let a = 0;
    let b = 0;
    let o = 0;
    while (a < old.length || b < count) {
      let takeOld: boolean;
      if (b === count) takeOld = true;
      else if (a === old.length) takeOld = false;
      else {
        const pa = old[a] as number;
        const pb = fresh[b] as number;
        takeOld = pa < pb || (pa === pb && (this.members[oldOwners[a] as number] as RingMember<T>).identity < identity);
      }
      if (takeOld) {
        points[o] = old[a] as number;
        owners[o++] = oldOwners[a++] as number;
      } else {
        points[o] = fresh[b++] as number;
        owners[o++] = index;
      }
    }
    this.points = points;
    this.owners = owners;
  }

  /** Removes the member whose identity this is; its keys go to the owners of the points after its own. */
  remove(identity: string): boolean {
    const index = this.members.findIndex((m) => m.identity === identity);
    if (index < 0) return false;
    const removed = this.members[index] as RingMember<T>;
    this.members.splice(index, 1);
    this.totalWeight -= removed.weight;
    const keep = this.points.length - removed.weight * POINTS_PER_WEIGHT;
    const points = new Uint32Array(keep);
    const owners = new Uint32Array(keep);
    let o = 0;
    for (let i = 0; i < this.points.length; i++) {
      const owner = this.owners[i] as number;
      if (owner === index) continue;
      points[o] = this.points[i] as number;
      owners[o++] = owner > index ? owner - 1 : owner;
    }
    assert.equal(o, keep, 'a ring member owned a different number of points than its weight gives');
    this.points = points;
    this.owners = owners;
    return true;
  }

  /** The owner of the first point at or after `hash` (an unsigned 32-bit value), undefined on an empty ring. */
  lookup(hash: number): T | undefined {
    const points = this.points;
    const n = points.length;
    if (n === 0) return undefined;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((points[mid] as number) < hash) lo = mid + 1;
      else hi = mid;
    }
    const at = lo === n ? 0 : lo;
    return (this.members[this.owners[at] as number] as RingMember<T>).value;
  }
}
