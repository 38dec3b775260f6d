// An append waiting in the appender: queued (PendingAppend), then written as part of a run of
// appends to one segment (WrittenRun) until it is durable under the flush policy and acknowledged.
import type { AppendResult } from './appender.js';
import type { Segment } from './segment.js';

export class PendingAppend {
  readonly buf: Buffer;
  readonly offsetCount: number;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (err: Error) => void;
  baseOffset = -1;
  lastOffset = -1;

  constructor(buf: Buffer, offsetCount: number, resolve: (result: AppendResult) => void, reject: (err: Error) => void) {
    this.buf = buf;
    this.offsetCount = offsetCount;
    this.resolve = resolve;
    this.reject = reject;
  }
}

/** Appends group[from..to) written to `segment`, ending at `endBytes`, waiting for their acknowledgement. */
export class WrittenRun {
  readonly segment: Segment;
  readonly endBytes: number;
  readonly nextOffset: number;
  readonly group: PendingAppend[];
  readonly from: number;
  readonly to: number;
  /** `always`: acknowledged once segment.syncedBytes reaches endBytes. */
  readonly syncRequired: boolean;

  constructor(segment: Segment, endBytes: number, nextOffset: number, group: PendingAppend[], from: number, to: number, syncRequired: boolean) {
    this.segment = segment;
    this.endBytes = endBytes;
    this.nextOffset = nextOffset;
    this.group = group;
    this.from = from;
    this.to = to;
    this.syncRequired = syncRequired;
  }
}
