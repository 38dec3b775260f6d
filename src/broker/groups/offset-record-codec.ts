// Records of the offsets log (Wharf's own format, in the spirit of Kafka's __consumer_offsets):
//
//   key    kind int16 (1 offset, 2 group) | groupId str16 | offset keys: topic str16 | partition int32
//   offset version int16 (0) | offset int64 | leaderEpoch int32 | commitTimestampMs int64 | metadata str32
//   group  version int16 (0) | protocolType str32 | generationId int32 | protocolName nstr32 | leaderId nstr32 |
//          stateTimestampMs int64 | members count int32, each: memberId str32 | groupInstanceId nstr32 |
//          clientId str32 | clientHost str32 | rebalanceTimeoutMs int32 | sessionTimeoutMs int32 |
//          subscription bytes32 | assignment bytes32
//   a null value is a tombstone.
//
// str16/str32: int16/int32 length then UTF-8; nstr32: length -1 for null; bytes32: int32 length.
// Sizes are computed first and each buffer allocated once. Decoding is bounded by the records
// codec's BoundedReader (every length checked against the bytes left), the one bounded cursor
// Wharf keeps for stored bytes. An unknown kind or version is WHARF_ERR_OFFSETS_LOG_FORMAT (a
// newer Wharf wrote it); anything else that does not fit is WHARF_ERR_OFFSETS_LOG_CORRUPT.
import { strict as assert } from 'node:assert';
import { BoundedReader } from '../../records/bounded-reader.js';
import { writeInt64 } from '../../records/int64.js';
import { RecordsErrorCode, isRecordsError } from '../../records/records-error.js';
import { GroupErrorCode, groupError } from './group-errors.js';
import type { OffsetStoreEntry, OffsetValue, StoredGroup, StoredMember } from './offset-store.js';

const KEY_OFFSET = 1;
const KEY_GROUP = 2;
const VALUE_VERSION = 0;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const str16Bytes = (s: string): number => 2 + utf8(s);
const str32Bytes = (s: string | null): number => 4 + (s === null ? 0 : utf8(s));

