// Turns a field declaration into a codec for one version: a list of closures chosen once (compact
// or not, nullable or not, tagged or not), so decoding a request walks a flat list and never
// looks at version ranges. Called at module load by defineApi, never per request.
import assert from 'node:assert/strict';
import { unencodable } from '../codec/codec-error.js';
import type { KafkaReader } from '../codec/reader.js';
import { EncodedSize, sizeOfUvarint, stringBytes, recordsLength, type KafkaWriter, type RecordsValue } from '../codec/writer.js';
import { inRange, type AnyField, type ElementKind, type Kind, type StructFields } from './fields.js';

/** Kafka's zero UUID in printed form (Uuid.ZERO_UUID). */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const EMPTY_BYTES = Buffer.alloc(0);

export interface ValueCodec {
  /** The fewest bytes one value takes on the wire: bounds array counts before reading them. */
  readonly bytesMin: number;
  read(r: KafkaReader): unknown;
  /** Adds the value's size; throws UNENCODABLE for values the version cannot carry (null, too long). */
  size(v: unknown, acc: EncodedSize): void;
  /** Writes the value; `size` must have accepted it first (encoders always measure first). */
  write(w: KafkaWriter, v: unknown): void;
}

interface Slot {
  readonly name: string;
  readonly codec: ValueCodec;
  /** Fresh default for decoding (arrays must not be shared with the caller). */
  readonly makeDefault: () => unknown;
  /** Shared default for encoding a field the caller left out. */
  readonly encodeDefault: unknown;
  readonly isDefault: (v: unknown) => boolean;
}

interface TaggedSlot extends Slot {
  readonly tag: number;
}

const FIXED_BYTES: Partial<Record<Kind, number>> = { bool: 1, int8: 1, int16: 2, int32: 4, int64: 8, uuid: 16 };

function fixed(kind: Kind): ValueCodec {
  const bytes = FIXED_BYTES[kind] ?? 0;
  const size = (_v: unknown, acc: EncodedSize): void => acc.add(bytes);
  switch (kind) {
    case 'bool': return { bytesMin: bytes, size, read: (r) => r.bool(), write: (w, v) => w.bool(v as boolean) };
    case 'int8': return { bytesMin: bytes, size, read: (r) => r.int8(), write: (w, v) => w.int8(v as number) };
    case 'int16': return { bytesMin: bytes, size, read: (r) => r.int16(), write: (w, v) => w.int16(v as number) };
    case 'int32': return { bytesMin: bytes, size, read: (r) => r.int32(), write: (w, v) => w.int32(v as number) };
    case 'int64': return { bytesMin: bytes, size, read: (r) => r.int64(), write: (w, v) => w.int64(v as number) };
    case 'uuid': return { bytesMin: bytes, size, read: (r) => r.uuid(), write: (w, v) => w.uuid(v as string) };
    default: throw new TypeError(`${kind} is not a fixed-size kind`);
  }
}

function refuseNull(path: string, version: number): never {
  throw unencodable(`${path} is not nullable in version ${version}`);
}

function stringCodec(compact: boolean, nullable: boolean, path: string, version: number): ValueCodec {
  return {
    bytesMin: compact ? 1 : 2,
    read: compact
      ? nullable ? (r) => r.compactNullableString() : (r) => r.compactString()
      : nullable ? (r) => r.nullableString() : (r) => r.string(),
    size(v, acc) {
      if (v === null) {
        if (!nullable) refuseNull(path, version);
        acc.add(compact ? 1 : 2);
        return;
      }
      const n = stringBytes(v as string);
      acc.add((compact ? sizeOfUvarint(n + 1) : 2) + n);
    },
    write: compact
      ? (w, v) => w.compactNullableString(v as string | null)
      : (w, v) => w.nullableString(v as string | null),
  };
}

function bytesCodec(compact: boolean, nullable: boolean, path: string, version: number): ValueCodec {
  return {
    bytesMin: compact ? 1 : 4,
    read: compact
      ? nullable ? (r) => r.compactNullableBytes() : (r) => r.compactBytes()
      : nullable ? (r) => r.nullableBytes() : (r) => r.bytes(),
    size(v, acc) {
      if (v === null && !nullable) refuseNull(path, version);
      const n = v === null ? 0 : (v as Buffer).length;
      acc.add((compact ? sizeOfUvarint(n + 1) : 4) + n);
    },
    write: compact
      ? (w, v) => w.compactNullableBytes(v as Buffer | null)
      : (w, v) => w.nullableBytes(v as Buffer | null),
  };
}

