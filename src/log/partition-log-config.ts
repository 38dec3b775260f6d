// Settings of one partition log, with Kafka's defaults and names (units last).
import { FILE_POSITION_MAX } from './layout.js';
import { LogErrorCode, logError } from './log-errors.js';

export type FlushPolicy = { kind: 'always' } | { kind: 'interval'; intervalMs: number } | { kind: 'never' };

export interface PartitionLogConfig {
  /** Roll to a new segment before an append that would make the active one larger (segment.bytes). */
  segmentBytesMax: number;
  /** Roll when the active segment's first append is this old (segment.ms). */
  segmentMs: number;
  /** Delete sealed segments whose newest timestamp is older than this; -1 keeps them (retention.ms). */
  retentionMs: number;
  /** Delete oldest sealed segments while the log stays at least this big; -1 unlimited (retention.bytes). */
  retentionBytes: number;
  /** Bytes between offset index entries (index.interval.bytes). */
  indexIntervalBytes: number;
  /** Largest batch, and largest append, accepted (message.max.bytes). */
  batchBytesMax: number;
  /** When appended bytes are fsynced and acknowledged. */
  flushPolicy: FlushPolicy;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_PARTITION_LOG_CONFIG: Readonly<PartitionLogConfig> = Object.freeze({
  segmentBytesMax: 1024 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  batchBytesMax: 16 * 1024 * 1024,
  flushPolicy: Object.freeze({ kind: 'always' }) as FlushPolicy,
});

/** Largest segment: positions are u32 in the index and a batch may overshoot by batchBytesMax. */
export const SEGMENT_BYTES_MAX_LIMIT = 0x7fff_ffff;
export const BATCH_BYTES_MAX_LIMIT = 0x4000_0000;

/** Parses `always`, `never` or `interval:MS` (MS a positive integer). */
export function parseFlushPolicy(text: string): FlushPolicy {
  if (text === 'always') return { kind: 'always' };
  if (text === 'never') return { kind: 'never' };
  const match = /^interval:([0-9]{1,9})$/.exec(text);
  const intervalMs = match?.[1] === undefined ? 0 : Number(match[1]);
  if (intervalMs <= 0) {
    throw logError(LogErrorCode.LOG_CONFIG, `flush policy '${text}' is not one of 'always', 'never' or 'interval:MS' with MS ≥ 1; use for example 'interval:1000'`);
  }
  return { kind: 'interval', intervalMs };
}

export function formatFlushPolicy(policy: FlushPolicy): string {
  return policy.kind === 'interval' ? `interval:${policy.intervalMs}` : policy.kind;
}

function requireInteger(name: string, value: number, min: number, max: number, allowMinusOne = false): void {
  if (allowMinusOne && value === -1) return;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = `${allowMinusOne ? '-1 or ' : ''}an integer in [${min}, ${max}]`;
    throw logError(LogErrorCode.LOG_CONFIG, `partition log setting ${name}=${value} must be ${range}`);
  }
}

/** Defaults filled in and every value checked; throws WHARF_ERR_LOG_CONFIG naming the bad setting. */
export function resolvePartitionLogConfig(config: Partial<PartitionLogConfig> = {}): PartitionLogConfig {
  const c: PartitionLogConfig = { ...DEFAULT_PARTITION_LOG_CONFIG, ...config };
  requireInteger('segmentBytesMax', c.segmentBytesMax, 1024, SEGMENT_BYTES_MAX_LIMIT);
  requireInteger('segmentMs', c.segmentMs, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('retentionMs', c.retentionMs, 0, Number.MAX_SAFE_INTEGER, true);
  requireInteger('retentionBytes', c.retentionBytes, 0, Number.MAX_SAFE_INTEGER, true);
  requireInteger('indexIntervalBytes', c.indexIntervalBytes, 1, FILE_POSITION_MAX);
  requireInteger('batchBytesMax', c.batchBytesMax, 61, BATCH_BYTES_MAX_LIMIT);
  const p = c.flushPolicy;
  if (p.kind === 'interval') requireInteger('flushPolicy.intervalMs', p.intervalMs, 1, 0x7fff_ffff);
  else if (p.kind !== 'always' && p.kind !== 'never') throw logError(LogErrorCode.LOG_CONFIG, `unknown flush policy; use 'always', 'never' or 'interval:MS'`);
  return c;
}
