// Where a hot path reports how long something took, without knowing who listens: the log times
// its fdatasyncs, the protocol sessions their requests. The metrics module (observability/)
// implements these and is injected at start, so no layer below it imports it. A component that
// was given no sink measures nothing (one null test per operation).

/** Receives durations; `observe` must not allocate, since it runs once per request or fsync. */
export interface DurationSink {
  observe(seconds: number): void;
}

/** Durations labelled by one name from a small fixed set (a Kafka API, an AMQP method). */
export interface LabelledDurations {
  /** The sink for `name`. Not free (it may create a series): call it once per name and keep the result. */
  sink(name: string): DurationSink;
}

/** Seconds between a `performance.now()` reading and now. */
export function secondsSince(startedMs: number, nowMs: number): number {
  const ms = nowMs - startedMs;
  return ms > 0 ? ms / 1000 : 0;
}
