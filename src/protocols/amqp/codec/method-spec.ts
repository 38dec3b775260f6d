// Every AMQP 0-9-1 method Wharf speaks, declared once from the spec's method table
// (amqp0-9-1.xml / rabbitmq-codegen's amqp-rabbitmq-0.9.1.json): ids and argument lists in wire
// order. The method types (method-types.ts) and the generic codec (method-codec.ts) are derived
// from this table, so the three cannot disagree. Reserved arguments (ticket, out-of-band, …) are
// written as zero values and skipped on read.

/** Wire types of method arguments. 'text' is a longstr read as UTF-8. */
export type ArgType = 'octet' | 'short' | 'long' | 'longlong' | 'bit' | 'shortstr' | 'longstr' | 'text' | 'table';

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly reserved?: true;
}

export interface MethodSpec {
  readonly classId: number;
  readonly methodId: number;
  readonly args: readonly ArgSpec[];
  /** Followed by a content header and body frames. */
  readonly content?: true;
}

const ticket = { name: 'ticket', type: 'short', reserved: true } as const;

export const METHOD_SPECS = {
  'connection.start': { classId: 10, methodId: 10, args: [{ name: 'versionMajor', type: 'octet' }, { name: 'versionMinor', type: 'octet' }, { name: 'serverProperties', type: 'table' }, { name: 'mechanisms', type: 'text' }, { name: 'locales', type: 'text' }] },
  'connection.start-ok': { classId: 10, methodId: 11, args: [{ name: 'clientProperties', type: 'table' }, { name: 'mechanism', type: 'shortstr' }, { name: 'response', type: 'longstr' }, { name: 'locale', type: 'shortstr' }] },
  'connection.secure': { classId: 10, methodId: 20, args: [{ name: 'challenge', type: 'longstr' }] },
  'connection.secure-ok': { classId: 10, methodId: 21, args: [{ name: 'response', type: 'longstr' }] },
  'connection.tune': { classId: 10, methodId: 30, args: [{ name: 'channelMax', type: 'short' }, { name: 'frameMax', type: 'long' }, { name: 'heartbeat', type: 'short' }] },
  'connection.tune-ok': { classId: 10, methodId: 31, args: [{ name: 'channelMax', type: 'short' }, { name: 'frameMax', type: 'long' }, { name: 'heartbeat', type: 'short' }] },
  'connection.open': { classId: 10, methodId: 40, args: [{ name: 'virtualHost', type: 'shortstr' }, { name: 'capabilities', type: 'shortstr', reserved: true }, { name: 'insist', type: 'bit', reserved: true }] },
  'connection.open-ok': { classId: 10, methodId: 41, args: [{ name: 'knownHosts', type: 'shortstr', reserved: true }] },
  'connection.close': { classId: 10, methodId: 50, args: [{ name: 'replyCode', type: 'short' }, { name: 'replyText', type: 'shortstr' }, { name: 'classId', type: 'short' }, { name: 'methodId', type: 'short' }] },
  'connection.close-ok': { classId: 10, methodId: 51, args: [] },
  'connection.blocked': { classId: 10, methodId: 60, args: [{ name: 'reason', type: 'shortstr' }] },
  'connection.unblocked': { classId: 10, methodId: 61, args: [] },
  'connection.update-secret': { classId: 10, methodId: 70, args: [{ name: 'newSecret', type: 'longstr' }, { name: 'reason', type: 'shortstr' }] },
  'connection.update-secret-ok': { classId: 10, methodId: 71, args: [] },

  'channel.open': { classId: 20, methodId: 10, args: [{ name: 'outOfBand', type: 'shortstr', reserved: true }] },
  'channel.open-ok': { classId: 20, methodId: 11, args: [{ name: 'channelId', type: 'longstr', reserved: true }] },
  'channel.flow': { classId: 20, methodId: 20, args: [{ name: 'active', type: 'bit' }] },
  'channel.flow-ok': { classId: 20, methodId: 21, args: [{ name: 'active', type: 'bit' }] },
  'channel.close': { classId: 20, methodId: 40, args: [{ name: 'replyCode', type: 'short' }, { name: 'replyText', type: 'shortstr' }, { name: 'classId', type: 'short' }, { name: 'methodId', type: 'short' }] },
  'channel.close-ok': { classId: 20, methodId: 41, args: [] },

  'exchange.declare': { classId: 40, methodId: 10, args: [ticket, { name: 'exchange', type: 'shortstr' }, { name: 'type', type: 'shortstr' }, { name: 'passive', type: 'bit' }, { name: 'durable', type: 'bit' }, { name: 'autoDelete', type: 'bit' }, { name: 'internal', type: 'bit' }, { name: 'noWait', type: 'bit' }, { name: 'arguments', type: 'table' }] },
  'exchange.declare-ok': { classId: 40, methodId: 11, args: [] },
  'exchange.delete': { classId: 40, methodId: 20, args: [ticket, { name: 'exchange', type: 'shortstr' }, { name: 'ifUnused', type: 'bit' }, { name: 'noWait', type: 'bit' }] },
  'exchange.delete-ok': { classId: 40, methodId: 21, args: [] },
  'exchange.bind': { classId: 40, methodId: 30, args: [ticket, { name: 'destination', type: 'shortstr' }, { name: 'source', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }, { name: 'noWait', type: 'bit' }, { name: 'arguments', type: 'table' }] },
  'exchange.bind-ok': { classId: 40, methodId: 31, args: [] },
  'exchange.unbind': { classId: 40, methodId: 40, args: [ticket, { name: 'destination', type: 'shortstr' }, { name: 'source', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }, { name: 'noWait', type: 'bit' }, { name: 'arguments', type: 'table' }] },
  // 51, not 41: RabbitMQ's extension numbers it so.
  'exchange.unbind-ok': { classId: 40, methodId: 51, args: [] },

  'queue.declare': { classId: 50, methodId: 10, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'passive', type: 'bit' }, { name: 'durable', type: 'bit' }, { name: 'exclusive', type: 'bit' }, { name: 'autoDelete', type: 'bit' }, { name: 'noWait', type: 'bit' }, { name: 'arguments', type: 'table' }] },
  'queue.declare-ok': { classId: 50, methodId: 11, args: [{ name: 'queue', type: 'shortstr' }, { name: 'messageCount', type: 'long' }, { name: 'consumerCount', type: 'long' }] },
  'queue.bind': { classId: 50, methodId: 20, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'exchange', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }, { name: 'noWait', type: 'bit' }, { name: 'arguments', type: 'table' }] },
  'queue.bind-ok': { classId: 50, methodId: 21, args: [] },
  'queue.purge': { classId: 50, methodId: 30, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'noWait', type: 'bit' }] },
  'queue.purge-ok': { classId: 50, methodId: 31, args: [{ name: 'messageCount', type: 'long' }] },
  'queue.delete': { classId: 50, methodId: 40, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'ifUnused', type: 'bit' }, { name: 'ifEmpty', type: 'bit' }, { name: 'noWait', type: 'bit' }] },
  'queue.delete-ok': { classId: 50, methodId: 41, args: [{ name: 'messageCount', type: 'long' }] },
  'queue.unbind': { classId: 50, methodId: 50, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'exchange', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }, { name: 'arguments', type: 'table' }] },
  'queue.unbind-ok': { classId: 50, methodId: 51, args: [] },

  'basic.qos': { classId: 60, methodId: 10, args: [{ name: 'prefetchSize', type: 'long' }, { name: 'prefetchCount', type: 'short' }, { name: 'global', type: 'bit' }] },
  'basic.qos-ok': { classId: 60, methodId: 11, args: [] },
  'basic.consume': { classId: 60, methodId: 20, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'consumerTag', type: 'shortstr' }, { name: 'noLocal', type: 'bit' }, { name: 'noAck', type: 'bit' }, { name: 'exclusive', type: 'bit' }, { name: 'noWait', type: 'bit' }, { name: 'arguments', type: 'table' }] },
  'basic.consume-ok': { classId: 60, methodId: 21, args: [{ name: 'consumerTag', type: 'shortstr' }] },
  'basic.cancel': { classId: 60, methodId: 30, args: [{ name: 'consumerTag', type: 'shortstr' }, { name: 'noWait', type: 'bit' }] },
  'basic.cancel-ok': { classId: 60, methodId: 31, args: [{ name: 'consumerTag', type: 'shortstr' }] },
  'basic.publish': { classId: 60, methodId: 40, content: true, args: [ticket, { name: 'exchange', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }, { name: 'mandatory', type: 'bit' }, { name: 'immediate', type: 'bit' }] },
  'basic.return': { classId: 60, methodId: 50, content: true, args: [{ name: 'replyCode', type: 'short' }, { name: 'replyText', type: 'shortstr' }, { name: 'exchange', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }] },
  'basic.deliver': { classId: 60, methodId: 60, content: true, args: [{ name: 'consumerTag', type: 'shortstr' }, { name: 'deliveryTag', type: 'longlong' }, { name: 'redelivered', type: 'bit' }, { name: 'exchange', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }] },
  'basic.get': { classId: 60, methodId: 70, args: [ticket, { name: 'queue', type: 'shortstr' }, { name: 'noAck', type: 'bit' }] },
  'basic.get-ok': { classId: 60, methodId: 71, content: true, args: [{ name: 'deliveryTag', type: 'longlong' }, { name: 'redelivered', type: 'bit' }, { name: 'exchange', type: 'shortstr' }, { name: 'routingKey', type: 'shortstr' }, { name: 'messageCount', type: 'long' }] },
  'basic.get-empty': { classId: 60, methodId: 72, args: [{ name: 'clusterId', type: 'shortstr', reserved: true }] },
  'basic.ack': { classId: 60, methodId: 80, args: [{ name: 'deliveryTag', type: 'longlong' }, { name: 'multiple', type: 'bit' }] },
  'basic.reject': { classId: 60, methodId: 90, args: [{ name: 'deliveryTag', type: 'longlong' }, { name: 'requeue', type: 'bit' }] },
  'basic.recover-async': { classId: 60, methodId: 100, args: [{ name: 'requeue', type: 'bit' }] },
  'basic.recover': { classId: 60, methodId: 110, args: [{ name: 'requeue', type: 'bit' }] },
  'basic.recover-ok': { classId: 60, methodId: 111, args: [] },
  'basic.nack': { classId: 60, methodId: 120, args: [{ name: 'deliveryTag', type: 'longlong' }, { name: 'multiple', type: 'bit' }, { name: 'requeue', type: 'bit' }] },

  'confirm.select': { classId: 85, methodId: 10, args: [{ name: 'noWait', type: 'bit' }] },
  'confirm.select-ok': { classId: 85, methodId: 11, args: [] },

  'tx.select': { classId: 90, methodId: 10, args: [] },
  'tx.select-ok': { classId: 90, methodId: 11, args: [] },
  'tx.commit': { classId: 90, methodId: 20, args: [] },
  'tx.commit-ok': { classId: 90, methodId: 21, args: [] },
  'tx.rollback': { classId: 90, methodId: 30, args: [] },
  'tx.rollback-ok': { classId: 90, methodId: 31, args: [] },
} as const satisfies Record<string, MethodSpec>;

export type MethodName = keyof typeof METHOD_SPECS;

/** (classId << 16 | methodId) → name, for decoding. */
export const METHOD_BY_ID: ReadonlyMap<number, MethodName> = new Map(
  (Object.keys(METHOD_SPECS) as MethodName[]).map((name) => {
    const spec: MethodSpec = METHOD_SPECS[name];
    return [spec.classId * 65536 + spec.methodId, name];
  }),
);

export function methodId(classId: number, methodIdInClass: number): number {
  return classId * 65536 + methodIdInClass;
}
