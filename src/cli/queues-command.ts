// `wharf queues list|declare|delete|purge`: AMQP queue administration over AMQP 0-9-1 itself, so
// it works against Wharf or RabbitMQ. AMQP cannot enumerate queues, so `list` checks the queues
// it is given by name (a passive declare returns their message and consumer counts).
import { Command, Option } from 'commander';
import { AmqpClientError } from '../client/amqp/amqp-client-errors.js';
import type { AmqpClientConnection } from '../client/amqp/amqp-connection.js';
import { WharfError } from '../util/wharf-error.js';
import { ERR_CLI_USAGE, collect } from './kafka-options.js';
import { amqpOptions, checkName, connectAmqp, endpointFrom, needsManagementApi, plural, typedTable, withChannel, type AmqpOpts } from './amqp-options.js';
import { formatTable } from './text-table.js';
import type { AmqpClientChannel } from '../client/amqp/amqp-channel.js';
import { CONSISTENT_HASH_TYPE } from '../broker/amqp/consistent-hash-exchange.js';
import { PARTITION_WEIGHT, PARTITIONS_ARG, PARTITIONS_MAX, partitionQueueArguments, partitionQueueName } from '../broker/amqp/partitioned-queue.js';

function out(text: string): void {
  process.stdout.write(text);
}

function withAmqpOptions(cmd: Command): Command {
  for (const o of amqpOptions()) cmd.addOption(o);
  return cmd;
}

export function registerQueues(program: Command): void {
  const queues = program
    .command('queues')
    .description('declare, check, purge and delete AMQP queues (over AMQP 0-9-1)');
  registerList(queues);
  registerDeclare(queues);
  registerDelete(queues);
  registerPurge(queues);
  queues.addHelpText('after', `
Examples:
  wharf queues declare orders --durable
  wharf queues declare jobs --durable --arg x-max-length=10000 --arg x-dead-letter-exchange=dlx
  wharf queues declare orders --passive        messages and consumers of an existing queue
  wharf queues declare orders --partitions 4   a partitioned queue: orders-0 … orders-3 behind exchange orders
  wharf queues list orders jobs                the same for several queues, as a table
  wharf queues purge orders
  wharf queues delete orders --if-empty
(AMQP commands take --url amqp://USER:PASSWORD@HOST:PORT/VHOST or WHARF_AMQP_URL,
 default amqp://guest:guest@localhost:5672/; see docs/cli.md)
`);
}

interface QueueRow {
  queue: string;
  messages: number | null;
  consumers: number | null;
}

function registerList(queues: Command): void {
  withAmqpOptions(queues
    .command('list')
    .description('print the ready messages and consumers of the named queues (AMQP cannot list every queue; see below)')
    .argument('[names...]', 'queues to check'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
AMQP 0-9-1 has no request that enumerates queues; RabbitMQ lists them through its HTTP
management API, which Wharf does not have yet. Name the queues you want to see: each is
checked with a passive queue.declare, which returns its counts and creates nothing.

Examples:
  wharf queues list orders jobs
  wharf queues list orders --format json
`)
    .action(async (names: string[], opts: AmqpOpts & { format: 'text' | 'json' }) => {
      if (names.length === 0) throw needsManagementApi('queues');
      for (const n of names) checkName(n, 'queue');
      const rows = await listQueues(opts, names);
      if (opts.format === 'json') out(JSON.stringify(rows, null, 2) + '\n');
      else {
        out(formatTable([['queue', 'messages', 'consumers'],
          ...rows.map((r) => [r.queue, r.messages === null ? '-' : String(r.messages), r.consumers === null ? 'no such queue' : String(r.consumers)])]));
      }
      const missing = rows.filter((r) => r.messages === null).map((r) => r.queue);
      if (missing.length > 0) {
        const which = missing.length === 1 ? `queue ${missing[0]} does not exist` : `queues ${missing.join(', ')} do not exist`;
        throw new WharfError(ERR_CLI_USAGE, `${which} in vhost ${endpointFrom(opts).vhost}; check the name${missing.length === 1 ? '' : 's'}, or create ${missing.length === 1 ? 'it' : 'them'} with \`wharf queues declare NAME\``);
      }
    });
}

