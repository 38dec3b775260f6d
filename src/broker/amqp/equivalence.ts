// Redeclare equivalence with RabbitMQ's texts (rabbit_misc:assert_field_equivalence and
// assert_args_equivalence), e.g. "inequivalent arg 'durable' for exchange 'x' in vhost '/':
// received 'false' but current is 'true'".
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { valuesEqual } from '../../formats/amqp/field-table-helpers.js';
import { fieldTypeName, fieldValueText } from './field-text.js';

/** "exchange 'x' in vhost '/'", RabbitMQ's rs/1. */
export function resourceText(kind: 'exchange' | 'queue', name: string, vhost: string): string {
  return `${kind} '${name}' in vhost '${vhost}'`;
}

function fail(key: string, resource: string, received: string, current: string): never {
  throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `inequivalent arg '${key}' for ${resource}: received ${received} but current is ${current}`);
}

export function assertFieldEquivalence(current: string | boolean, received: string | boolean, resource: string, key: string): void {
  if (current !== received) fail(key, resource, `'${String(received)}'`, `'${String(current)}'`);
}

function argText(v: FieldValue | undefined): string {
  return v === undefined ? 'none' : `the value '${fieldValueText(v)}' of type '${fieldTypeName(v)}'`;
}

/** A missing x-queue-type means classic, so the two are equivalent (rabbitmq-common#341). */
function isClassicDefault(key: string, a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (key !== 'x-queue-type') return false;
  const present = a ?? b;
  return (a === undefined || b === undefined) && present?.tag === 'S' && present.value.toString('utf8') === 'classic';
}

/** PRECONDITION_FAILED when any of `keys` differs between the current and the received arguments. */
export function assertArgsEquivalence(current: FieldTable, received: FieldTable, resource: string, keys: readonly string[]): void {
  for (const key of keys) {
    const a = current.get(key);
    const b = received.get(key);
    if (a === undefined && b === undefined) continue;
    if (a !== undefined && b !== undefined && valuesEqual(a, b)) continue;
    if (isClassicDefault(key, a, b)) continue;
    fail(key, resource, argText(b), argText(a));
  }
}
