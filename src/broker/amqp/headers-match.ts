// Headers-exchange matching (rabbit_exchange_type_headers): a binding's arguments are compiled once
// at bind time into the pairs to test, so routing only compares values.
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { valuesEqual } from '../../formats/amqp/field-table-helpers.js';
import { fieldTypeName } from './field-text.js';

export type XMatch = 'all' | 'any' | 'all-with-x' | 'any-with-x';

export interface HeadersPattern {
  readonly mode: XMatch;
  readonly keys: readonly string[];
  /** undefined: the key only has to be present (a binding value of type void). */
  readonly values: readonly (FieldValue | undefined)[];
}

const X_MATCH = 'x-match';

function parseMode(args: FieldTable): XMatch {
  const v = args.get(X_MATCH);
  if (v === undefined) return 'all';
  if (v.tag !== 'S') {
    throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `Invalid x-match field type ${fieldTypeName(v)}; expected longstr`);
  }
  const mode = v.value.toString('utf8');
  if (mode === 'all' || mode === 'any' || mode === 'all-with-x' || mode === 'any-with-x') return mode;
  throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `Invalid x-match field value '${mode}'; expected all, any, all-with-x, or any-with-x`);
}

/** Validates and compiles binding arguments; PRECONDITION_FAILED for a bad x-match (RabbitMQ's binding_invalid). */
export function compileHeadersPattern(args: FieldTable): HeadersPattern {
  const mode = parseMode(args);
  const withX = mode === 'all-with-x' || mode === 'any-with-x';
  const keys: string[] = [];
  const values: (FieldValue | undefined)[] = [];
  for (const [k, v] of args) {
    if (k === X_MATCH) continue;
    // Plain all/any ignore x- arguments (and x- headers of the message alike).
    if (!withX && k.startsWith('x-')) continue;
    keys.push(k);
    values.push(v.tag === 'V' ? undefined : v);
  }
  return { mode, keys, values };
}

function pairMatches(pattern: HeadersPattern, i: number, headers: FieldTable | null): boolean {
  const actual = headers?.get(pattern.keys[i] as string);
  if (actual === undefined) return false;
  const expected = pattern.values[i];
  if (expected === undefined) return true;
  // Routing compares bare values, so a long string and a byte array with the same bytes match
  // (rabbit_exchange_type_headers uses =:= on decoded values); elsewhere their types differ.
  if ((expected.tag === 'S' || expected.tag === 'x') && (actual.tag === 'S' || actual.tag === 'x')) return expected.value.equals(actual.value);
  return valuesEqual(expected, actual);
}

/** Whether a message with these headers (null: none) matches the pattern. */
export function headersMatch(pattern: HeadersPattern, headers: FieldTable | null): boolean {
  const n = pattern.keys.length;
  if (pattern.mode === 'all' || pattern.mode === 'all-with-x') {
    for (let i = 0; i < n; i++) if (!pairMatches(pattern, i, headers)) return false;
    return true;
  }
  for (let i = 0; i < n; i++) if (pairMatches(pattern, i, headers)) return true;
  return false;
}
