// `wharf get QUEUE`: takes up to --count messages with basic.get and prints them. By default
// they go back to the queue afterwards (a look that changes nothing but their redelivered flag);
// with --ack they are removed. Settling happens once everything is printed, so a failed write
// loses nothing.
import { once } from 'node:events';
import { Command, Option } from 'commander';
import type { GetResult } from '../client/amqp/amqp-channel.js';
import { amqpOptions, checkName, plural, withChannel, type AmqpOpts } from './amqp-options.js';
import { MESSAGE_FORMATS, formatMessage, type MessageFormat } from './amqp-message-format.js';
import { wholeNumber } from './kafka-options.js';

interface GetOpts extends AmqpOpts {
  count: number;
  ack?: boolean;
  requeue?: boolean;
  format: MessageFormat;
}

export function registerGet(program: Command): void {
  const cmd = program
    .command('get')
    .description('print messages from an AMQP queue (basic.get); they stay in the queue unless --ack')
    .argument('<queue>', 'queue to read')
    .option('-n, --count <n>', 'take up to N messages', wholeNumber(1, 1_000_000), 1)
    .addOption(new Option('--ack', 'acknowledge the messages: they are removed from the queue').conflicts('requeue'))
    .addOption(new Option('--requeue', 'put the messages back in the queue, marked redelivered (the default)').conflicts('ack'))
    .addOption(new Option('-F, --format <format>', 'text: labelled fields; json: one object per line; body: the body only').choices(MESSAGE_FORMATS).default('text'));
  for (const o of amqpOptions()) cmd.addOption(o);
  cmd.addHelpText('after', `
Each message is printed with its exchange, routing key, redelivered flag, properties,
headers and body. Messages are taken unacknowledged and settled after they are printed:
put back (--requeue, the default) or removed (--ack). A summary goes to stderr.

Examples:
  wharf get orders                        look at the next message
  wharf get orders --count 10 --ack       take and remove up to 10
  wharf get orders --count 100 --format json
  wharf get orders --count 1000 --ack --format body | wharf publish --lines --routing-key orders-copy
`)
    .action(async (queue: string, opts: GetOpts) => {
      checkName(queue, 'queue');
      await withChannel(opts, async (channel) => {
        const got: GetResult[] = [];
        for (let i = 0; i < opts.count; i++) {
          const m = await channel.get(queue, false);
          if (m === null) break;
          got.push(m);
          if (!process.stdout.write(formatMessage(m, opts.format))) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]);
        }
        const last = got.at(-1);
        if (last === undefined) {
          process.stderr.write(`queue ${queue} has no ready message\n`);
          return;
        }
        if (opts.ack === true) channel.ack(last.deliveryTag, true);
        else channel.nack(last.deliveryTag, true, true);
        process.stderr.write(opts.ack === true
          ? `took ${plural(got.length, 'message')} from queue ${queue} (acknowledged: removed); ${last.messageCount} more ready\n`
          : `looked at ${plural(got.length, 'message')} in queue ${queue} (requeued, so ${last.messageCount + got.length} are ready; --ack removes them)\n`);
      });
    });
}
