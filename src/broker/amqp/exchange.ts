// An exchange of a virtual host: its declared properties and its router. Equivalence rules and
// texts follow rabbit_exchange:assert_equivalence, which compares type, durable, auto_delete,
// internal and, of the arguments, only alternate-exchange.
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { createRouter, type ExchangeRouter, type ExchangeType, type RouteTarget } from './exchange-types.js';
import { fieldTypeName } from './field-text.js';
import { assertArgsEquivalence, assertFieldEquivalence, resourceText } from './equivalence.js';

export const ALTERNATE_EXCHANGE = 'alternate-exchange';

export interface ExchangeSpec {
  readonly name: string;
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: FieldTable;
}

/** The exchanges every virtual host has (AMQP 0-9-1 §3.1.3.2 names amq.direct/fanout/topic/headers/match). */
export const PREDECLARED_EXCHANGES: readonly { name: string; type: ExchangeType }[] = [
  { name: 'amq.direct', type: 'direct' },
  { name: 'amq.fanout', type: 'fanout' },
  { name: 'amq.topic', type: 'topic' },
  { name: 'amq.headers', type: 'headers' },
  { name: 'amq.match', type: 'headers' },
];

export class Exchange implements RouteTarget, ExchangeSpec {
  readonly kind = 'exchange' as const;
  readonly vhost: string;
  readonly name: string;
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: FieldTable;
  /** Where unroutable messages go (the `alternate-exchange` argument), undefined when none. */
  readonly alternateExchange: string | undefined;
  readonly router: ExchangeRouter;
  routeMark = 0;
  /** Bindings that have this exchange as their source. */
  sourceBindingCount = 0;

  constructor(vhost: string, spec: ExchangeSpec) {
    this.vhost = vhost;
    this.name = spec.name;
    this.type = spec.type;
    this.durable = spec.durable;
    this.autoDelete = spec.autoDelete;
    this.internal = spec.internal;
    this.arguments = spec.arguments;
    this.alternateExchange = alternateExchangeOf(vhost, spec.name, spec.arguments);
    this.router = createRouter(spec.type, spec.arguments, resourceText('exchange', spec.name, vhost));
  }

  get resource(): string {
    return resourceText('exchange', this.name, this.vhost);
  }

  /** PRECONDITION_FAILED unless a redeclare with `spec` is equivalent to this exchange. */
  assertEquivalent(spec: ExchangeSpec): void {
    const r = this.resource;
    assertFieldEquivalence(this.type, spec.type, r, 'type');
    assertFieldEquivalence(this.durable, spec.durable, r, 'durable');
    assertFieldEquivalence(this.autoDelete, spec.autoDelete, r, 'auto_delete');
    assertFieldEquivalence(this.internal, spec.internal, r, 'internal');
    assertArgsEquivalence(this.arguments, spec.arguments, r, [ALTERNATE_EXCHANGE]);
  }
}

/** The alternate exchange's name; PRECONDITION_FAILED when the argument is not a string. */
export function alternateExchangeOf(vhost: string, name: string, args: FieldTable): string | undefined {
  const v = args.get(ALTERNATE_EXCHANGE);
  if (v === undefined) return undefined;
  if (v.tag !== 'S') {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `invalid type '${fieldTypeName(v)}' for arg '${ALTERNATE_EXCHANGE}' in ${resourceText('exchange', name, vhost)}`);
  }
  return v.value.toString('utf8');
}
