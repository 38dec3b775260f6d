// The declaration language for Kafka message schemas. A schema lists fields in wire order, each
// with the versions it is present in, the versions where it may be null and, for flexible
// versions (KIP-482), whether it is a tagged field. `compile.ts` turns a declaration into
// closures once per version at module load; nothing here runs per request.
//
// Types flow from the declaration: `Decoded<S>` is what a decoder returns (every field filled,
// absent ones with their default) and `Encodable<S>` is what an encoder accepts (fields declared
// with `.default(…)` or `.tagged(…)` may be left out).
import type { RecordsValue } from '../codec/writer.js';

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Parses Kafka's version notation: "3+", "0-4", "5" or "none". */
export function versionRange(spec: string): VersionRange {
  if (spec === 'none') return { min: 1, max: 0 };
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: Number.MAX_SAFE_INTEGER };
  const range = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (!range) throw new TypeError(`bad version range "${spec}"`);
  const min = Number(range[1]);
  return { min, max: range[2] === undefined ? min : Number(range[2]) };
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

export type Kind = 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uuid' | 'string' | 'bytes' | 'records' | 'array' | 'struct';
/** Element types of arrays of primitives (`[]int32`, `[]string`, …). */
export type ElementKind = 'int8' | 'int16' | 'int32' | 'int64' | 'string' | 'uuid';
/** A default as declared; arrays and structs default to empty / all-default and take none. */
export type DefaultValue = number | string | boolean | null;

export type StructFields = { readonly [name: string]: AnyField };
export type AnyField = Field<unknown, unknown, boolean>;

const NONE: VersionRange = { min: 1, max: 0 };

export class Field<D, E = D, O extends boolean = false> {
  /** Phantom: decoded type, encodable type, optional-when-encoding. No runtime value. */
  declare readonly types: { readonly d: D; readonly e: E; readonly o: O };

  constructor(
    readonly kind: Kind,
    readonly versions: VersionRange,
    readonly element: ElementKind | StructFields | null = null,
    readonly nullableVersions: VersionRange = NONE,
    readonly taggedVersions: VersionRange = NONE,
    readonly tag = -1,
    readonly declaredDefault: DefaultValue | undefined = undefined,
  ) {}

  /** May be null in these versions (intersected with the field's own versions). */
  nullable(spec: string): Field<D | null, E | null, O> {
    return new Field(this.kind, this.versions, this.element, versionRange(spec), this.taggedVersions, this.tag, this.declaredDefault);
  }

  /** Non-zero default (Kafka's "default"); also makes the field optional when encoding. */
  default(value: D & DefaultValue): Field<D, E, true> {
    return new Field(this.kind, this.versions, this.element, this.nullableVersions, this.taggedVersions, this.tag, value);
  }

  /** Optional when encoding, with the type's zero value as default (0, "", false, []). */
  optional(): Field<D, E, true> {
    return new Field(this.kind, this.versions, this.element, this.nullableVersions, this.taggedVersions, this.tag, this.declaredDefault);
  }

  /** A tagged field (KIP-482) with this tag in these (flexible) versions; written only when not default. */
  tagged(tag: number, spec: string): Field<D, E, true> {
    return new Field(this.kind, this.versions, this.element, this.nullableVersions, versionRange(spec), tag, this.declaredDefault);
  }
}

type ElementDecoded<T> = T extends 'string' | 'uuid' ? string : T extends StructFields ? Decoded<T> : number;
type ElementEncodable<T> = T extends 'string' | 'uuid' ? string : T extends StructFields ? Encodable<T> : number;

type OptionalKeys<S extends StructFields> = { [K in keyof S]: S[K]['types']['o'] extends true ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type Decoded<S extends StructFields> = { -readonly [K in keyof S]: S[K]['types']['d'] };
export type Encodable<S extends StructFields> = Simplify<
  { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: S[K]['types']['e'] } & {
    readonly [K in OptionalKeys<S>]?: S[K]['types']['e'];
  }
>;

const scalar =
  <T>(kind: Kind) =>
  (versions: string): Field<T> =>
    new Field<T>(kind, versionRange(versions));

export const bool = scalar<boolean>('bool');
export const int8 = scalar<number>('int8');
export const int16 = scalar<number>('int16');
export const int32 = scalar<number>('int32');
/** int64 as a safe-integer number (src/records/int64.ts); ±2^53 covers offsets and timestamps. */
export const int64 = scalar<number>('int64');
/** 16 bytes, shown as Kafka prints UUIDs (unpadded base64url); the zero UUID is the default. */
export const uuid = scalar<string>('uuid');
export const string = scalar<string>('string');
/** Opaque bytes (group metadata, assignments, SASL tokens): views into the frame when decoded. */
export const bytes = scalar<Buffer>('bytes');

/** Record data (RecordBatch bytes), never decoded here; nullable in every version, as in Kafka. */
export function records(versions: string): Field<Buffer | null, RecordsValue> {
  return new Field<Buffer | null, RecordsValue>('records', versionRange(versions), null, versionRange(versions));
}

/** An array of primitives (`'int32'`, `'string'`, …) or of structs (a field list). */
export function array<const T extends ElementKind | StructFields>(
  versions: string,
  element: T,
): Field<ElementDecoded<T>[], readonly ElementEncodable<T>[]> {
  return new Field<ElementDecoded<T>[], readonly ElementEncodable<T>[]>('array', versionRange(versions), element);
}

/** A single nested struct (used by tagged fields such as Fetch's DivergingEpoch). */
export function struct<const S extends StructFields>(versions: string, fields: S): Field<Decoded<S>, Encodable<S>> {
  return new Field<Decoded<S>, Encodable<S>>('struct', versionRange(versions), fields);
}
