// Where `wharf consume` starts reading: --from parsed (beginning, end, an offset, a date-time),
// and turned into a first offset per partition with ListOffsets. With --group it applies only to
// partitions the group has no committed offset for, as Kafka's auto.offset.reset does.
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../client/list-offsets.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { WharfError } from '../util/wharf-error.js';
import { ERR_CLI_USAGE } from './kafka-options.js';

export type StartPosition =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'time'; readonly timestampMs: number };

/** Parses --from: beginning, end, an offset, or an ISO-8601 date-time ("2024-05-01T10:00:00Z"). */
export function parseFrom(text: string): StartPosition {
  const s = text.trim();
  if (s === 'beginning' || s === 'earliest') return { kind: 'beginning' };
  if (s === 'end' || s === 'latest') return { kind: 'end' };
  if (/^\d+$/.test(s) && Number.isSafeInteger(Number(s))) return { kind: 'offset', offset: Number(s) };
  const ms = /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : NaN;
  if (!Number.isNaN(ms)) return { kind: 'time', timestampMs: ms };
  throw new WharfError(ERR_CLI_USAGE, `--from ${text} is not beginning, end, an offset or an ISO date-time such as 2024-05-01T10:00:00Z`);
}

/** The first offset to read in each partition for --from. */
export async function startOffsets(client: KafkaClient, topic: string, partitions: readonly number[], from: StartPosition): Promise<Map<number, number>> {
  const offsetsAt = async (timestamp: number): Promise<Map<number, number>> =>
    new Map([...(await listOffsets(client, topic, partitions, timestamp))].map(([p, o]) => [p, o.offset]));
  switch (from.kind) {
    case 'beginning': return offsetsAt(EARLIEST_TIMESTAMP);
    case 'end': return offsetsAt(LATEST_TIMESTAMP);
    case 'time': {
      const ends = await offsetsAt(LATEST_TIMESTAMP);
      const found = await offsetsAt(from.timestampMs);
      // -1: no record at or after that time yet, so start at the end and wait for one.
      return new Map(partitions.map((p) => [p, found.get(p) === -1 ? (ends.get(p) ?? 0) : (found.get(p) ?? 0)]));
    }
    case 'offset': {
      const starts = await offsetsAt(EARLIEST_TIMESTAMP);
      const ends = await offsetsAt(LATEST_TIMESTAMP);
      for (const p of partitions) {
        const first = starts.get(p) ?? 0;
        const end = ends.get(p) ?? 0;
        if (from.offset < first || from.offset > end) {
          const holds = end > first ? `holds offsets ${first} to ${end - 1}` : `is empty (its next offset is ${end})`;
          throw new WharfError(ERR_CLI_USAGE, `offset ${from.offset} is outside ${topic} partition ${p}, which ${holds}; pick an offset in that range`
            + `${partitions.length > 1 ? ' or one partition with --partition' : ''}, or use --from beginning|end`);
        }
      }
      return new Map(partitions.map((p) => [p, from.offset]));
    }
  }
}
