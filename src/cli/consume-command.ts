// `wharf consume TOPIC`: prints a topic's records from a chosen start, following new ones until
// Ctrl-C (or --count / --exit-at-end). Without --group it reads partitions directly, like a
// consumer without a group: nothing is committed, the start comes from --from every time. With
// --group it is a member of that consumer group (consume-group.ts).
import { Command, Option } from 'commander';
import { fetchTopic } from '../client/metadata.js';
import { TopicFetcher } from '../client/topic-fetcher.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { WharfError } from '../util/wharf-error.js';
import { consumeInGroup } from './consume-group.js';
import { bootstrapOption, ERR_CLI_USAGE, wholeNumber, withClient } from './kafka-options.js';
import { RECORD_FORMATS, type RecordFormat } from './record-format.js';
import { RecordOutput, showProgressFor } from './record-output.js';
import { parseFrom, startOffsets, type StartPosition } from './start-position.js';

export { parseFrom };

export interface ConsumeOpts {
  bootstrap: string;
  from: string;
  partition?: number;
  count?: number;
  format: RecordFormat;
  group?: string;
  exitAtEnd?: boolean;
  progress?: boolean;
}

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
    .option('-g, --group <group>', 'read as a member of this consumer group: its share of the partitions, from its committed offsets (--from only where it has none), committing as it goes')
    .option('--progress', 'report records/s and MB/s on stderr every second (default when stderr is a terminal and stdout is not)')
    .option('--no-progress', 'never report progress')
    .addOption(bootstrapOption())
    .addHelpText('after', `
With --from OFFSET every partition read starts at OFFSET (combine with --partition).
With --from TIME each partition starts at its first record whose timestamp is at or
after TIME, or at its end when there is none yet.
With --group the group's committed offsets win; --from applies to partitions without one.

Examples:
  wharf consume events --from beginning --count 10
  wharf consume events --partition 2 --from 1500 --format json
  wharf consume events --from 2024-05-01T10:00:00Z --exit-at-end
  wharf consume events --from beginning --format value --exit-at-end > events.txt
  wharf consume events --group billing --from beginning
`)
    .action(async (topic: string, opts: ConsumeOpts) => {
      const from = parseFrom(opts.from);
      const group = opts.group;
      if (group !== undefined && opts.partition !== undefined) {
        throw new WharfError(ERR_CLI_USAGE, '--partition and --group do not go together: a group member reads the partitions the group assigns it');
      }
      await withClient(opts.bootstrap, (client) => (group === undefined ? consume(client, topic, from, opts) : consumeInGroup(client, topic, group, from, opts)));
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
  const output = new RecordOutput(topic, opts.format, opts.count, showProgressFor(opts.progress));
  try {
    while (!output.stop.stopped) {
      const { records, highWatermarks } = await fetcher.fetch();
      await output.print(records);
      if (opts.exitAtEnd === true && [...fetcher.nextOffsets].every(([p, next]) => next >= (highWatermarks.get(p) ?? 0))) output.stop.stop();
    }
  } finally {
    output.dispose();
  }
}

