// `wharf topics create|list|describe|alter|delete|add-partitions`: topic administration over the
// Kafka protocol, so it works against any running broker (`wharf serve` or Kafka itself).
import { Command, Option } from 'commander';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../client/list-offsets.js';
import { fetchMetadata, fetchTopic } from '../client/metadata.js';
import { alterTopicConfigs, createPartitions, createTopic, deleteTopic, describeTopicConfigs } from '../client/topic-admin.js';
import { BrokerError } from '../client/client-errors.js';
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import { WharfError } from '../util/wharf-error.js';
import { bootstrapOption, collect, ERR_CLI_USAGE, parsePairs, wholeNumber, withClient } from './kafka-options.js';
import { formatTable } from './text-table.js';

const INT32_MAX = 0x7fff_ffff;

interface BootstrapOpts {
  bootstrap: string;
}

function out(text: string): void {
  process.stdout.write(text);
}

export function registerTopics(program: Command): void {
  const topics = program
    .command('topics')
    .description('create, list, describe, change and delete topics (over the Kafka protocol)');
  registerCreate(topics);
  registerList(topics);
  registerDescribe(topics);
  registerAlter(topics);
  registerDelete(topics);
  registerAddPartitions(topics);
  topics.addHelpText('after', `
Examples:
  wharf topics create orders --partitions 3 --config retention.ms=86400000
  wharf topics list
  wharf topics describe orders
  wharf topics alter orders --config retention.ms=3600000 --delete-config segment.bytes
  wharf topics add-partitions orders --partitions 6
  wharf topics delete orders
`);
}

function registerCreate(topics: Command): void {
  topics
    .command('create')
    .description('create a topic')
    .argument('<name>', 'topic name: letters, digits, ".", "_" and "-"')
    .option('-p, --partitions <n>', 'number of partitions (default: the broker\'s num.partitions)', wholeNumber(1, INT32_MAX))
    .option('-c, --config <key=value>', 'topic config, repeatable (retention.ms, retention.bytes, segment.bytes, segment.ms, max.message.bytes, cleanup.policy)', collect)
    .option('--if-not-exists', 'succeed when the topic exists already')
    .addOption(bootstrapOption())
    .action(async (name: string, opts: BootstrapOpts & { partitions?: number; config?: string[]; ifNotExists?: boolean }) => {
      const configs = parsePairs(opts.config, '--config');
      await withClient(opts.bootstrap, async (client) => {
        try {
          await createTopic(client, name, { partitions: opts.partitions, configs });
        } catch (err) {
          if (opts.ifNotExists === true && err instanceof BrokerError && err.kafkaErrorCode === KafkaErrorCode.TOPIC_ALREADY_EXISTS) {
            out(`topic ${name} exists already\n`);
            return;
          }
          throw err;
        }
        const t = await fetchTopic(client, name);
        out(`created topic ${name} with ${t.partitions.length} partition${t.partitions.length === 1 ? '' : 's'}\n`);
      });
    });
}

function registerList(topics: Command): void {
  topics
    .command('list')
    .description('print the name of every topic, one per line')
    .addOption(bootstrapOption())
    .action(async (opts: BootstrapOpts) => {
      await withClient(opts.bootstrap, async (client) => {
        const md = await fetchMetadata(client, null);
        const names = md.topics.filter((t) => t.errorCode === 0).map((t) => t.name).sort();
        if (names.length > 0) out(names.join('\n') + '\n');
        else if (process.stderr.isTTY) process.stderr.write('no topics yet; create one with `wharf topics create NAME`\n');
      });
    });
}