/** A passive declare per queue, each on its own channel since a missing queue closes the channel (404). */
async function listQueues(opts: AmqpOpts, names: readonly string[]): Promise<QueueRow[]> {
  const connection = await connectAmqp(opts);
  try {
    const rows: QueueRow[] = [];
    for (const queue of names) {
      const counts = await passiveDeclare(connection, queue);
      rows.push({ queue, messages: counts?.messageCount ?? null, consumers: counts?.consumerCount ?? null });
    }
    return rows;
  } finally {
    await connection.close();
  }
}

interface DeclareOpts extends AmqpOpts {
  durable?: boolean;
  autoDelete?: boolean;
  arg?: string[];
  passive?: boolean;
  partitions?: string;
}

function registerDeclare(queues: Command): void {
  withAmqpOptions(queues
    .command('declare')
    .description('create a queue, or with --passive check one and print its counts')
    .argument('<name>', 'queue name (up to 255 bytes; names starting with "amq." are reserved)')
    .option('--durable', 'keep the queue (and its persistent messages) across broker restarts')
    .option('--auto-delete', 'delete the queue when its last consumer goes away')
    .option('-a, --arg <key=value>', 'queue argument, repeatable; whole numbers become integers, true/false booleans (x-max-length=10, x-message-ttl=60000, x-dead-letter-exchange=dlx, x-queue-type=stream)', collect)
    .option('--passive', 'only check that the queue exists and print its ready messages and consumers; creates nothing')
    .option('--partitions <n>', `a partitioned queue: an x-consistent-hash exchange NAME and N durable single-active-consumer queues NAME-0 … NAME-(N-1) (1-${PARTITIONS_MAX}); see docs/amqp.md`))
    .addHelpText('after', `
Declaring is idempotent: declaring an existing queue with the same settings changes nothing;
with other settings (durable, auto-delete, arguments) the broker refuses with
PRECONDITION_FAILED. Arguments are typed: --arg x-max-length=10 sends the integer 10,
--arg x-single-active-consumer=true a boolean, anything else a string.

Examples:
  wharf queues declare orders --durable
  wharf queues declare jobs --durable --arg x-max-length=10000 --arg x-overflow=reject-publish
  wharf queues declare retry --arg x-message-ttl=5000 --arg x-dead-letter-exchange=work
  wharf queues declare orders --passive
  wharf queues declare orders --partitions 4    publish to exchange orders; consume orders-0 … orders-3
`)
    .action(async (name: string, opts: DeclareOpts) => {
      checkName(name, 'queue');
      if (opts.partitions !== undefined) return declarePartitioned(name, opts);
      const args = typedTable(opts.arg, '--arg');
      if (opts.passive === true && (opts.durable === true || opts.autoDelete === true || args.size > 0)) {
        throw new WharfError(ERR_CLI_USAGE, '--passive only checks an existing queue; leave out --durable, --auto-delete and --arg');
      }
      await withChannel(opts, async (channel) => {
        const ok = await channel.declareQueue(name, { passive: opts.passive, durable: opts.durable, autoDelete: opts.autoDelete, arguments: args });
        const counts = `${plural(ok.messageCount, 'message')} ready, ${plural(ok.consumerCount, 'consumer')}`;
        if (opts.passive === true) out(`queue ${ok.queue}: ${counts}\n`);
        else {
          const traits = [opts.durable === true ? 'durable' : 'transient', ...(opts.autoDelete === true ? ['auto-delete'] : [])].join(', ');
          out(`declared queue ${ok.queue} (${traits}): ${counts}\n`);
        }
      });
    });
}

/**
 * The exchange with x-partitions (Wharf declares and binds the partitions itself), then the same
 * queues and bindings one by one, which changes nothing on Wharf and builds the partitioned queue
 * on RabbitMQ (with its consistent-hash plugin) too.
 */
