// Request and response headers, and which header version each (api, version) uses
// (protocol-matrix §1.6-C, Kafka's RequestHeader.json / ResponseHeader.json):
//
//   request header v1: api_key i16, api_version i16, correlation_id i32, client_id nullable string
//   request header v2: the same, then tagged fields. client_id keeps its int16 length even here,
//                      so a broker of any age can read the header of any ApiVersions request.
//   response header v0: correlation_id i32;  v1: correlation_id, then tagged fields.
//
// Flexible API versions (KIP-482) use request v2 / response v1, with one exception: ApiVersions
// responses always use header v0, because a client reads them before it knows what we speak
// (KIP-511). Request header v0 (no client_id) exists only for ControlledShutdown v0, which Wharf
// does not serve.
import { malformed } from './codec/codec-error.js';
import type { KafkaReader } from './codec/reader.js';
import { stringBytes, type KafkaWriter } from './codec/writer.js';

export const API_VERSIONS_KEY = 18;

export type RequestHeaderVersion = 1 | 2;
export type ResponseHeaderVersion = 0 | 1;

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** Null on the wire is read as "" (Java's RequestHeader.parse does the same). */
  readonly clientId: string;
}

/** The part every request header shares at fixed offsets, readable before the API is known. */
export interface RequestPrefix {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
}

/** `flexibleVersionMin` is the API's first flexible version, or null if it has none. */
export function requestHeaderVersion(apiVersion: number, flexibleVersionMin: number | null): RequestHeaderVersion {
  return flexibleVersionMin !== null && apiVersion >= flexibleVersionMin ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number, flexibleVersionMin: number | null): ResponseHeaderVersion {
  if (apiKey === API_VERSIONS_KEY) return 0; // KIP-511: always v0, so any client can read it.
  return flexibleVersionMin !== null && apiVersion >= flexibleVersionMin ? 1 : 0;
}

/** Reads api key, version and correlation id (the first 8 bytes) without consuming them. */
export function peekRequestPrefix(frame: Buffer): RequestPrefix {
  if (frame.length < 8) throw malformed(`request of ${frame.length} bytes is shorter than a request header`);
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

export function readRequestHeader(r: KafkaReader, version: RequestHeaderVersion): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString() ?? '';
  // No header tags are defined for requests yet; skipping unknown ones is what KIP-482 asks.
  if (version === 2) r.taggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function requestHeaderBytes(header: RequestHeader, version: RequestHeaderVersion): number {
  return 10 + stringBytes(header.clientId) + (version === 2 ? 1 : 0);
}

export function writeRequestHeader(w: KafkaWriter, header: RequestHeader, version: RequestHeaderVersion): void {
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  w.string(header.clientId);
  if (version === 2) w.uvarint(0);
}

export function responseHeaderBytes(version: ResponseHeaderVersion): number {
  return version === 1 ? 5 : 4;
}

export function writeResponseHeader(w: KafkaWriter, correlationId: number, version: ResponseHeaderVersion): void {
  w.int32(correlationId);
  if (version === 1) w.uvarint(0);
}

/** Reads a response header; returns the correlation id. */
export function readResponseHeader(r: KafkaReader, version: ResponseHeaderVersion): number {
  const correlationId = r.int32();
  if (version === 1) r.taggedFields();
  return correlationId;
}
