// The method types, derived from METHOD_SPECS so the table and the types cannot drift: each
// method is an object with a `name` discriminant ('basic.publish') and its non-reserved arguments
// in camelCase. Named aliases below are the types the session and tests write against.
import type { FieldTable } from '../../../formats/amqp/field-types.js';
import type { ArgSpec, ArgType, MethodName } from './method-spec.js';
import type { METHOD_SPECS } from './method-spec.js';

type ArgValue<T extends ArgType> =
  T extends 'octet' | 'short' | 'long' | 'longlong' ? number
    : T extends 'bit' ? boolean
      : T extends 'shortstr' | 'text' ? string
        : T extends 'longstr' ? Buffer
          : T extends 'table' ? FieldTable
            : never;

type ArgsOf<A extends readonly ArgSpec[]> = {
  [E in A[number] as E extends { reserved: true } ? never : E['name']]: ArgValue<E['type']>;
};

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type MethodOf<N extends MethodName> = Simplify<{ name: N } & ArgsOf<(typeof METHOD_SPECS)[N]['args']>>;

/** Every method, discriminated by `name`. */
export type AmqpMethod = { [N in MethodName]: MethodOf<N> }[MethodName];

export type ConnectionStart = MethodOf<'connection.start'>;
export type ConnectionStartOk = MethodOf<'connection.start-ok'>;
export type ConnectionSecure = MethodOf<'connection.secure'>;
export type ConnectionSecureOk = MethodOf<'connection.secure-ok'>;
export type ConnectionTune = MethodOf<'connection.tune'>;
export type ConnectionTuneOk = MethodOf<'connection.tune-ok'>;
export type ConnectionOpen = MethodOf<'connection.open'>;
export type ConnectionOpenOk = MethodOf<'connection.open-ok'>;
export type ConnectionClose = MethodOf<'connection.close'>;
export type ConnectionCloseOk = MethodOf<'connection.close-ok'>;
export type ConnectionBlocked = MethodOf<'connection.blocked'>;
export type ConnectionUnblocked = MethodOf<'connection.unblocked'>;
export type ConnectionUpdateSecret = MethodOf<'connection.update-secret'>;
export type ConnectionUpdateSecretOk = MethodOf<'connection.update-secret-ok'>;
export type ChannelOpen = MethodOf<'channel.open'>;
export type ChannelOpenOk = MethodOf<'channel.open-ok'>;
export type ChannelFlow = MethodOf<'channel.flow'>;
export type ChannelFlowOk = MethodOf<'channel.flow-ok'>;
export type ChannelClose = MethodOf<'channel.close'>;
export type ChannelCloseOk = MethodOf<'channel.close-ok'>;
export type ExchangeDeclare = MethodOf<'exchange.declare'>;
export type ExchangeDeclareOk = MethodOf<'exchange.declare-ok'>;
export type ExchangeDelete = MethodOf<'exchange.delete'>;
export type ExchangeDeleteOk = MethodOf<'exchange.delete-ok'>;
export type ExchangeBind = MethodOf<'exchange.bind'>;
export type ExchangeBindOk = MethodOf<'exchange.bind-ok'>;
export type ExchangeUnbind = MethodOf<'exchange.unbind'>;
export type ExchangeUnbindOk = MethodOf<'exchange.unbind-ok'>;
export type QueueDeclare = MethodOf<'queue.declare'>;
export type QueueDeclareOk = MethodOf<'queue.declare-ok'>;
export type QueueBind = MethodOf<'queue.bind'>;
export type QueueBindOk = MethodOf<'queue.bind-ok'>;
export type QueuePurge = MethodOf<'queue.purge'>;
export type QueuePurgeOk = MethodOf<'queue.purge-ok'>;
export type QueueDelete = MethodOf<'queue.delete'>;
export type QueueDeleteOk = MethodOf<'queue.delete-ok'>;
export type QueueUnbind = MethodOf<'queue.unbind'>;
export type QueueUnbindOk = MethodOf<'queue.unbind-ok'>;
export type BasicQos = MethodOf<'basic.qos'>;
export type BasicQosOk = MethodOf<'basic.qos-ok'>;
export type BasicConsume = MethodOf<'basic.consume'>;
export type BasicConsumeOk = MethodOf<'basic.consume-ok'>;
export type BasicCancel = MethodOf<'basic.cancel'>;
export type BasicCancelOk = MethodOf<'basic.cancel-ok'>;
export type BasicPublish = MethodOf<'basic.publish'>;
export type BasicReturn = MethodOf<'basic.return'>;
export type BasicDeliver = MethodOf<'basic.deliver'>;
export type BasicGet = MethodOf<'basic.get'>;
export type BasicGetOk = MethodOf<'basic.get-ok'>;
export type BasicGetEmpty = MethodOf<'basic.get-empty'>;
export type BasicAck = MethodOf<'basic.ack'>;
export type BasicReject = MethodOf<'basic.reject'>;
export type BasicRecoverAsync = MethodOf<'basic.recover-async'>;
export type BasicRecover = MethodOf<'basic.recover'>;
export type BasicRecoverOk = MethodOf<'basic.recover-ok'>;
export type BasicNack = MethodOf<'basic.nack'>;
export type ConfirmSelect = MethodOf<'confirm.select'>;
export type ConfirmSelectOk = MethodOf<'confirm.select-ok'>;
export type TxSelect = MethodOf<'tx.select'>;
export type TxSelectOk = MethodOf<'tx.select-ok'>;
export type TxCommit = MethodOf<'tx.commit'>;
export type TxCommitOk = MethodOf<'tx.commit-ok'>;
export type TxRollback = MethodOf<'tx.rollback'>;
export type TxRollbackOk = MethodOf<'tx.rollback-ok'>;
