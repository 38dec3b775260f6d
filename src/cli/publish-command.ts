// `wharf publish`: sends one message (--body, or all of stdin) or one per line of stdin
// (--lines) to an AMQP exchange, in confirm mode, and exits 0 only when the broker confirmed
// every message: a nack, or a return of a --mandatory message nobody could route, exits 1.
import { Command } from 'commander';
import { AmqpClientError, AmqpReplyCode } from '../client/amqp/amqp-client-errors.js';
import { exchangeLabel, type AmqpClientChannel, type ReturnedMessage } from '../client/amqp/amqp-channel.js';
import { encodeBasicProperties } from '../formats/amqp/basic-properties.js';
import type { BasicProperties } from '../formats/amqp/field-types.js';
import { WharfError } from '../util/wharf-error.js';
import { amqpOptions, checkName, plural, typedTable, withChannel, type AmqpOpts } from './amqp-options.js';
import { ERR_CLI_USAGE, collect, wholeNumber } from './kafka-options.js';
import { readLines } from './line-reader.js';
import { ProgressMeter } from './progress-meter.js';

export interface PublishOpts extends AmqpOpts {
  exchange: string;
  routingKey: string;
  body?: string;
  lines?: boolean;
  persistent?: boolean;
  mandatory?: boolean;
  header?: string[];
  contentType?: string;
  contentEncoding?: string;
  correlationId?: string;
  replyTo?: string;
  messageId?: string;
  expiration?: number;
  priority?: number;
  progress?: boolean;
}

/** Publishes awaiting their confirm, at most; more would only fill memory on both sides. */
const UNCONFIRMED_MAX = 1024;

/** The basic properties every message of the run gets. */
export function publishProperties(opts: PublishOpts): BasicProperties {
  const p: BasicProperties = {};
  if (opts.contentType !== undefined) p.contentType = opts.contentType;
  if (opts.contentEncoding !== undefined) p.contentEncoding = opts.contentEncoding;
  const headers = typedTable(opts.header, '--header');
  if (headers.size > 0) p.headers = headers;
  if (opts.persistent === true) p.deliveryMode = 2;
  if (opts.priority !== undefined) p.priority = opts.priority;
  if (opts.correlationId !== undefined) p.correlationId = opts.correlationId;
  if (opts.replyTo !== undefined) p.replyTo = opts.replyTo;
  if (opts.expiration !== undefined) p.expiration = String(opts.expiration);
  if (opts.messageId !== undefined) p.messageId = opts.messageId;
  for (const [name, v] of Object.entries(p)) {
    if (typeof v === 'string' && Buffer.byteLength(v) > 255) throw new WharfError(ERR_CLI_USAGE, `the ${name} property is over 255 bytes, the AMQP limit`);
  }
  return p;
}

/** Refuses flag combinations that cannot do what the user means. */
export function checkPublishOpts(opts: PublishOpts): void {
  if (opts.body !== undefined && opts.lines === true) throw new WharfError(ERR_CLI_USAGE, '--body sends one message and --lines reads them from stdin; use one');
  checkName(opts.exchange, 'exchange', true);
  if (Buffer.byteLength(opts.routingKey) > 255) throw new WharfError(ERR_CLI_USAGE, 'the routing key is over 255 bytes, the AMQP limit');
  if (opts.exchange === '' && opts.routingKey === '') {
    throw new WharfError(ERR_CLI_USAGE, 'the default exchange routes by queue name: pass --routing-key QUEUE, or --exchange NAME to publish through another exchange');
  }
}

