// Prints what `wharf consume` reads, with or without a group: formats each record, stops at
// --count, reports progress on stderr, and owns the Ctrl-C handling (StopSignal).
import type { ConsumedRecord } from '../client/topic-fetcher.js';
import { ProgressMeter } from './progress-meter.js';
import { formatRecord, type RecordFormat } from './record-format.js';
import { StopSignal } from './stop-signal.js';

export class RecordOutput {
  readonly stop = new StopSignal();
  printed = 0;
  printedBytes = 0;
  private readonly meter: ProgressMeter | null;

  constructor(private readonly topic: string, private readonly format: RecordFormat, private readonly countMax: number | undefined, showProgress: boolean) {
    this.meter = showProgress ? new ProgressMeter(process.stderr, 'consumed', () => ({ records: this.printed, bytes: this.printedBytes })).start() : null;
  }

  /** Prints records in order, up to --count (which stops the command); returns how many it printed. */
  async print(records: readonly ConsumedRecord[]): Promise<number> {
    const chunks: (string | Buffer)[] = [];
    for (const r of records) {
      chunks.push(formatRecord(this.topic, r, this.format));
      this.printed += 1;
      this.printedBytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
      if (this.countMax !== undefined && this.printed >= this.countMax) {
        this.stop.stop();
        break;
      }
    }
    if (chunks.length > 0) await this.stop.write(chunks);
    return chunks.length;
  }

  dispose(): void {
    this.stop.dispose();
    this.meter?.stop();
  }
}

/** --progress / --no-progress, else on when stderr is a terminal and stdout is not. */
export function showProgressFor(progress: boolean | undefined): boolean {
  return progress ?? (process.stderr.isTTY === true && process.stdout.isTTY !== true);
}
