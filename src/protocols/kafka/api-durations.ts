// Request durations per Kafka API, for the metrics' histogram: one sink per API key, looked up by
// name once and then by array index, so a request costs no label lookup.
import type { DurationSink, LabelledDurations } from '../../util/duration-sink.js';

export class ApiDurations {
  private readonly durations: LabelledDurations;
  private readonly byKey: Array<DurationSink | undefined> = [];

  constructor(durations: LabelledDurations) {
    this.durations = durations;
  }

  /** The sink of API `apiKey`, labelled with its name (`Produce`, `Fetch`, …). */
  forApi(apiKey: number, name: string): DurationSink {
    let sink = this.byKey[apiKey];
    if (sink === undefined) {
      sink = this.durations.sink(name);
      this.byKey[apiKey] = sink;
    }
    return sink;
  }
}
