// `wharf consume TOPIC`: prints a topic's records from a chosen start, following new ones until
// Ctrl-C (or --count / --exit-at-end). It reads partitions directly, like a consumer without a
// group: nothing is committed, the start comes from --from every time.
import { once } from 'node:events';
import { Command, Option } from 'commander';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../client/list-offsets.js';
import { fetchTopic } from '../client/metadata.js';
import { TopicFetcher } from '../client/topic-fetcher.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { WharfError } from '../util/wharf-error.js';
import { bootstrapOption, ERR_CLI_USAGE, wholeNumber, withClient } from './kafka-options.js';
import { ProgressMeter } from './progress-meter.js';
import { formatRecord, RECORD_FORMATS, type RecordFormat } from './record-format.js';

interface ConsumeOpts {
  bootstrap: string;
  from: string;
  partition?: number;
  count?: number;
  format: RecordFormat;
  group?: string;
  exitAtEnd?: boolean;
  progress?: boolean;
}

export type StartPosition =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'time'; readonly timestampMs: number };

/** Parses --from: beginning, end, an offset, or an ISO-8601 date-time ("2024-05-01T10:00:00Z"). */
export function parseFrom(text: string): StartPosition {
  const s = text.trim();
  if (s === 'beginning' || s === 'earliest') return { kind: 'beginning' };
  if (s === 'end' || s === 'latest') return { kind: 'end' };
  if (/^\d+$/.test(s) && Number.isSafeInteger(Number(s))) return { kind: 'offset', offset: Number(s) };
  const ms = /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : NaN;
  if (!Number.isNaN(ms)) return { kind: 'time', timestampMs: ms };
  throw new WharfError(ERR_CLI_USAGE, `--from ${text} is not beginning, end, an offset or an ISO date-time such as 2024-05-01T10:00:00Z`);
}

const GROUPS_NOT_YET = '--group is not available yet: consumer groups come with Wharf\'s consumer-group support. '
  + 'Without --group, `wharf consume` reads the partitions directly and commits nothing; choose the start with --from';

export function registerConsume(program: Command): void {
  program
    .command('consume')
    .description('print a topic\'s records, then follow new ones until Ctrl-C')
    .argument('<topic>', 'topic to read')
    .option('-f, --from <where>', 'start at: beginning, end, an offset, or an ISO date-time (the first record at or after it)', 'end')
    .option('-p, --partition <n>', 'read only this partition (default: all)', wholeNumber(0, 0x7fff_ffff))
    .option('-n, --count <n>', 'exit after printing N records', wholeNumber(1))
    .option('-e, --exit-at-end', 'exit once every partition is read up to its end, instead of following')
    .addOption(new Option('-F, --format <format>', 'text: labelled fields; json: one object per line; value: the value only').choices(RECORD_FORMATS).default('text'))
    .option('-g, --group <group>', 'consumer group (not available yet)')
    .option('--progress', 'report records/s and MB/s on stderr every second (default when stderr is a terminal and stdout is not)')
    .option('--no-progress', 'never report progress')
    .addOption(bootstrapOption())
    .addHelpText('after', `
With --from OFFSET every partition read starts at OFFSET (combine with --partition).
With --from TIME each partition starts at its first record whose timestamp is at or
after TIME, or at its end when there is none yet.

Examples:
  wharf consume events --from beginning --count 10
  wharf consume events --partition 2 --from 1500 --format json
  wharf consume events --from 2024-05-01T10:00:00Z --exit-at-end
  wharf consume events --from beginning --format value --exit-at-end > events.txt
`)
    .action(async (topic: string, opts: ConsumeOpts) => {
      if (opts.group !== undefined) throw new WharfError(ERR_CLI_USAGE, GROUPS_NOT_YET);
      const from = parseFrom(opts.from);
      await withClient(opts.bootstrap, (client) => consume(client, topic, from, opts));
    });
}