function registerDescribe(topics: Command): void {
  topics
    .command('describe')
    .description('show a topic\'s partitions with their log start and end offsets, and its configs')
    .argument('<name>', 'topic name')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(bootstrapOption())
    .action(async (name: string, opts: BootstrapOpts & { format: 'text' | 'json' }) => {
      await withClient(opts.bootstrap, async (client) => {
        const t = await fetchTopic(client, name);
        const ids = t.partitions.map((p) => p.partition);
        const starts = await listOffsets(client, name, ids, EARLIEST_TIMESTAMP);
        const ends = await listOffsets(client, name, ids, LATEST_TIMESTAMP);
        const configs = await describeTopicConfigs(client, name);
        const partitions = t.partitions.map((p) => ({
          partition: p.partition,
          leader: p.leaderId,
          logStartOffset: starts.get(p.partition)?.offset ?? -1,
          logEndOffset: ends.get(p.partition)?.offset ?? -1,
        }));
        if (opts.format === 'json') {
          const cfg = configs.map((c) => ({ name: c.name, value: c.isSensitive ? null : c.value, source: c.source, isDefault: c.isDefault }));
          out(JSON.stringify({ name, partitions, configs: cfg }, null, 2) + '\n');
          return;
        }
        out(`topic ${name}: ${partitions.length} partition${partitions.length === 1 ? '' : 's'}\n\n`);
        out(formatTable([
          ['partition', 'leader', 'log-start', 'log-end'],
          ...partitions.map((p) => [String(p.partition), String(p.leader), String(p.logStartOffset), String(p.logEndOffset)]),
        ]));
        out('\n');
        out(formatTable([
          ['config', 'value', 'source'],
          ...configs.map((c) => [c.name, c.isSensitive ? '(sensitive)' : (c.value ?? '(null)'), c.isDefault ? (c.source === 'default' ? 'default' : `default (${c.source})`) : 'set on topic']),
        ]));
      });
    });
}

function registerAlter(topics: Command): void {
  topics
    .command('alter')
    .description('set or remove topic configs (a removed config falls back to the broker default)')
    .argument('<name>', 'topic name')
    .option('-c, --config <key=value>', 'config to set, repeatable', collect)
    .option('-d, --delete-config <key>', 'config to remove, repeatable', collect)
    .addOption(bootstrapOption())
    .action(async (name: string, opts: BootstrapOpts & { config?: string[]; deleteConfig?: string[] }) => {
      const set = parsePairs(opts.config, '--config');
      const remove = opts.deleteConfig ?? [];
      if (Object.keys(set).length === 0 && remove.length === 0) {
        throw new WharfError(ERR_CLI_USAGE, 'nothing to change: pass --config KEY=VALUE and/or --delete-config KEY');
      }
      const both = remove.filter((k) => Object.hasOwn(set, k));
      if (both.length > 0) throw new WharfError(ERR_CLI_USAGE, `${both.join(', ')} is both set and deleted; keep one`);
      await withClient(opts.bootstrap, async (client) => {
        await alterTopicConfigs(client, name, set, remove);
        const changes = [...Object.entries(set).map(([k, v]) => `${k}=${v}`), ...remove.map((k) => `${k} (removed)`)];
        out(`updated ${name}: ${changes.join(', ')}\n`);
      });
    });
}

function registerDelete(topics: Command): void {
  topics
    .command('delete')
    .description('delete a topic and all its records')
    .argument('<name>', 'topic name')
    .addOption(bootstrapOption())
    .action(async (name: string, opts: BootstrapOpts) => {
      await withClient(opts.bootstrap, async (client) => {
        await deleteTopic(client, name);
        out(`deleted topic ${name}\n`);
      });
    });
}

function registerAddPartitions(topics: Command): void {
  topics
    .command('add-partitions')
    .description('raise a topic\'s partition count (partitions are never removed; keyed records may move to other partitions)')
    .argument('<name>', 'topic name')
    .requiredOption('-p, --partitions <n>', 'the new total number of partitions', wholeNumber(1, INT32_MAX))
    .addOption(bootstrapOption())
    .action(async (name: string, opts: BootstrapOpts & { partitions: number }) => {
      await withClient(opts.bootstrap, async (client) => {
        await createPartitions(client, name, opts.partitions);
        out(`topic ${name} now has ${opts.partitions} partitions\n`);
      });
    });
}