class Writer {
  readonly buf: Buffer;
  private pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }
  int16(v: number): void {
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  int32(v: number): void {
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }
  int64(v: number): void {
    writeInt64(this.buf, this.pos, v);
    this.pos += 8;
  }
  str16(s: string): void {
    this.int16(utf8(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
  str32(s: string | null): void {
    if (s === null) return this.int32(-1);
    this.int32(utf8(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
  bytes32(b: Buffer): void {
    this.int32(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }
  done(): Buffer {
    assert.equal(this.pos, this.buf.length, 'offsets log record: computed size and written bytes disagree');
    return this.buf;
  }
}

export function encodeEntry(entry: OffsetStoreEntry): { key: Buffer; value: Buffer | null } {
  if (entry.kind === 'offset') {
    const key = new Writer(2 + str16Bytes(entry.groupId) + str16Bytes(entry.topic) + 4);
    key.int16(KEY_OFFSET);
    key.str16(entry.groupId);
    key.str16(entry.topic);
    key.int32(entry.partition);
    return { key: key.done(), value: entry.value === null ? null : encodeOffsetValue(entry.value) };
  }
  const key = new Writer(2 + str16Bytes(entry.groupId));
  key.int16(KEY_GROUP);
  key.str16(entry.groupId);
  return { key: key.done(), value: entry.value === null ? null : encodeGroupValue(entry.value) };
}

function encodeOffsetValue(v: OffsetValue): Buffer {
  const w = new Writer(2 + 8 + 4 + 8 + str32Bytes(v.metadata));
  w.int16(VALUE_VERSION);
  w.int64(v.offset);
  w.int32(v.leaderEpoch);
  w.int64(v.commitTimestampMs);
  w.str32(v.metadata);
  return w.done();
}

function memberBytes(m: StoredMember): number {
  return str32Bytes(m.memberId) + str32Bytes(m.groupInstanceId) + str32Bytes(m.clientId) + str32Bytes(m.clientHost) + 8 + 4 + m.subscription.length + 4 + m.assignment.length;
}

function encodeGroupValue(g: StoredGroup): Buffer {
  let size = 2 + str32Bytes(g.protocolType) + 4 + str32Bytes(g.protocolName) + str32Bytes(g.leaderId) + 8 + 4;
  for (const m of g.members) size += memberBytes(m);
  const w = new Writer(size);
  w.int16(VALUE_VERSION);
  w.str32(g.protocolType);
  w.int32(g.generationId);
  w.str32(g.protocolName);
  w.str32(g.leaderId);
  w.int64(g.stateTimestampMs);
  w.int32(g.members.length);
  for (const m of g.members) {
    w.str32(m.memberId);
    w.str32(m.groupInstanceId);
    w.str32(m.clientId);
    w.str32(m.clientHost);
    w.int32(m.rebalanceTimeoutMs);
    w.int32(m.sessionTimeoutMs);
    w.bytes32(m.subscription);
    w.bytes32(m.assignment);
  }
  return w.done();
}

/**
 * The records codec's BoundedReader over one key or value, with the offsets log's own failure:
 * every cut-short length, negative length or out-of-range int64 (RecordsError) becomes
 * WHARF_ERR_OFFSETS_LOG_CORRUPT naming the record part, so replay reports what to do about the
 * offsets log rather than about a record batch.
 */
class Reader {
  private readonly r: BoundedReader;
  constructor(buf: Buffer, private readonly what: string) {
    this.r = new BoundedReader(buf, 0, buf.length, RecordsErrorCode.CORRUPT);
  }
  fail(problem: string): never {
    throw groupError(GroupErrorCode.OFFSETS_LOG_CORRUPT, `offsets log ${this.what}: ${problem}; restore the offsets log from a backup, or remove it to forget committed offsets`);
  }
  /** Rethrows the records codec's RecordsError as this log's error; anything else is a bug and passes. */
  private translate(err: unknown): never {
    if (isRecordsError(err)) this.fail(err.message);
    throw err;
  }
  int16(field: string): number {
    try {
      return this.r.int16(field);
    } catch (err) {
      return this.translate(err);
    }
  }
  int32(field: string): number {
    try {
      return this.r.int32(field);
    } catch (err) {
      return this.translate(err);
    }
  }
  int64(field: string): number {
    try {
      return this.r.int64(field);
    } catch (err) {
      return this.translate(err);
    }
  }
  str16(field: string): string {
    try {
      return this.r.utf8(this.r.int16(field), field);
    } catch (err) {
      return this.translate(err);
    }
  }
  nstr32(field: string): string | null {
    try {
      const n = this.r.int32(field);
      return n === -1 ? null : this.r.utf8(n, field);
    } catch (err) {
      return this.translate(err);
    }
  }
  str32(field: string): string {
    const s = this.nstr32(field);
    return s === null ? this.fail(`${field} is null`) : s;
  }
  /** A copy, so the replayed group does not pin the segment read buffer. */
  bytes32(field: string): Buffer {
    let view: Buffer;
    try {
      view = this.r.bytes(this.r.int32(field), field);
    } catch (err) {
      return this.translate(err);
    }
    const copy = Buffer.allocUnsafeSlow(view.length);
    view.copy(copy);
    return copy;
  }
  end(): void {
    const left = this.r.remaining();
    if (left !== 0) this.fail(`${left} bytes follow the last field`);
  }
}

function version(r: Reader, what: string): void {
  const v = r.int16('version');
  if (v !== VALUE_VERSION) {
    throw groupError(GroupErrorCode.OFFSETS_LOG_FORMAT, `offsets log ${what} value has version ${v}; this Wharf reads version ${VALUE_VERSION}: run the Wharf that wrote it`);
  }
}

export function decodeEntry(key: Buffer | null, value: Buffer | null): OffsetStoreEntry {
  if (key === null) throw groupError(GroupErrorCode.OFFSETS_LOG_CORRUPT, 'offsets log record without a key; restore the offsets log from a backup');
  const k = new Reader(key, 'key');
  const kind = k.int16('kind');
  if (kind === KEY_OFFSET) {
    const groupId = k.str16('groupId');
    const topic = k.str16('topic');
    const partition = k.int32('partition');
    k.end();
    return { kind: 'offset', groupId, topic, partition, value: value === null ? null : decodeOffsetValue(value) };
  }
  if (kind === KEY_GROUP) {
    const groupId = k.str16('groupId');
    k.end();
    return { kind: 'group', groupId, value: value === null ? null : decodeGroupValue(value) };
  }
  throw groupError(GroupErrorCode.OFFSETS_LOG_FORMAT, `offsets log record of kind ${kind}, which this Wharf does not know: run the Wharf that wrote it`);
}

function decodeOffsetValue(value: Buffer): OffsetValue {
  const r = new Reader(value, 'offset');
  version(r, 'offset');
  const v: OffsetValue = { offset: r.int64('offset'), leaderEpoch: r.int32('leaderEpoch'), commitTimestampMs: r.int64('commitTimestampMs'), metadata: r.str32('metadata') };
  r.end();
  return v;
}

function decodeGroupValue(value: Buffer): StoredGroup {
  const r = new Reader(value, 'group');
  version(r, 'group');
  const protocolType = r.str32('protocolType');
  const generationId = r.int32('generationId');
  const protocolName = r.nstr32('protocolName');
  const leaderId = r.nstr32('leaderId');
  const stateTimestampMs = r.int64('stateTimestampMs');
  const count = r.int32('members');
  // Each member takes at least 32 bytes: a larger count cannot be honest.
  if (count < 0 || count > value.length / 32) r.fail(`member count ${count} cannot fit in ${value.length} bytes`);
  const members: StoredMember[] = [];
  for (let i = 0; i < count; i++) {
    members.push({
      memberId: r.str32('memberId'),
      groupInstanceId: r.nstr32('groupInstanceId'),
      clientId: r.str32('clientId'),
      clientHost: r.str32('clientHost'),
      rebalanceTimeoutMs: r.int32('rebalanceTimeoutMs'),
      sessionTimeoutMs: r.int32('sessionTimeoutMs'),
      subscription: r.bytes32('subscription'),
      assignment: r.bytes32('assignment'),
    });
  }
  r.end();
  return { protocolType, generationId, protocolName, leaderId, stateTimestampMs, members };
}
