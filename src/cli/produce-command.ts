// `wharf produce TOPIC`: every line of stdin becomes one record. Lines are batched per partition
// and sent in pipelined Produce requests (src/client/batching-producer.ts), so piping a large
// file is fast; typed lines go out as soon as they are entered.
import { Command, Option } from 'commander';
import { BatchingProducer, BATCH_BYTES_MAX_DEFAULT, type Acks } from '../client/batching-producer.js';
import { fetchTopic } from '../client/metadata.js';
import { Partitioner } from '../client/partitioner.js';
import { compressionCodecFromName, type RecordHeader } from '../records/index.js';
import { WharfError } from '../util/wharf-error.js';
import { bootstrapOption, collect, ERR_CLI_USAGE, splitPair, wholeNumber, withClient } from './kafka-options.js';
import { readLines } from './line-reader.js';
import { ProgressMeter } from './progress-meter.js';

interface ProduceOpts {
  bootstrap: string;
  keySeparator?: string;
  header?: string[];
  partition?: number;
  acks: '0' | '1' | 'all';
  compression: string;
  batchBytes: number;
  progress?: boolean;
}

const ACKS: Readonly<Record<ProduceOpts['acks'], Acks>> = { 0: 0, 1: 1, all: -1 };

export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('send each line of stdin to a topic as one record')
    .argument('<topic>', 'topic to write to (created when missing if the broker auto-creates topics)')
    .option('-k, --key-separator <sep>', 'split each line at the first SEP into key and value (a line without SEP gets no key)')
    .option('-H, --header <key=value>', 'header added to every record, repeatable', collect)
    .option('-p, --partition <n>', 'write every record to this partition', wholeNumber(0, 0x7fff_ffff))
    .addOption(new Option('--acks <acks>', 'wait for: 0 nothing (no delivery report), 1 the leader, all every in-sync replica').choices(['0', '1', 'all']).default('all'))
    .addOption(new Option('-z, --compression <codec>', 'compress batches').choices(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'))
    .option('--batch-bytes <n>', 'uncompressed bytes per batch and partition', wholeNumber(1024, 0x7fff_ffff), BATCH_BYTES_MAX_DEFAULT)
    .option('--progress', 'report records/s and MB/s on stderr every second (default when stderr is a terminal)')
    .option('--no-progress', 'never report progress')
    .addOption(bootstrapOption())
    .addHelpText('after', `
Partitioning: without --partition, a record with a key goes to partition
murmur2(key) mod partitions, the hash of Kafka's default partitioner (Java,
librdkafka's murmur2 partitioner, kafkajs), so a key always lands in the same
partition; records without a key go round-robin over the partitions.

Each line is one record (split at "\\n", bytes kept as they are; an empty line
is a record with an empty value). With --acks 1 or all the command exits 0 only
once every record is acknowledged.

Examples:
  echo 'hello' | wharf produce greetings
  printf 'user-1:logged in\\nuser-2:logged out\\n' | wharf produce events --key-separator : --header source=cli
  wharf produce events --compression zstd --progress < events.txt
`)
    .action(async (topic: string, opts: ProduceOpts) => {
      if (opts.keySeparator === '') throw new WharfError(ERR_CLI_USAGE, '--key-separator must not be empty');
      const headers: RecordHeader[] = (opts.header ?? []).map((h) => {
        const [key, value] = splitPair(h, '--header');
        return { key, value: Buffer.from(value) };
      });
      const compression = compressionCodecFromName(opts.compression);
      if (compression === undefined) throw new WharfError(ERR_CLI_USAGE, `unknown --compression ${opts.compression}`);
      await withClient(opts.bootstrap, async (client) => {
        const t = await fetchTopic(client, topic, { autoCreate: true });
        if (opts.partition !== undefined && opts.partition >= t.partitions.length) {
          throw new WharfError(ERR_CLI_USAGE, `topic ${topic} has ${t.partitions.length} partitions (0-${t.partitions.length - 1}); --partition ${opts.partition} does not exist`);
        }
        const partitioner = new Partitioner(t.partitions.length);
        const producer = new BatchingProducer(client, { topic, acks: ACKS[opts.acks], compression, batchBytesMax: opts.batchBytes });
        const showProgress = opts.progress ?? process.stderr.isTTY === true;
        const meter = showProgress
          ? new ProgressMeter(process.stderr, 'produced', () => ({ records: producer.stats.recordsAcked, bytes: producer.stats.payloadBytesAcked })).start()
          : null;
        if (process.stdin.isTTY) process.stderr.write(`type lines to send to ${topic}; Ctrl-D to finish\n`);
        const separator = opts.keySeparator === undefined ? null : Buffer.from(opts.keySeparator);
        try {
          for await (const lines of readLines(process.stdin)) {
            const now = Date.now();
            for (const line of lines) {
              let key: Buffer | null = null;
              let value = line;
              const at = separator === null ? -1 : line.indexOf(separator);
              if (separator !== null && at >= 0) {
                key = line.subarray(0, at);
                value = line.subarray(at + separator.length);
              }
              producer.add({ partition: opts.partition ?? partitioner.partitionFor(key), key, value, headers, timestampMs: now });
            }
            await producer.pump();
          }
          await producer.flush();
        } finally {
          meter?.stop();
        }
      });
    });
}
