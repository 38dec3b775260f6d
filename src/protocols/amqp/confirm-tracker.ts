// Publisher confirms of one channel. Publishes are numbered from 1; each is settled (ack or nack)
// when its routing and storage finish, possibly out of order across queues. Confirms are sent
// in order so that a run of acks becomes one basic.ack with multiple=true: a pipelining
// publisher gets one frame per batch, not one per message.

export interface ConfirmSink {
  ack(deliveryTag: number, multiple: boolean): void;
  nack(deliveryTag: number, multiple: boolean): void;
}

const PENDING = 0;
const ACKED = 1;
const NACKED = 2;

export class ConfirmTracker {
  private nextSeq = 1;
  /** Seq of the first unsent confirm; states[i] belongs to seq base + i. */
  private base = 1;
  private states: Uint8Array = new Uint8Array(1024);
  private count = 0;
  private flushScheduled = false;
  private readonly sink: ConfirmSink;
  private closed = false;

  constructor(sink: ConfirmSink) {
    this.sink = sink;
  }

  /** Numbers the next publish. */
  next(): number {
    const seq = this.nextSeq++;
    const i = seq - this.base;
    if (i >= this.states.length) this.grow(i + 1);
    this.states[i] = PENDING;
    this.count = i + 1;
    return seq;
  }

  settle(seq: number, ok: boolean): void {
    if (this.closed) return;
    const i = seq - this.base;
    if (i < 0 || i >= this.count) return;
    this.states[i] = ok ? ACKED : NACKED;
    if (i === 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  close(): void {
    this.closed = true;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    let i = 0;
    while (i < this.count) {
      const state = this.states[i];
      if (state === PENDING) break;
      if (state === NACKED) {
        this.sink.nack(this.base + i, false);
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < this.count && this.states[j + 1] === ACKED) j++;
      this.sink.ack(this.base + j, j > i);
      i = j + 1;
    }
    if (i === 0) return;
    this.states.copyWithin(0, i, this.count);
    this.count -= i;
    this.base += i;
  }

  private grow(needed: number): void {
    let size = this.states.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.states.subarray(0, this.count));
    this.states = next;
  }
}