export function registerPublish(program: Command): void {
  const cmd = program
    .command('publish')
    .description('publish a message (--body, or stdin) or one per line (--lines) to an AMQP exchange, and wait for the broker to confirm them')
    .option('-e, --exchange <name>', 'exchange to publish to ("" is the default exchange, which routes to the queue named by the routing key)', '')
    .option('-r, --routing-key <key>', 'routing key', '')
    .option('-b, --body <text>', 'the message body (otherwise stdin is read: all of it is one message, or one per line with --lines)')
    .option('-l, --lines', 'each line of stdin is one message (split at "\\n", bytes kept as they are)')
    .option('--persistent', 'delivery-mode 2: a durable queue keeps the message across restarts')
    .option('--mandatory', 'have the broker return messages no queue receives; the command then exits 1')
    .option('-H, --header <key=value>', 'header on every message, repeatable; whole numbers become integers, true/false booleans', collect)
    .option('--content-type <type>', 'content-type property, e.g. application/json')
    .option('--content-encoding <encoding>', 'content-encoding property, e.g. gzip')
    .option('--correlation-id <id>', 'correlation-id property')
    .option('--reply-to <queue>', 'reply-to property')
    .option('--message-id <id>', 'message-id property')
    .option('--expiration <ms>', 'per-message TTL in milliseconds (expiration property)', wholeNumber(0, 0xffff_ffff))
    .option('--priority <n>', 'priority property (0-255; queues with x-max-priority use it)', wholeNumber(0, 255))
    .option('--progress', 'with --lines: report messages/s and MB/s on stderr every second (default when stderr is a terminal)')
    .option('--no-progress', 'never report progress');
  for (const o of amqpOptions()) cmd.addOption(o);
  cmd.addHelpText('after', `
Messages are published in confirm mode: the command exits 0 once the broker has confirmed
every one. It exits 1 if the broker nacks a message, or, with --mandatory, returns one that
no queue received (without --mandatory such a message is dropped silently).

Examples:
  wharf publish --routing-key orders --body 'hello'                 straight to queue orders
  wharf publish --exchange logs --routing-key app.error --persistent --body 'disk full'
  wharf publish --exchange events --routing-key order.created --mandatory \\
      --content-type application/json --header source=cli --header attempt=1 --body '{"id":42}'
  wharf publish --routing-key orders --lines --progress < orders.txt
  wharf publish --routing-key images < photo.jpg                    one message, bytes as they are
`)
    .action(async (opts: PublishOpts) => {
      checkPublishOpts(opts);
      const properties = encodeBasicProperties(publishProperties(opts));
      await withChannel(opts, async (channel, connection) => {
        connection.onBlocked = (reason) => {
          process.stderr.write(reason === null ? 'the broker unblocked publishers\n' : `the broker blocks publishers (${reason}); waiting until it unblocks\n`);
        };
        const returned = trackReturns(channel);
        channel.publishContext = { what: `publishing to ${exchangeLabel(opts.exchange)}`, method: 'basic.publish', exchange: opts.exchange, queue: opts.exchange === '' ? opts.routingKey : undefined };
        await channel.confirmSelect();
        if (opts.lines === true) await publishLines(channel, opts, properties);
        else channel.publish(opts.exchange, opts.routingKey, opts.mandatory === true, properties, await singleBody(opts));
        await channel.waitForConfirms();
        report(channel, opts, returned);
      });
    });
}

async function singleBody(opts: PublishOpts): Promise<Buffer> {
  if (opts.body !== undefined) return Buffer.from(opts.body, 'utf8');
  if (process.stdin.isTTY) process.stderr.write('type the message, then Ctrl-D to send it (or pass --body TEXT)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

async function publishLines(channel: AmqpClientChannel, opts: PublishOpts, properties: Buffer): Promise<void> {
  const showProgress = opts.progress ?? process.stderr.isTTY === true;
  const meter = showProgress
    ? new ProgressMeter(process.stderr, 'published', () => ({ records: channel.stats.acked, bytes: channel.stats.ackedBodyBytes }), 'message').start()
    : null;
  if (process.stdin.isTTY) process.stderr.write(`type lines to publish to ${exchangeLabel(opts.exchange)}; Ctrl-D to finish\n`);
  try {
    for await (const lines of readLines(process.stdin)) {
      for (const line of lines) {
        const room = channel.publish(opts.exchange, opts.routingKey, opts.mandatory === true, properties, line);
        if (!room || channel.unconfirmedCount >= UNCONFIRMED_MAX) await channel.room(UNCONFIRMED_MAX);
      }
    }
    await channel.waitForConfirms();
  } finally {
    meter?.stop();
  }
}

interface Returns {
  first: ReturnedMessage | null;
}

function trackReturns(channel: AmqpClientChannel): Returns {
  const returns: Returns = { first: null };
  channel.onReturn = (m) => {
    returns.first ??= m;
  };
  return returns;
}

function report(channel: AmqpClientChannel, opts: PublishOpts, returns: Returns): void {
  const s = channel.stats;
  const first = returns.first;
  if (s.nacked > 0) {
    throw new AmqpClientError(`the broker nacked ${s.nacked} of ${plural(s.published, 'message')}: it did not take them (a queue with x-overflow=reject-publish may be full, or storing failed); check the queue's limits and the broker's log`,
      { replyCode: 0, replyText: 'nack' });
  }
  if (first !== null) {
    const target = opts.exchange === ''
      ? `no queue is named ${first.routingKey}: declare it with \`wharf queues declare ${first.routingKey}\`, or fix --routing-key`
      : `no queue is bound to ${exchangeLabel(first.exchange)} for routing key "${first.routingKey}": bind one with \`wharf bindings add --exchange ${first.exchange} --queue QUEUE --routing-key KEY\`, or fix --routing-key`;
    throw new AmqpClientError(`${s.returned} of ${plural(s.published, 'message')} could not be routed and came back (${first.replyText || 'NO_ROUTE'}, ${first.replyCode}); ${target}`,
      { replyCode: first.replyCode || AmqpReplyCode.NO_ROUTE, replyText: first.replyText });
  }
  const key = opts.routingKey === '' ? 'an empty routing key' : `routing key ${opts.routingKey}`;
  process.stdout.write(`published ${plural(s.published, 'message')} to ${exchangeLabel(opts.exchange)} with ${key}; the broker confirmed ${s.published === 1 ? 'it' : 'all'}\n`);
}
