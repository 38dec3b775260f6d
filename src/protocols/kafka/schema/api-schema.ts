// One Kafka API = one schema: its key, the versions it can encode and decode, its first flexible
// version (KIP-482) and the request and response field lists. defineApi compiles every version
// once, at module load ("decide at registration, not per request").
import assert from 'node:assert/strict';
import { KafkaCodecError } from '../codec/codec-error.js';
import type { KafkaReader } from '../codec/reader.js';
import type { EncodedSize, KafkaWriter } from '../codec/writer.js';
import { StructCodec } from './compile.js';
import { versionRange, type Decoded, type Encodable, type StructFields } from './fields.js';

/** The codec of one direction (request or response) of one API, for every version it knows. */
export class MessageCodec<S extends StructFields> {
  private readonly byVersion: readonly StructCodec[];

  constructor(
    readonly name: string,
    readonly fields: S,
    readonly versionMin: number,
    versionMax: number,
    flexibleVersionMin: number | null,
  ) {
    const codecs: StructCodec[] = [];
    for (let v = versionMin; v <= versionMax; v++) {
      codecs.push(new StructCodec(fields, v, flexibleVersionMin !== null && v >= flexibleVersionMin, ''));
    }
    this.byVersion = codecs;
  }

  private at(version: number): StructCodec {
    const codec = this.byVersion[version - this.versionMin];
    assert.ok(codec !== undefined, 'version outside the schema; check supports() first');
    return codec;
  }

  /** Decodes one message body; a malformed one throws KafkaCodecError naming the message. */
  decode(version: number, r: KafkaReader): Decoded<S> {
    const codec = this.at(version);
    try {
      return codec.read(r) as Decoded<S>;
    } catch (err) {
      if (err instanceof KafkaCodecError) throw new KafkaCodecError(err.code, `${this.name} v${version}: ${err.message}`);
      throw err;
    }
  }

  /** Adds the encoded size of `value` to `acc`; refuses (UNENCODABLE) what the version cannot carry. */
  measure(version: number, value: Encodable<S>, acc: EncodedSize): void {
    this.at(version).size(value, acc);
  }

  /** Writes `value`; `measure` must have been called with the same value. */
  write(w: KafkaWriter, version: number, value: Encodable<S>): void {
    this.at(version).write(w, value);
  }
}

export interface ApiSchemaSpec<Req extends StructFields, Res extends StructFields> {
  readonly apiKey: number;
  readonly name: string;
  /** Versions this schema can encode and decode ("0-9"); what is advertised is the registry's business. */
  readonly versions: string;
  /** First flexible version ("9+"), or "none". */
  readonly flexibleVersions: string;
  readonly request: Req;
  readonly response: Res;
}

export class ApiSchema<Req extends StructFields = StructFields, Res extends StructFields = StructFields> {
  readonly apiKey: number;
  readonly name: string;
  readonly versionMin: number;
  readonly versionMax: number;
  /** First flexible version, or null when the API has none in this range. */
  readonly flexibleVersionMin: number | null;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;

  constructor(spec: ApiSchemaSpec<Req, Res>) {
    const range = versionRange(spec.versions);
    const flexible = versionRange(spec.flexibleVersions);
    this.apiKey = spec.apiKey;
    this.name = spec.name;
    this.versionMin = range.min;
    this.versionMax = range.max;
    this.flexibleVersionMin = flexible.min <= flexible.max ? flexible.min : null;
    this.request = new MessageCodec(`${spec.name}Request`, spec.request, range.min, range.max, this.flexibleVersionMin);
    this.response = new MessageCodec(`${spec.name}Response`, spec.response, range.min, range.max, this.flexibleVersionMin);
  }

  supports(version: number): boolean {
    return Number.isInteger(version) && version >= this.versionMin && version <= this.versionMax;
  }

  isFlexible(version: number): boolean {
    return this.flexibleVersionMin !== null && version >= this.flexibleVersionMin;
  }
}

export function defineApi<const Req extends StructFields, const Res extends StructFields>(spec: ApiSchemaSpec<Req, Res>): ApiSchema<Req, Res> {
  return new ApiSchema(spec);
}

/** What a handler receives: the decoded request of API schema `A`. */
export type RequestData<A> = A extends ApiSchema<infer Req, StructFields> ? Decoded<Req> : never;
/** What a handler returns: the response of API schema `A`, optional fields may be left out. */
export type ResponseInput<A> = A extends ApiSchema<StructFields, infer Res> ? Encodable<Res> : never;
/** A request as an encoder takes it (clients, tests). */
export type RequestInput<A> = A extends ApiSchema<infer Req, StructFields> ? Encodable<Req> : never;
/** A response as a decoder returns it (clients, tests). */
export type ResponseData<A> = A extends ApiSchema<StructFields, infer Res> ? Decoded<Res> : never;
