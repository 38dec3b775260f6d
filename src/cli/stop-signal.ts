// Ends a long-running command cleanly on Ctrl-C and writes its output with back-pressure.
import { once } from 'node:events';

/**
 * Ctrl-C ends the command cleanly once the fetch in flight (at most its max wait) returns; a
 * second Ctrl-C exits at once. Writes wait for stdout to drain (a closed stdout exits, see
 * kafka-options.ts).
 */
export class StopSignal {
  stopped = false;
  private readonly onSigint = (): void => {
    if (this.stopped) process.exit(130);
    this.stop();
  };

  constructor() {
    process.on('SIGINT', this.onSigint);
  }

  stop(): void {
    this.stopped = true;
  }

  async write(chunks: readonly (string | Buffer)[]): Promise<void> {
    const data = chunks.every((c) => typeof c === 'string') ? chunks.join('') : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    if (!process.stdout.write(data) && !this.stopped) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]);
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}
