// The death history RabbitMQ keeps in a dead-lettered message's headers (rabbit_dead_letter,
// mc:record_death, mc_amqpl death tables), with its field names and types:
//   x-death: array of tables, most recent first, one per (queue, reason):
//     count (l), reason (S), queue (S), time (T, seconds, of the first such death),
//     exchange (S), routing-keys (A of S), original-expiration (S, only when the message had one)
//   x-first-death-reason / -queue / -exchange (S): set by the first death, never changed
//   x-last-death-reason / -queue / -exchange (S): the latest death (RabbitMQ ≥ 3.13)
// A repeated (queue, reason) increments its count and moves to the front (deaths v2 order).
import { fieldToNumber, fieldToString } from '../../formats/amqp/field-table.js';
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import type { DeadLetterReason } from './types.js';

export interface Death {
  count: number;
  reason: string;
  queue: string;
  /** Seconds since the epoch. */
  timeSec: number;
  exchange: string;
  routingKeys: string[];
  /** The message's expiration property before it was removed, if it had one. */
  originalExpiration: string | null;
}

export interface DeathEvent {
  reason: DeadLetterReason;
  queue: string;
  /** The exchange the message was published to (a DLX after an earlier death). */
  exchange: string;
  /** Its routing key and CC keys (BCC keys are never recorded). */
  routingKeys: readonly string[];
  nowMs: number;
  originalExpiration: string | null;
}

const longstr = (s: string): FieldValue => ({ tag: 'S', value: Buffer.from(s, 'utf8') });

function textOf(v: FieldValue | undefined): string | null {
  return fieldToString(v) ?? null;
}

function numberOf(v: FieldValue | undefined): number {
  return fieldToNumber(v) ?? 0;
}

function deathTable(d: Death): FieldTable {
  const t: FieldTable = new Map();
  t.set('count', { tag: 'l', value: d.count });
  t.set('reason', longstr(d.reason));
  t.set('queue', longstr(d.queue));
  t.set('time', { tag: 'T', value: d.timeSec });
  t.set('exchange', longstr(d.exchange));
  t.set('routing-keys', { tag: 'A', value: d.routingKeys.map(longstr) });
  if (d.originalExpiration !== null) t.set('original-expiration', longstr(d.originalExpiration));
  return t;
}

function deathOf(t: FieldTable): Death {
  const keys = t.get('routing-keys');
  const routingKeys: string[] = [];
  if (keys !== undefined && keys.tag === 'A') for (const k of keys.value) routingKeys.push(textOf(k) ?? '');
  return {
    count: numberOf(t.get('count')),
    reason: textOf(t.get('reason')) ?? '',
    queue: textOf(t.get('queue')) ?? '',
    timeSec: numberOf(t.get('time')),
    exchange: textOf(t.get('exchange')) ?? '',
    routingKeys,
    originalExpiration: textOf(t.get('original-expiration')),
  };
}

/** The x-death entries of `headers`, most recent first; entries that are not tables are skipped. */
export function readDeaths(headers: FieldTable | null | undefined): Death[] {
  const v = headers?.get('x-death');
  if (v === undefined || v.tag !== 'A') return [];
  const out: Death[] = [];
  for (const item of v.value) if (item.tag === 'F') out.push(deathOf(item.value));
  return out;
}

/** A copy of `headers` with `event` recorded; `headers` itself is not changed (other queues share the message). */
export function recordDeath(headers: FieldTable | null | undefined, event: DeathEvent): FieldTable {
  const out: FieldTable = new Map(headers ?? []);
  const history = out.get('x-death');
  const items: FieldValue[] = history !== undefined && history.tag === 'A' ? history.value.slice() : [];
  let previous: Death | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as FieldValue;
    if (item.tag !== 'F') continue;
    const d = deathOf(item.value);
    if (d.queue === event.queue && d.reason === event.reason) {
      previous = d;
      items.splice(i, 1);
      break;
    }
  }
  const death: Death = previous !== null
    ? { ...previous, count: previous.count + 1 }
    : {
        count: 1,
        reason: event.reason,
        queue: event.queue,
        timeSec: Math.floor(event.nowMs / 1000),
        exchange: event.exchange,
        routingKeys: event.routingKeys.slice(),
        originalExpiration: event.originalExpiration,
      };
  items.unshift({ tag: 'F', value: deathTable(death) });
  out.set('x-death', { tag: 'A', value: items });
  if (!out.has('x-first-death-reason')) {
    out.set('x-first-death-reason', longstr(event.reason));
    out.set('x-first-death-queue', longstr(event.queue));
    out.set('x-first-death-exchange', longstr(event.exchange));
  }
  out.set('x-last-death-reason', longstr(event.reason));
  out.set('x-last-death-queue', longstr(event.queue));
  out.set('x-last-death-exchange', longstr(event.exchange));
  return out;
}

/**
 * Whether delivering a dead-lettered message to `queue` closes a fully automatic cycle: the queue
 * is in the history and no death from the latest back to that one was a rejection (a consumer
 * rejecting breaks the cycle). RabbitMQ drops the message for that queue and logs it.
 */
export function isDeathCycle(queue: string, headers: FieldTable | null | undefined): boolean {
  for (const d of readDeaths(headers)) {
    if (d.reason === 'rejected') return false;
    if (d.queue === queue) return true;
  }
  return false;
}
