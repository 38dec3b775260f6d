// Whole messages: a request frame (as FrameAssembler hands it out, without its size prefix) to a
// header plus a body position, and a response body to the Buffers of one frame, size prefix
// included, ready for writev. The request/response pairs used by clients (and by tests) are here
// too: Wharf will need them for replication between brokers.
import assert from 'node:assert/strict';
import { KafkaReader } from './codec/reader.js';
import { EncodedSize, KafkaWriter } from './codec/writer.js';
import type { ApiDeclaration, ApiRegistry } from './api-registry.js';
import {
  peekRequestPrefix,
  readRequestHeader,
  readResponseHeader,
  requestHeaderBytes,
  requestHeaderVersion,
  responseHeaderBytes,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
  type RequestHeader,
  type RequestPrefix,
} from './request-header.js';
import type { ApiSchema } from './schema/api-schema.js';
import type { Decoded, Encodable, StructFields } from './schema/fields.js';

const FRAME_BYTES_MAX = 0x7fff_ffff;

export type IncomingRequest =
  /** A served API at a served version: decode the body at `bodyOffset` with `api.schema`. */
  | { readonly kind: 'request'; readonly header: RequestHeader; readonly api: ApiDeclaration; readonly bodyOffset: number }
  /** A known API at a version we do not serve. ApiVersions gets error 35 (encodeApiVersionsUnsupported); others close. */
  | { readonly kind: 'unsupported-version'; readonly header: RequestPrefix; readonly api: ApiDeclaration }
  /** An API key we do not serve; Kafka closes the connection. */
  | { readonly kind: 'unknown-api'; readonly header: RequestPrefix };

/** Reads the header of one request frame. Throws KafkaCodecError when the header is malformed. */
export function readRequest(frame: Buffer, registry: ApiRegistry): IncomingRequest {
  const prefix = peekRequestPrefix(frame);
  const api = registry.lookup(prefix.apiKey);
  if (api === undefined) return { kind: 'unknown-api', header: prefix };
  if (!registry.supports(prefix.apiKey, prefix.apiVersion)) return { kind: 'unsupported-version', header: prefix, api };
  const r = new KafkaReader(frame);
  const header = readRequestHeader(r, requestHeaderVersion(prefix.apiVersion, api.schema.flexibleVersionMin));
  return { kind: 'request', header, api, bodyOffset: r.pos };
}

/**
 * Decodes a request body. Trailing bytes after the body are ignored, as Kafka does
 * (RequestContext.parseRequest), so a frame is only refused for what we actually read.
 */
export function decodeRequestBody<Req extends StructFields>(
  schema: ApiSchema<Req, StructFields>, version: number, frame: Buffer, bodyOffset: number,
): Decoded<Req> {
  return schema.request.decode(version, new KafkaReader(frame, bodyOffset));
}

/** Encodes one response frame: size prefix, header (v0 or v1, see request-header.ts), body. */
export function encodeResponse<Res extends StructFields>(
  schema: ApiSchema<StructFields, Res>, version: number, correlationId: number, body: Encodable<Res>,
): Buffer[] {
  const headerVersion = responseHeaderVersion(schema.apiKey, version, schema.flexibleVersionMin);
  const size = new EncodedSize();
  size.add(4 + responseHeaderBytes(headerVersion));
  schema.response.measure(version, body, size);
  assert.ok(size.totalBytes - 4 <= FRAME_BYTES_MAX, 'response larger than a Kafka frame');
  const w = new KafkaWriter(size.inlineBytes);
  w.int32(size.totalBytes - 4);
  writeResponseHeader(w, correlationId, headerVersion);
  schema.response.write(w, version, body);
  return w.finish();
}

/** Encodes one request frame (size prefix included), as a client would send it. */
export function encodeRequest<Req extends StructFields>(
  schema: ApiSchema<Req, StructFields>, version: number, correlationId: number, clientId: string, body: Encodable<Req>,
): Buffer[] {
  const header: RequestHeader = { apiKey: schema.apiKey, apiVersion: version, correlationId, clientId };
  const headerVersion = requestHeaderVersion(version, schema.flexibleVersionMin);
  const size = new EncodedSize();
  size.add(4 + requestHeaderBytes(header, headerVersion));
  schema.request.measure(version, body, size);
  assert.ok(size.totalBytes - 4 <= FRAME_BYTES_MAX, 'request larger than a Kafka frame');
  const w = new KafkaWriter(size.inlineBytes);
  w.int32(size.totalBytes - 4);
  writeRequestHeader(w, header, headerVersion);
  schema.request.write(w, version, body);
  return w.finish();
}

/** Decodes one response frame (without its size prefix), as a client would read it. */
export function decodeResponse<Res extends StructFields>(
  schema: ApiSchema<StructFields, Res>, version: number, frame: Buffer,
): { correlationId: number; body: Decoded<Res> } {
  const r = new KafkaReader(frame);
  const correlationId = readResponseHeader(r, responseHeaderVersion(schema.apiKey, version, schema.flexibleVersionMin));
  return { correlationId, body: schema.response.decode(version, r) };
}
