// Method durations for the metrics' histogram, by AMQP method name (`basic.publish`, …). The sink
// of each name is made once and kept, so a method costs one Map lookup, no label hashing.
//
// Reading the clock (performance.now(), ~0.1 µs) would cost more than the rest of an ack, so the
// methods handled within one socket read are not timed one by one: they are noted as they end,
// and `settle()` reads the clock once when the read has been worked through, which is also when
// their replies leave (the connection uncorks right after). Methods that end later, after waiting
// on the broker, are timed at once with `done`.
import { performance } from 'node:perf_hooks';
import { secondsSince, type DurationSink, type LabelledDurations } from '../../util/duration-sink.js';

export class MethodDurations {
  private readonly durations: LabelledDurations;
  private readonly byName = new Map<string, DurationSink>();
  /** Methods ended since the last settle(), with their arrival times; reused, never shrunk. */
  private readonly endedSinks: DurationSink[] = [];
  private readonly endedArrivedMs: number[] = [];
  private endedCount = 0;

  constructor(durations: LabelledDurations) {
    this.durations = durations;
  }

  /** Records now a method that arrived at `arrivedMs` (performance.now()) and is done. */
  done(method: string, arrivedMs: number): void {
    this.sink(method).observe(secondsSince(arrivedMs, performance.now()));
  }

  /** Notes a method that is done; its duration is taken at the next settle(). */
  ended(method: string, arrivedMs: number): void {
    const i = this.endedCount++;
    this.endedSinks[i] = this.sink(method);
    this.endedArrivedMs[i] = arrivedMs;
  }

  /** Times every method ended since the last call, with one reading of the clock. */
  settle(): void {
    const n = this.endedCount;
    if (n === 0) return;
    this.endedCount = 0;
    const now = performance.now();
    for (let i = 0; i < n; i++) (this.endedSinks[i] as DurationSink).observe(secondsSince(this.endedArrivedMs[i] as number, now));
  }

  private sink(method: string): DurationSink {
    let sink = this.byName.get(method);
    if (sink === undefined) {
      sink = this.durations.sink(method);
      this.byName.set(method, sink);
    }
    return sink;
  }
}