function recordsCodec(compact: boolean): ValueCodec {
  return {
    bytesMin: compact ? 1 : 4,
    read: compact ? (r) => r.compactNullableBytes() : (r) => r.nullableBytes(),
    size(v, acc) {
      const value = v as RecordsValue;
      acc.add(compact ? sizeOfUvarint(recordsLength(value) + 1) : 4);
      acc.addRecords(value);
    },
    write: (w, v) => w.records(v as RecordsValue, compact),
  };
}

function arrayCodec(element: ValueCodec, compact: boolean, nullable: boolean, path: string, version: number): ValueCodec {
  return {
    bytesMin: compact ? 1 : 4,
    read(r) {
      const count = r.arrayCount(compact, nullable, element.bytesMin);
      if (count === -1) return null;
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) out.push(element.read(r));
      return out;
    },
    size(v, acc) {
      if (v === null) {
        if (!nullable) refuseNull(path, version);
        acc.add(compact ? 1 : 4);
        return;
      }
      const items = v as readonly unknown[];
      acc.add(compact ? sizeOfUvarint(items.length + 1) : 4);
      for (const item of items) element.size(item, acc);
    },
    write(w, v) {
      if (v === null) {
        if (compact) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      const items = v as readonly unknown[];
      if (compact) w.uvarint(items.length + 1);
      else w.int32(items.length);
      for (const item of items) element.write(w, item);
    },
  };
}

function elementCodec(element: ElementKind, flexible: boolean, path: string, version: number): ValueCodec {
  return element === 'string' ? stringCodec(flexible, false, path, version) : fixed(element);
}

/** Default value of a field as declared (or the type's zero), for decode (fresh) and isDefault. */
function defaults(field: AnyField, struct: StructCodec | null): Pick<Slot, 'makeDefault' | 'encodeDefault' | 'isDefault'> {
  const declared = field.declaredDefault;
  if (field.kind === 'array') {
    if (declared === null) return { makeDefault: () => null, encodeDefault: null, isDefault: (v) => v == null };
    const empty: readonly unknown[] = [];
    return { makeDefault: () => [], encodeDefault: empty, isDefault: (v) => v == null || (v as unknown[]).length === 0 };
  }
  if (field.kind === 'struct') {
    assert.ok(struct !== null, 'struct field without a compiled struct');
    return { makeDefault: () => struct.makeDefault(), encodeDefault: struct.makeDefault(), isDefault: (v) => v == null || struct.isDefault(v) };
  }
  if (field.kind === 'bytes' && declared === undefined) {
    return { makeDefault: () => EMPTY_BYTES, encodeDefault: EMPTY_BYTES, isDefault: (v) => v == null || (v as Buffer).length === 0 };
  }
  let value: unknown = declared;
  if (value === undefined) {
    const zero: Record<Kind, unknown> = { bool: false, int8: 0, int16: 0, int32: 0, int64: 0, uuid: ZERO_UUID, string: '', bytes: EMPTY_BYTES, records: null, array: null, struct: null };
    value = zero[field.kind];
  }
  return { makeDefault: () => value, encodeDefault: value, isDefault: (v) => v === undefined || v === value };
}

/** One struct at one version: the wire fields in order, absent fields, and tagged fields by tag. */
export class StructCodec implements ValueCodec {
  readonly bytesMin: number;
  private readonly slots: readonly (Slot & { readonly onWire: boolean })[];
  private readonly wire: readonly Slot[];
  private readonly tagged: readonly TaggedSlot[];
  private readonly byTag: ReadonlyMap<number, TaggedSlot>;

