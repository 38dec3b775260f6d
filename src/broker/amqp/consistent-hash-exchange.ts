// The x-consistent-hash exchange type, with the semantics of RabbitMQ's
// rabbitmq_consistent_hash_exchange plugin: a binding's key is its weight (a positive integer as a
// string: the number of units of the ring it owns), each message goes to exactly one destination,
// chosen by hashing its routing key, or the header named by the exchange argument `hash-header`,
// or the property named by `hash-property` (message_id, correlation_id or timestamp). A message
// without the named header or property hashes as an empty value, so all such messages go to one
// (arbitrary, but stable) destination, as the plugin documents. The ring is consistent-hash-ring.ts.
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { messageHeaders } from './message-headers.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { HashRing, murmur3Bytes, murmur3Text, RING_WEIGHT_MAX } from './consistent-hash-ring.js';
import type { ExchangeRouter, RouteBinding, RouteSink, RouteTarget } from './exchange-types.js';
import { fieldTypeName } from './field-text.js';
import type { Message } from './types.js';

export const CONSISTENT_HASH_TYPE = 'x-consistent-hash';
export const HASH_HEADER_ARG = 'hash-header';
export const HASH_PROPERTY_ARG = 'hash-property';

/** What a consistent-hash exchange hashes. */
export type HashSource =
  | { readonly kind: 'routing-key' }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'property'; readonly index: number };

/** Basic-property indexes (AMQP 0-9-1 §4.2.6.1 order) of the properties the plugin can hash. */
const HASHABLE_PROPERTIES: ReadonlyMap<string, number> = new Map([['correlation_id', 5], ['message_id', 8], ['timestamp', 9]]);
const TIMESTAMP_INDEX = 9;

