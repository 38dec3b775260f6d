// `wharf exchanges list|declare|delete`: AMQP exchange administration over AMQP 0-9-1. `list`
// needs the management API (AMQP cannot enumerate exchanges) and says so.
import { Command, Option } from 'commander';
import { AmqpClientError } from '../client/amqp/amqp-client-errors.js';
import { WharfError } from '../util/wharf-error.js';
import { ERR_CLI_USAGE, collect } from './kafka-options.js';
import { amqpOptions, checkName, needsManagementApi, typedTable, withChannel, type AmqpOpts } from './amqp-options.js';

export const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers', 'x-consistent-hash'] as const;

function out(text: string): void {
  process.stdout.write(text);
}

function withAmqpOptions(cmd: Command): Command {
  for (const o of amqpOptions()) cmd.addOption(o);
  return cmd;
}

export function registerExchanges(program: Command): void {
  const exchanges = program
    .command('exchanges')
    .description('declare, check and delete AMQP exchanges (over AMQP 0-9-1)');
  withAmqpOptions(exchanges
    .command('list')
    .description('not available yet: listing exchanges needs the management API'))
    .action(() => {
      throw needsManagementApi('exchanges');
    });
  registerDeclare(exchanges);
  registerDelete(exchanges);
  exchanges.addHelpText('after', `
Examples:
  wharf exchanges declare logs --type fanout --durable
  wharf exchanges declare events --type topic --durable
  wharf exchanges declare dlx --type direct --arg alternate-exchange=unrouted
  wharf exchanges declare logs --passive       exit 0 if it exists
  wharf exchanges delete logs --if-unused
(AMQP commands take --url amqp://USER:PASSWORD@HOST:PORT/VHOST or WHARF_AMQP_URL,
 default amqp://guest:guest@localhost:5672/; see docs/cli.md)
`);
}

interface DeclareOpts extends AmqpOpts {
  type: (typeof EXCHANGE_TYPES)[number];
  durable?: boolean;
  autoDelete?: boolean;
  internal?: boolean;
  arg?: string[];
  passive?: boolean;
}

function registerDeclare(exchanges: Command): void {
  withAmqpOptions(exchanges
    .command('declare')
    .description('create an exchange, or with --passive check that one exists')
    .argument('<name>', 'exchange name (up to 255 bytes; names starting with "amq." are reserved)')
    .addOption(new Option('-t, --type <type>', 'how it routes: direct (routing key equals binding key), fanout (every bound queue), topic (key patterns with * and #), headers (header values), x-consistent-hash (one queue per message by a hash of the routing key; binding keys are weights)').choices(EXCHANGE_TYPES).default('direct'))
    .option('--durable', 'keep the exchange across broker restarts')
    .option('--auto-delete', 'delete the exchange when its last binding is removed')
    .option('--internal', 'refuse direct publishes; only other exchanges route to it')
    .option('-a, --arg <key=value>', 'exchange argument, repeatable; whole numbers become integers, true/false booleans (alternate-exchange=NAME)', collect)
    .option('--passive', 'only check that the exchange exists; creates nothing'))
    .addHelpText('after', `
Declaring is idempotent: the same settings again change nothing; other settings are refused
with PRECONDITION_FAILED.

Examples:
  wharf exchanges declare logs --type fanout --durable
  wharf exchanges declare events --type topic
  wharf exchanges declare orders --arg alternate-exchange=unrouted
  wharf exchanges declare logs --passive
`)
    .action(async (name: string, opts: DeclareOpts, cmd: Command) => {
      checkName(name, 'exchange');
      const args = typedTable(opts.arg, '--arg');
      const typeGiven = cmd.getOptionValueSource('type') !== 'default';
      if (opts.passive === true && (opts.durable === true || opts.autoDelete === true || opts.internal === true || args.size > 0 || typeGiven)) {
        throw new WharfError(ERR_CLI_USAGE, '--passive only checks an existing exchange; leave out --type, --durable, --auto-delete, --internal and --arg');
      }
      await withChannel(opts, async (channel) => {
        await channel.declareExchange(name, opts.type, { passive: opts.passive, durable: opts.durable, autoDelete: opts.autoDelete, internal: opts.internal, arguments: args });
        if (opts.passive === true) out(`exchange ${name} exists\n`);
        else {
          const traits = [opts.durable === true ? 'durable' : 'transient', ...(opts.autoDelete === true ? ['auto-delete'] : []), ...(opts.internal === true ? ['internal'] : [])];
          out(`declared ${opts.type} exchange ${name} (${traits.join(', ')})\n`);
        }
      });
    });
}

function registerDelete(exchanges: Command): void {
  withAmqpOptions(exchanges
    .command('delete')
    .description('delete an exchange and its bindings')
    .argument('<name>', 'exchange name')
    .option('--if-unused', 'refuse if the exchange has bindings'))
    .addHelpText('after', `
Examples:
  wharf exchanges delete logs
  wharf exchanges delete logs --if-unused
`)
    .action(async (name: string, opts: AmqpOpts & { ifUnused?: boolean }) => {
      checkName(name, 'exchange');
      await withChannel(opts, async (channel, connection) => {
        // exchange.delete of a missing exchange succeeds (RabbitMQ made it idempotent); say so rather than "deleted".
        const probe = await connection.openChannel();
        try {
          await probe.declareExchange(name, 'direct', { passive: true });
          await probe.close();
        } catch (err) {
          if (!(err instanceof AmqpClientError) || err.replyCode !== 404 || err.connectionLevel) throw err;
          out(`exchange ${name} does not exist; nothing to delete\n`);
          return;
        }
        await channel.deleteExchange(name, { ifUnused: opts.ifUnused });
        out(`deleted exchange ${name}\n`);
      });
    });
}