  constructor(fields: StructFields, version: number, private readonly flexible: boolean, path: string) {
    const slots: (Slot & { readonly onWire: boolean })[] = [];
    const tagged: TaggedSlot[] = [];
    for (const [name, field] of Object.entries(fields)) {
      const fieldPath = path === '' ? name : `${path}.${name}`;
      const present = inRange(field.versions, version);
      const isTagged = present && inRange(field.taggedVersions, version);
      assert.ok(!isTagged || flexible, `${fieldPath} is tagged in non-flexible version ${version}`);
      const nested = field.kind === 'struct' || (field.kind === 'array' && typeof field.element === 'object' && field.element !== null)
        ? new StructCodec(field.element as StructFields, version, flexible, field.kind === 'array' ? `${fieldPath}[]` : fieldPath)
        : null;
      const codec = compileValue(field, nested, version, flexible, fieldPath);
      const slot = { name, codec, ...defaults(field, nested), onWire: present && !isTagged };
      slots.push(slot);
      if (isTagged) {
        assert.ok(!tagged.some((t) => t.tag === field.tag), `${fieldPath} repeats tag ${field.tag}`);
        tagged.push({ ...slot, tag: field.tag });
      }
    }
    this.slots = slots;
    this.wire = slots.filter((s) => s.onWire);
    this.tagged = tagged.sort((a, b) => a.tag - b.tag);
    this.byTag = new Map(tagged.map((t) => [t.tag, t]));
    this.bytesMin = this.wire.reduce((n, s) => n + s.codec.bytesMin, flexible ? 1 : 0);
  }

  makeDefault(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const s of this.slots) out[s.name] = s.makeDefault();
    return out;
  }

  isDefault(v: unknown): boolean {
    const o = v as Record<string, unknown>;
    return this.slots.every((s) => s.isDefault(o[s.name]));
  }

  read(r: KafkaReader): Record<string, unknown> {
    // Every key is set in declaration order, so decoded objects of one struct share one shape.
    const out: Record<string, unknown> = {};
    for (const s of this.slots) out[s.name] = s.onWire ? s.codec.read(r) : s.makeDefault();
    if (this.flexible) {
      r.taggedFields((tag, field) => {
        const slot = this.byTag.get(tag);
        if (slot === undefined) return false;
        out[slot.name] = slot.codec.read(field);
        return true;
      });
    }
    return out;
  }

  size(v: unknown, acc: EncodedSize): void {
    const o = v as Record<string, unknown>;
    for (const s of this.wire) {
      const x = o[s.name];
      s.codec.size(x === undefined ? s.encodeDefault : x, acc);
    }
    if (!this.flexible) return;
    let count = 0;
    for (const t of this.tagged) {
      const x = o[t.name];
      if (t.isDefault(x)) continue;
      count += 1;
      const inner = new EncodedSize();
      t.codec.size(x, inner);
      acc.add(sizeOfUvarint(t.tag) + sizeOfUvarint(inner.totalBytes));
      acc.inlineBytes += inner.inlineBytes;
      acc.externalBytes += inner.externalBytes;
    }
    acc.add(sizeOfUvarint(count));
  }

  write(w: KafkaWriter, v: unknown): void {
    const o = v as Record<string, unknown>;
    for (const s of this.wire) {
      const x = o[s.name];
      s.codec.write(w, x === undefined ? s.encodeDefault : x);
    }
    if (!this.flexible) return;
    if (this.tagged.length === 0) {
      w.uvarint(0);
      return;
    }
    const present = this.tagged.filter((t) => !t.isDefault(o[t.name]));
    w.uvarint(present.length);
    for (const t of present) {
      const inner = new EncodedSize();
      t.codec.size(o[t.name], inner);
      w.uvarint(t.tag);
      w.uvarint(inner.totalBytes);
      t.codec.write(w, o[t.name]);
    }
  }
}

function compileValue(field: AnyField, nested: StructCodec | null, version: number, flexible: boolean, path: string): ValueCodec {
  const nullable = inRange(field.versions, version) && inRange(field.nullableVersions, version);
  switch (field.kind) {
    case 'string': return stringCodec(flexible, nullable, path, version);
    case 'bytes': return bytesCodec(flexible, nullable, path, version);
    case 'records': return recordsCodec(flexible);
    case 'struct': return nested ?? fixed('struct');
    case 'array': {
      const element = nested ?? elementCodec(field.element as ElementKind, flexible, `${path}[]`, version);
      return arrayCodec(element, flexible, nullable, path, version);
    }
    default: return fixed(field.kind);
  }
}