function textArgument(args: FieldTable, key: string, where: string): string | undefined {
  const v = args.get(key);
  if (v === undefined) return undefined;
  if (v.tag !== 'S') throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid type '${fieldTypeName(v)}' for arg '${key}' in ${where}; give the name as a string`);
  return v.value.toString('utf8');
}

/** Reads `hash-header` / `hash-property`; PRECONDITION_FAILED with the plugin's texts when they are wrong. */
export function hashSourceOf(args: FieldTable, where: string): HashSource {
  const header = textArgument(args, HASH_HEADER_ARG, where);
  const property = textArgument(args, HASH_PROPERTY_ARG, where);
  if (header !== undefined && property !== undefined) {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `hash-header and hash-property are mutually exclusive; declare ${where} with one of them`);
  }
  if (header !== undefined) return { kind: 'header', name: header };
  if (property !== undefined) {
    const index = HASHABLE_PROPERTIES.get(property);
    if (index === undefined) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `Unsupported property: ${property}; hash-property takes message_id, correlation_id or timestamp`);
    }
    return { kind: 'property', index };
  }
  return { kind: 'routing-key' };
}

/** The weight a binding key stands for; PRECONDITION_FAILED (RabbitMQ's binding_invalid) otherwise. */
export function bindingWeight(routingKey: string): number {
  if (!/^[+-]?[0-9]+$/.test(routingKey)) {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `The binding key must be an integer: "${routingKey}"; bind to an x-consistent-hash exchange with the weight as the key, e.g. "1"`);
  }
  const weight = Number(routingKey);
  if (weight < 1) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `The binding key must be greater than 0 (got "${routingKey}")`);
  if (weight > RING_WEIGHT_MAX) {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `The binding key (weight) ${routingKey} is over ${RING_WEIGHT_MAX}; use smaller weights, only their ratios matter`);
  }
  return weight;
}

/** The identity that seeds a binding's ring points (Binding.identity: source, destination, key, arguments). */
function identityOf(binding: RouteBinding): string {
  const identity = binding.identity;
  if (identity === undefined) throw new TypeError('a consistent-hash binding needs an identity to place its points');
  return identity;
}

export class ConsistentHashRouter implements ExchangeRouter {
  private readonly ring = new HashRing<RouteTarget>();
  private readonly source: HashSource;

  constructor(args: FieldTable, where: string) {
    this.source = hashSourceOf(args, where);
  }

  validate(binding: RouteBinding): void {
    const weight = bindingWeight(binding.routingKey);
    const identity = identityOf(binding);
    if (!this.ring.has(identity) && this.ring.weight + weight > RING_WEIGHT_MAX) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED,
        `the bindings of this x-consistent-hash exchange would weigh ${this.ring.weight + weight} in all, over the limit of ${RING_WEIGHT_MAX}; use smaller weights, only their ratios matter`);
    }
  }

  add(binding: RouteBinding): void {
    const identity = identityOf(binding);
    if (this.ring.has(identity)) return;
    this.ring.add(binding.target, identity, bindingWeight(binding.routingKey));
  }

  remove(binding: RouteBinding): void {
    this.ring.remove(identityOf(binding));
  }

  route(routingKey: string, message: Message, sink: RouteSink): number {
    if (this.ring.size === 0) return 0;
    const target = this.ring.lookup(this.hashOf(routingKey, message)) as RouteTarget;
    sink.add(target);
    return 1;
  }

  /** The 32-bit hash a message is placed by (exported through the router for tests and tools). */
  hashOf(routingKey: string, message: Message): number {
    const source = this.source;
    if (source.kind === 'routing-key') return murmur3Text(routingKey);
    if (source.kind === 'property') return hashProperty(message.properties, source.index);
    const headers = messageHeaders(message);
    return hashFieldValue(headers?.get(source.name));
  }
}

const EMPTY = new Uint8Array(0);

/** Strings and byte arrays hash as their bytes, numbers and booleans as their text; anything else as empty. */
export function hashFieldValue(v: FieldValue | undefined): number {
  if (v === undefined) return murmur3Bytes(EMPTY);
  switch (v.tag) {
    case 'S': case 'x': return murmur3Bytes(v.value);
    case 't': return murmur3Text(v.value ? 'true' : 'false');
    case 'b': case 'B': case 's': case 'u': case 'I': case 'i': case 'f': case 'd':
    case 'l': case 'L': case 'T':
      return murmur3Text(String(v.value));
    default: return murmur3Bytes(EMPTY);
  }
}

/** Sizes of the fixed-width basic properties (delivery-mode, priority: octet; timestamp: 8 bytes). */
const FIXED_SIZE: readonly number[] = [0, 0, 0, 1, 1, 0, 0, 0, 0, 8, 0, 0, 0, 0];
const TABLE_INDEX = 2;

/**
 * Hashes one property straight from the encoded property list (no decode, no allocation for the
 * strings): shortstrs as their bytes, the timestamp as its decimal text (as the plugin does).
 * An absent property hashes as empty. The list was validated when the message was published.
 */
function hashProperty(buf: Buffer, wanted: number): number {
  if (buf.length < 2) return murmur3Bytes(EMPTY);
  const flags = buf.readUInt16BE(0);
  let pos = 2;
  // Continuation words carry no basic property (the publish path rejected any that did).
  for (let more = flags & 1; more !== 0 && pos + 2 <= buf.length; pos += 2) more = buf.readUInt16BE(pos) & 1;
  for (let i = 0; i <= wanted; i++) {
    if ((flags & (1 << (15 - i))) === 0) {
      if (i === wanted) return murmur3Bytes(EMPTY);
      continue;
    }
    let size: number;
    if (i === TABLE_INDEX) size = pos + 4 <= buf.length ? 4 + buf.readUInt32BE(pos) : buf.length;
    else if ((FIXED_SIZE[i] as number) > 0) size = FIXED_SIZE[i] as number;
    else size = pos < buf.length ? 1 + (buf[pos] as number) : buf.length;
    if (pos + size > buf.length) return murmur3Bytes(EMPTY);
    if (i === wanted) {
      if (wanted === TIMESTAMP_INDEX) return murmur3Text(String(buf.readUInt32BE(pos) * 0x1_0000_0000 + buf.readUInt32BE(pos + 4)));
      return murmur3Bytes(buf, 0, pos + 1, pos + size);
    }
    pos += size;
  }
  return murmur3Bytes(EMPTY);
}
