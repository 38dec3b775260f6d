// Random values for a schema at one version, shaped exactly as the decoder returns them: fields
// present in the version get random values (null where nullable, default or not where tagged),
// absent fields get their declared default. Encoding such a value and decoding it must give it
// back unchanged. Seeded, so a failure can be replayed.
import { ZERO_UUID } from '../../../../../src/protocols/kafka/schema/compile.js';
import { inRange, type AnyField, type ElementKind, type StructFields } from '../../../../../src/protocols/kafka/schema/fields.js';

export type Rng = () => number;

/** mulberry32: small, fast, good enough for fuzzing; the same seed gives the same sequence. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run: WHARF_FUZZ_SEED if set, otherwise fresh. Tests print it. */
export function fuzzSeed(): number {
  const fromEnv = process.env['WHARF_FUZZ_SEED'];
  return fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 0x7fff_ffff);
}

export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

const ALPHABET = ['a', 'b', 'z', '0', '-', '.', '_', ' ', 'é', '€', '日', '😀'];

function randomString(rng: Rng): string {
  let s = '';
  const n = randomInt(rng, 0, 12);
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(rng, 0, ALPHABET.length - 1)];
  return s;
}

function randomBytes(rng: Rng, max: number): Buffer {
  const b = Buffer.alloc(randomInt(rng, 0, max));
  for (let i = 0; i < b.length; i++) b[i] = randomInt(rng, 0, 255);
  return b;
}

function randomScalar(kind: ElementKind | 'bool' | 'bytes' | 'records', rng: Rng): unknown {
  switch (kind) {
    case 'bool': return rng() < 0.5;
    case 'int8': return randomInt(rng, -128, 127);
    case 'int16': return randomInt(rng, -32768, 32767);
    case 'int32': return randomInt(rng, -2147483648, 2147483647);
    case 'int64': return rng() < 0.3 ? randomInt(rng, -2, 2) : randomInt(rng, -(2 ** 53) + 1, 2 ** 53 - 1);
    case 'uuid': return Buffer.from(Array.from({ length: 16 }, () => randomInt(rng, 0, 255))).toString('base64url');
    case 'string': return randomString(rng);
    case 'bytes': return randomBytes(rng, 20);
    // Mostly small record data; sometimes large enough to be passed through, not copied.
    case 'records': return rng() < 0.1 ? randomBytes(rng, 9000) : randomBytes(rng, 40);
  }
}

/** The value a decoder fills in for a field absent from the version (mirrors compile.ts). */
export function defaultOf(field: AnyField): unknown {
  if (field.kind === 'array') return field.declaredDefault === null ? null : [];
  if (field.kind === 'struct') return defaultStruct(field.element as StructFields);
  if (field.declaredDefault !== undefined) return field.declaredDefault;
  const zero: Record<string, unknown> = { bool: false, int8: 0, int16: 0, int32: 0, int64: 0, uuid: ZERO_UUID, string: '', bytes: Buffer.alloc(0), records: null };
  return zero[field.kind];
}

function defaultStruct(fields: StructFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields)) out[name] = defaultOf(f);
  return out;
}

function randomField(field: AnyField, version: number, rng: Rng, depth: number): unknown {
  if (!inRange(field.versions, version)) return defaultOf(field);
  if (inRange(field.taggedVersions, version) && rng() < 0.4) return defaultOf(field);
  if (inRange(field.nullableVersions, version) && rng() < 0.2) return null;
  if (field.kind === 'struct') return randomStruct(field.element as StructFields, version, rng, depth + 1);
  if (field.kind === 'array') {
    const n = depth > 3 ? 0 : randomInt(rng, 0, 3);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      out.push(typeof field.element === 'string'
        ? randomScalar(field.element, rng)
        : randomStruct(field.element as StructFields, version, rng, depth + 1));
    }
    return out;
  }
  return randomScalar(field.kind as ElementKind | 'bool' | 'bytes' | 'records', rng);
}

export function randomStruct(fields: StructFields, version: number, rng: Rng, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields)) out[name] = randomField(f, version, rng, depth);
  return out;
}
