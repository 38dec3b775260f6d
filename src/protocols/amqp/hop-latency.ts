// Opt-in measurement of the broker's own share of message latency (WHARF_TRACE_AMQP_HOP=1): the
// time from a socket read to the write its frames caused leaving the process (the uncork after
// the delivery). Meant for sequential request/reply benchmarks, where one message is in flight,
// so "the last read" is the one that caused the write. Off, it costs one boolean test per read.
const ENABLED = process.env.WHARF_TRACE_AMQP_HOP === '1';
const SAMPLES_MAX = 1 << 20;

let lastReadAt = 0n;
let samples: Float64Array | null = ENABLED ? new Float64Array(SAMPLES_MAX) : null;
let count = 0;

export const hopTraceEnabled = ENABLED;

export function hopRead(): void {
  if (ENABLED) lastReadAt = process.hrtime.bigint();
}

export function hopWritten(): void {
  if (!ENABLED || lastReadAt === 0n || samples === null) return;
  samples[count % SAMPLES_MAX] = Number(process.hrtime.bigint() - lastReadAt) / 1e3;
  count++;
  lastReadAt = 0n;
}

/** Percentiles in µs of what was recorded, or null when tracing is off or nothing was recorded. */
export function hopSummary(): { hops: number; p50: number; p99: number; p999: number; max: number } | null {
  if (samples === null || count === 0) return null;
  const n = Math.min(count, SAMPLES_MAX);
  const sorted = samples.slice(0, n).sort();
  const q = (p: number): number => sorted[Math.min(n - 1, Math.floor(p * n))] ?? 0;
  const out = { hops: count, p50: q(0.5), p99: q(0.99), p999: q(0.999), max: sorted[n - 1] ?? 0 };
  samples = new Float64Array(SAMPLES_MAX);
  count = 0;
  return out;
}
