// The consumer protocol: Kafka's "data" messages ConsumerProtocolSubscription and
// ConsumerProtocolAssignment (clients/src/main/resources/common/message/ConsumerProtocol*.json),
// which Kafka consumers put in JoinGroup metadata and SyncGroup assignments. The broker stores
// and forwards them as opaque bytes; tools read them (`wharf groups describe`) and group members
// write them (`wharf consume --group`).
//
// Each message starts with an int16 version. Later versions only append fields, and Kafka's
// ConsumerProtocol reads a newer version with the fields it knows, so decode does the same.
// Decoding is bounded like every schema (KafkaReader); bad bytes throw KafkaCodecError.
import { malformed } from '../codec/codec-error.js';
import { KafkaReader } from '../codec/reader.js';
import { EncodedSize, KafkaWriter } from '../codec/writer.js';
import { StructCodec } from './compile.js';
import { array, bytes, int32, string, type Decoded, type Encodable, type StructFields } from './fields.js';

const topicPartitions = (versions: string) => array(versions, { topic: string(versions), partitions: array(versions, 'int32') });

const subscriptionFields = {
  topics: array('0+', 'string'),
  userData: bytes('0+').nullable('0+').default(null),
  /** v1+ (KIP-429): what the member owns now; cooperative assignors read it. */
  ownedPartitions: topicPartitions('1+'),
  /** v2+ (KIP-792). */
  generationId: int32('2+').default(-1),
  /** v3+ (KIP-881): rack-aware assignors. */
  rackId: string('3+').nullable('3+').default(null),
} as const;

const assignmentFields = {
  assignedPartitions: topicPartitions('0+'),
  userData: bytes('0+').nullable('0+').default(null),
} as const;

export type ConsumerSubscription = Decoded<typeof subscriptionFields> & { version: number };
export type ConsumerAssignment = Decoded<typeof assignmentFields> & { version: number };

/** One data message in every version it has; no tagged fields (flexibleVersions "none"). */
class DataCodec<S extends StructFields> {
  private readonly byVersion: StructCodec[];

  constructor(readonly name: string, fields: S, readonly versionMax: number) {
    this.byVersion = [];
    for (let v = 0; v <= versionMax; v++) this.byVersion.push(new StructCodec(fields, v, false, ''));
  }

  private at(version: number): StructCodec {
    const codec = this.byVersion[Math.min(version, this.versionMax)];
    if (codec === undefined || version < 0) throw malformed(`${this.name} version ${version} is not a consumer-protocol version`);
    return codec;
  }

  encode(version: number, value: Encodable<S>): Buffer {
    const codec = this.at(version);
    const size = new EncodedSize();
    size.add(2);
    codec.size(value, size);
    const w = new KafkaWriter(size.inlineBytes);
    w.int16(version);
    codec.write(w, value);
    return Buffer.concat(w.finish());
  }

  decode(bytes: Buffer): Decoded<S> & { version: number } {
    const r = new KafkaReader(bytes);
    const version = r.int16();
    const body = this.at(version).read(r) as Decoded<S>;
    return { ...body, version };
  }
}

// Versions 0-3, as in Kafka 3.9's JSON (the assignment's fields are the same in all four).
const subscriptions = new DataCodec('ConsumerProtocolSubscription', subscriptionFields, 3);
const assignments = new DataCodec('ConsumerProtocolAssignment', assignmentFields, 3);

/** The declarations, for the test that checks them against Kafka's JSON. */
export const CONSUMER_PROTOCOL_MESSAGES: ReadonlyArray<{ readonly name: string; readonly fields: StructFields; readonly versionMax: number }> = [
  { name: subscriptions.name, fields: subscriptionFields, versionMax: subscriptions.versionMax },
  { name: assignments.name, fields: assignmentFields, versionMax: assignments.versionMax },
];

/** The subscription bytes a consumer sends in JoinGroup (v0 carries topics and user data only). */
export function encodeConsumerSubscription(version: number, value: Encodable<typeof subscriptionFields>): Buffer {
  return subscriptions.encode(version, value);
}

export function decodeConsumerSubscription(bytes: Buffer): ConsumerSubscription {
  return subscriptions.decode(bytes);
}

/** The assignment bytes a group leader sends for each member in SyncGroup. */
export function encodeConsumerAssignment(version: number, value: Encodable<typeof assignmentFields>): Buffer {
  return assignments.encode(version, value);
}

/** A member's assignment; empty bytes (a member the leader left out) mean no partitions. */
export function decodeConsumerAssignment(bytes: Buffer): ConsumerAssignment {
  if (bytes.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  return assignments.decode(bytes);
}
