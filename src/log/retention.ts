// Which segments retention removes: whole oldest sealed segments, never the active one (Kafka's
// retention.ms by a segment's newest timestamp and retention.bytes by the log's total size).

export interface RetentionSegment {
  readonly sizeBytes: number;
  /** Newest batch timestamp in the segment; -1 when no batch carries one (then only bytes count). */
  readonly maxTimestampMs: number;
  readonly sealed: boolean;
}

export interface RetentionLimits {
  retentionMs: number;
  retentionBytes: number;
}

/** How many segments, from the oldest, retention deletes now. */
export function retentionDeleteCount(segments: readonly RetentionSegment[], limits: RetentionLimits, nowMs: number): number {
  let totalBytes = 0;
  for (const s of segments) totalBytes += s.sizeBytes;
  let count = 0;
  // Segments past their time go first; the oldest-first prefix stops at the first one still young.
  if (limits.retentionMs >= 0) {
    while (count < segments.length - 1) {
      const s = segments[count] as RetentionSegment;
      if (!s.sealed || s.maxTimestampMs < 0 || nowMs - s.maxTimestampMs <= limits.retentionMs) break;
      totalBytes -= s.sizeBytes;
      count++;
    }
  }
  // Then, while removing the next oldest still leaves at least retentionBytes.
  if (limits.retentionBytes >= 0) {
    while (count < segments.length - 1) {
      const s = segments[count] as RetentionSegment;
      if (!s.sealed || totalBytes - s.sizeBytes < limits.retentionBytes) break;
      totalBytes -= s.sizeBytes;
      count++;
    }
  }
  return count;
}