async function consume(client: KafkaClient, topic: string, from: StartPosition, opts: ConsumeOpts): Promise<void> {
  const t = await fetchTopic(client, topic);
  const all = t.partitions.map((p) => p.partition);
  if (opts.partition !== undefined && !all.includes(opts.partition)) {
    throw new WharfError(ERR_CLI_USAGE, `topic ${topic} has partitions 0-${all.length - 1}; --partition ${opts.partition} does not exist`);
  }
  const partitions = opts.partition === undefined ? all : [opts.partition];
  const fetcher = new TopicFetcher(client, topic, await startOffsets(client, topic, partitions, from));
  if (from.kind === 'end' && process.stderr.isTTY && opts.count === undefined) {
    process.stderr.write(`waiting for new records in ${topic} (--from beginning shows the earlier ones); Ctrl-C to stop\n`);
  }
  let printed = 0;
  let printedBytes = 0;
  const showProgress = opts.progress ?? (process.stderr.isTTY === true && process.stdout.isTTY !== true);
  const meter = showProgress ? new ProgressMeter(process.stderr, 'consumed', () => ({ records: printed, bytes: printedBytes })).start() : null;
  const stop = new StopSignal();
  try {
    while (!stop.stopped) {
      const { records, highWatermarks } = await fetcher.fetch();
      const chunks: (string | Buffer)[] = [];
      for (const r of records) {
        chunks.push(formatRecord(topic, r, opts.format));
        printed += 1;
        printedBytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        if (opts.count !== undefined && printed >= opts.count) {
          stop.stop();
          break;
        }
      }
      if (chunks.length > 0) await stop.write(chunks);
      if (opts.exitAtEnd === true && [...fetcher.nextOffsets].every(([p, next]) => next >= (highWatermarks.get(p) ?? 0))) stop.stop();
    }
  } finally {
    stop.dispose();
    meter?.stop();
  }
}

/** The first offset to read in each partition for --from. */
async function startOffsets(client: KafkaClient, topic: string, partitions: readonly number[], from: StartPosition): Promise<Map<number, number>> {
  const offsetsAt = async (timestamp: number): Promise<Map<number, number>> =>
    new Map([...(await listOffsets(client, topic, partitions, timestamp))].map(([p, o]) => [p, o.offset]));
  switch (from.kind) {
    case 'beginning': return offsetsAt(EARLIEST_TIMESTAMP);
    case 'end': return offsetsAt(LATEST_TIMESTAMP);
    case 'time': {
      const ends = await offsetsAt(LATEST_TIMESTAMP);
      const found = await offsetsAt(from.timestampMs);
      // -1: no record at or after that time yet, so start at the end and wait for one.
      return new Map(partitions.map((p) => [p, found.get(p) === -1 ? (ends.get(p) ?? 0) : (found.get(p) ?? 0)]));
    }
    case 'offset': {
      const starts = await offsetsAt(EARLIEST_TIMESTAMP);
      const ends = await offsetsAt(LATEST_TIMESTAMP);
      for (const p of partitions) {
        const first = starts.get(p) ?? 0;
        const end = ends.get(p) ?? 0;
        if (from.offset < first || from.offset > end) {
          const holds = end > first ? `holds offsets ${first} to ${end - 1}` : `is empty (its next offset is ${end})`;
          throw new WharfError(ERR_CLI_USAGE, `offset ${from.offset} is outside ${topic} partition ${p}, which ${holds}; pick an offset in that range`
            + `${partitions.length > 1 ? ' or one partition with --partition' : ''}, or use --from beginning|end`);
        }
      }
      return new Map(partitions.map((p) => [p, from.offset]));
    }
  }
}

/**
 * Ctrl-C ends the command cleanly once the fetch in flight (at most its max wait) returns; a
 * second Ctrl-C exits at once. Writes wait for stdout to drain (a closed stdout exits, see
 * kafka-options.ts).
 */
class StopSignal {
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
