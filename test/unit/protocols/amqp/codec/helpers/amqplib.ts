// Typed access to amqplib 0.10.9's own generated codec (lib/defs.js) and field-table codec
// (lib/codec.js), used as an independent implementation to check Wharf's against. amqplib is
// CommonJS and its internals are untyped; the shapes below are the parts these tests use.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type AmqplibFields = Record<string, unknown>;

interface AmqplibDefs {
  /** A whole method frame. `id` is classId << 16 | methodId. */
  encodeMethod(id: number, channel: number, fields: AmqplibFields): Buffer;
  /** A whole content header frame. */
  encodeProperties(classId: number, channel: number, bodySize: number, fields: AmqplibFields): Buffer;
  /** Method arguments (after the ids), or properties (flags onwards) when id is a class id. */
  decode(id: number, buf: Buffer): AmqplibFields;
  info(id: number): { name: string };
}

interface AmqplibCodec {
  /** Writes a table with its 4-byte length at offset; returns its size. */
  encodeTable(buf: Buffer, table: AmqplibFields, offset: number): number;
  /** Reads the entries of a table (without its length). */
  decodeFields(slice: Buffer): AmqplibFields;
}

export const amqplibDefs = require('amqplib/lib/defs.js') as AmqplibDefs;
export const amqplibCodec = require('amqplib/lib/codec.js') as AmqplibCodec;

export function amqplibEncodeTable(table: AmqplibFields): Buffer {
  const scratch = Buffer.alloc(65536);
  const n = amqplibCodec.encodeTable(scratch, table, 0);
  return Buffer.from(scratch.subarray(0, n));
}
