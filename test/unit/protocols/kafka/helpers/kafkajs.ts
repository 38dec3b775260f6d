// kafkajs's own request encoders and response decoders (node_modules/kafkajs/src/protocol), loaded
// as CommonJS, so Wharf's codec is checked against a real client's bytes rather than only itself.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KjsEncoder {
  readonly buffer: Buffer;
}
export interface KjsRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  encode(): Promise<KjsEncoder>;
}
type KjsRequestFactory = (args?: unknown) => KjsRequest;
interface KjsResponse {
  decode(payload: Buffer): Promise<unknown>;
}
interface KjsRecordBatchModule {
  RecordBatch(args: { records: unknown[]; firstOffset?: unknown; firstTimestamp?: number; maxTimestamp?: number; lastOffsetDelta?: number }): Promise<KjsEncoder>;
}
type KjsRecord = (args: { offsetDelta: number; timestampDelta: number; key: string | Buffer | null; value: string | Buffer | null; headers?: Record<string, string> }) => unknown;
type CreateRequest = (args: { correlationId: number; clientId: string; request: KjsRequest }) => Promise<KjsEncoder>;

const PROTOCOL = 'kafkajs/src/protocol';

export function kjsRequest(api: string, version: number): KjsRequestFactory {
  return require(`${PROTOCOL}/requests/${api}/v${version}/request.js`) as KjsRequestFactory;
}

export function kjsResponse(api: string, version: number): KjsResponse {
  return require(`${PROTOCOL}/requests/${api}/v${version}/response.js`) as KjsResponse;
}

/** The whole frame kafkajs would write to the socket: size, header v1, body. */
export async function kjsRequestFrame(request: KjsRequest, correlationId: number, clientId: string): Promise<Buffer> {
  const createRequest = require(`${PROTOCOL}/request.js`) as CreateRequest;
  return (await createRequest({ correlationId, clientId, request })).buffer;
}

/** A RecordBatch v2 as kafkajs's producer builds it (CRC32C included). */
export async function kjsRecordBatch(messages: { key: string | null; value: string; headers?: Record<string, string> }[], baseTimestamp: number): Promise<Buffer> {
  const { RecordBatch } = require(`${PROTOCOL}/recordBatch/v0/index.js`) as KjsRecordBatchModule;
  const Record = require(`${PROTOCOL}/recordBatch/record/v0/index.js`) as KjsRecord;
  const records = messages.map((m, i) => Record({ offsetDelta: i, timestampDelta: i, key: m.key, value: m.value, headers: m.headers ?? {} }));
  const batch = await RecordBatch({ records, firstTimestamp: baseTimestamp, maxTimestamp: baseTimestamp + messages.length - 1, lastOffsetDelta: messages.length - 1 });
  return Buffer.from(batch.buffer);
}

/** Checks that `actual` has every key of `expected` with a matching value, recursively. */
export function assertMatches(actual: unknown, expected: unknown, path = '$'): void {
  if (Buffer.isBuffer(expected)) {
    if (!Buffer.isBuffer(actual) || !actual.equals(expected)) throw new Error(`${path}: expected bytes ${expected.toString('hex')}, got ${String(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${path}: expected ${expected.length} elements, got ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => assertMatches(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') throw new Error(`${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertMatches((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  if (actual !== expected) throw new Error(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