async function declarePartitioned(name: string, opts: DeclareOpts): Promise<void> {
  const text = opts.partitions ?? '';
  const count = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(count >= 1 && count <= PARTITIONS_MAX)) throw new WharfError(ERR_CLI_USAGE, `--partitions ${text}: give a whole number from 1 to ${PARTITIONS_MAX}`);
  if (opts.passive === true || opts.autoDelete === true || (opts.arg?.length ?? 0) > 0) {
    throw new WharfError(ERR_CLI_USAGE, '--partitions declares durable partitions with fixed arguments; leave out --passive, --auto-delete and --arg (check a partition with `wharf queues list NAME-0 …`)');
  }
  checkName(partitionQueueName(name, count - 1), 'partition queue');
  await withChannel(opts, async (channel: AmqpClientChannel) => {
    await channel.declareExchange(name, CONSISTENT_HASH_TYPE, { durable: true, arguments: new Map([[PARTITIONS_ARG, { tag: 'I', value: count }]]) });
    for (let i = 0; i < count; i++) {
      const queue = partitionQueueName(name, i);
      await channel.declareQueue(queue, { durable: true, arguments: partitionQueueArguments(name, i) });
      await channel.bindQueue(queue, name, PARTITION_WEIGHT);
    }
  });
  out(`declared partitioned queue ${name} (durable): publish to exchange ${name}, consume every one of ${partitionQueueName(name, 0)} … ${partitionQueueName(name, count - 1)} (${plural(count, 'partition')}, one active consumer each)\n`);
}

function registerDelete(queues: Command): void {
  withAmqpOptions(queues
    .command('delete')
    .description('delete a queue and the messages in it')
    .argument('<name>', 'queue name')
    .option('--if-unused', 'refuse if the queue has consumers')
    .option('--if-empty', 'refuse if the queue holds messages'))
    .addHelpText('after', `
Examples:
  wharf queues delete orders
  wharf queues delete orders --if-empty --if-unused
`)
    .action(async (name: string, opts: AmqpOpts & { ifUnused?: boolean; ifEmpty?: boolean }) => {
      checkName(name, 'queue');
      await withChannel(opts, async (channel, connection) => {
        // queue.delete of a missing queue succeeds (RabbitMQ made it idempotent); say so rather than "deleted".
        if (!(await queueExists(connection, name))) {
          out(`queue ${name} does not exist; nothing to delete\n`);
          return;
        }
        const n = await channel.deleteQueue(name, { ifUnused: opts.ifUnused, ifEmpty: opts.ifEmpty });
        out(`deleted queue ${name} (it held ${plural(n, 'message')})\n`);
      });
    });
}

/** A passive declare on a channel of its own, since a missing queue closes the channel (404): the counts, or null. */
async function passiveDeclare(connection: AmqpClientConnection, queue: string): Promise<{ messageCount: number; consumerCount: number } | null> {
  const probe = await connection.openChannel();
  let counts;
  try {
    counts = await probe.declareQueue(queue, { passive: true });
  } catch (err) {
    if (err instanceof AmqpClientError && err.replyCode === 404 && !err.connectionLevel) return null;
    throw err;
  }
  await probe.close();
  return counts;
}

async function queueExists(connection: AmqpClientConnection, queue: string): Promise<boolean> {
  return (await passiveDeclare(connection, queue)) !== null;
}

function registerPurge(queues: Command): void {
  withAmqpOptions(queues
    .command('purge')
    .description('remove every ready message from a queue (messages delivered and not yet acknowledged stay)')
    .argument('<name>', 'queue name'))
    .addHelpText('after', `
Example:
  wharf queues purge orders
`)
    .action(async (name: string, opts: AmqpOpts) => {
      checkName(name, 'queue');
      await withChannel(opts, async (channel) => {
        const n = await channel.purgeQueue(name);
        out(`purged ${plural(n, 'message')} from queue ${name}\n`);
      });
    });
}
