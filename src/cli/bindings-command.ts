// `wharf bindings list|add|remove`: bindings from an exchange to a queue (queue.bind) or to
// another exchange (exchange.bind, RabbitMQ's extension). `list` needs the management API.
import { Command } from 'commander';
import { exchangeLabel } from '../client/amqp/amqp-channel.js';
import { WharfError } from '../util/wharf-error.js';
import { ERR_CLI_USAGE, collect } from './kafka-options.js';
import { amqpOptions, checkName, needsManagementApi, typedTable, withChannel, type AmqpOpts } from './amqp-options.js';

function out(text: string): void {
  process.stdout.write(text);
}

function withAmqpOptions(cmd: Command): Command {
  for (const o of amqpOptions()) cmd.addOption(o);
  return cmd;
}

export interface BindingOpts extends AmqpOpts {
  exchange: string;
  queue?: string;
  toExchange?: string;
  routingKey: string;
  arg?: string[];
}

export interface BindingSpec {
  source: string;
  destination: { kind: 'queue' | 'exchange'; name: string };
  routingKey: string;
}

/** Checks the flags of add/remove: exactly one destination, names that fit AMQP. */
export function bindingSpec(opts: BindingOpts): BindingSpec {
  if ((opts.queue === undefined) === (opts.toExchange === undefined)) {
    throw new WharfError(ERR_CLI_USAGE, 'name the destination with exactly one of --queue Q or --to-exchange X');
  }
  checkName(opts.exchange, 'source exchange', true);
  if (opts.exchange === '') throw new WharfError(ERR_CLI_USAGE, 'the default exchange ("") binds every queue by its name already and takes no other bindings; name another --exchange');
  if (Buffer.byteLength(opts.routingKey) > 255) throw new WharfError(ERR_CLI_USAGE, 'the routing key is over 255 bytes, the AMQP limit');
  const destination = opts.queue !== undefined
    ? { kind: 'queue' as const, name: checkName(opts.queue, 'queue') }
    : { kind: 'exchange' as const, name: checkName(opts.toExchange ?? '', 'destination exchange') };
  return { source: opts.exchange, destination, routingKey: opts.routingKey };
}

export function registerBindings(program: Command): void {
  const bindings = program
    .command('bindings')
    .description('bind queues (or exchanges) to exchanges, and remove bindings (over AMQP 0-9-1)');
  withAmqpOptions(bindings
    .command('list')
    .description('not available yet: listing bindings needs the management API'))
    .action(() => {
      throw needsManagementApi('bindings');
    });
  registerAddOrRemove(bindings, 'add');
  registerAddOrRemove(bindings, 'remove');
  bindings.addHelpText('after', `
Examples:
  wharf bindings add --exchange events --queue audit --routing-key 'order.*'
  wharf bindings add --exchange logs --queue all-logs                       (fanout: no key needed)
  wharf bindings add --exchange docs --queue pdfs --arg x-match=all --arg format=pdf   (headers)
  wharf bindings add --exchange events --to-exchange archive --routing-key '#'
  wharf bindings remove --exchange events --queue audit --routing-key 'order.*'
(AMQP commands take --url amqp://USER:PASSWORD@HOST:PORT/VHOST or WHARF_AMQP_URL,
 default amqp://guest:guest@localhost:5672/; see docs/cli.md)
`);
}

function registerAddOrRemove(bindings: Command, verb: 'add' | 'remove'): void {
  withAmqpOptions(bindings
    .command(verb)
    .description(verb === 'add'
      ? 'route messages from an exchange to a queue or another exchange (adding an existing binding changes nothing)'
      : 'remove a binding (give the same exchange, destination, --routing-key and --arg values it was added with)')
    .requiredOption('-e, --exchange <name>', 'the source exchange')
    .option('-q, --queue <name>', 'the destination queue')
    .option('--to-exchange <name>', 'the destination exchange (an exchange-to-exchange binding)')
    .option('-r, --routing-key <key>', 'binding key: exact for direct, a pattern for topic (* one word, # any number), ignored by fanout and headers', '')
    .option('-a, --arg <key=value>', 'binding argument, repeatable (headers exchanges: x-match=all|any and the header values to match; whole numbers become integers, true/false booleans)', collect))
    .addHelpText('after', `
Example:
  wharf bindings ${verb} --exchange events --queue audit --routing-key 'order.*'
`)
    .action(async (opts: BindingOpts) => {
      const spec = bindingSpec(opts);
      const args = typedTable(opts.arg, '--arg');
      await withChannel(opts, async (channel) => {
        const { source, destination, routingKey } = spec;
        if (destination.kind === 'queue') {
          if (verb === 'add') await channel.bindQueue(destination.name, source, routingKey, args);
          else await channel.unbindQueue(destination.name, source, routingKey, args);
        } else if (verb === 'add') {
          await channel.bindExchange(destination.name, source, routingKey, args);
        } else {
          await channel.unbindExchange(destination.name, source, routingKey, args);
        }
        const key = routingKey === '' ? 'an empty routing key' : `routing key ${routingKey}`;
        const argText = args.size > 0 ? ` and arguments ${opts.arg?.join(', ') ?? ''}` : '';
        out(verb === 'add'
          ? `bound ${destination.kind} ${destination.name} to ${exchangeLabel(source)} with ${key}${argText}\n`
          : `removed the binding of ${destination.kind} ${destination.name} to ${exchangeLabel(source)} with ${key}${argText}\n`);
      });
    });
}
