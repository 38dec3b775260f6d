// What every AMQP command of the `wharf` CLI shares: --url and --vhost, opening a connection
// and a channel with errors that say what to do, and typed KEY=VALUE flags (--arg, --header).
import { Option } from 'commander';
import { tableFromPlain, type PlainTable } from '../formats/amqp/field-table.js';
import type { FieldTable } from '../formats/amqp/field-types.js';
import { ClientError, ClientErrorCode } from '../client/client-errors.js';
import type { AmqpClientChannel } from '../client/amqp/amqp-channel.js';
import { AmqpClientConnection } from '../client/amqp/amqp-connection.js';
import { AMQP_URL_DEFAULT, parseAmqpUrl, redactUrl, type AmqpEndpoint } from '../client/amqp/amqp-url.js';
import { WharfError } from '../util/wharf-error.js';
import { ERR_CLI_USAGE, splitPair } from './kafka-options.js';
import { exitQuietlyWhenStdoutCloses } from './stdout-guard.js';

export const AMQP_URL_ENV = 'WHARF_AMQP_URL';
/** A command AMQP 0-9-1 cannot serve (listing queues, exchanges, bindings): it needs the management API. */
export const ERR_CLI_NEEDS_MANAGEMENT_API = 'WHARF_ERR_CLI_NEEDS_MANAGEMENT_API';

export interface AmqpOpts {
  url: string;
  vhost?: string;
}

/** --url and --vhost, added to every AMQP command. */
export function amqpOptions(): Option[] {
  return [
    new Option('-u, --url <url>', 'broker to talk to: amqp://USER:PASSWORD@HOST:PORT/VHOST').env(AMQP_URL_ENV).default(AMQP_URL_DEFAULT),
    new Option('--vhost <vhost>', 'virtual host, instead of the one in --url (default: "/")'),
  ];
}

/** The endpoint named by --url, with --vhost winning over the URL's path. */
export function endpointFrom(opts: AmqpOpts): AmqpEndpoint {
  const endpoint = parseAmqpUrl(opts.url);
  return opts.vhost === undefined ? endpoint : { ...endpoint, vhost: opts.vhost };
}

/** Connects; a refused or unreachable broker gets a message that says how to start one or where to point. */
export async function connectAmqp(opts: AmqpOpts): Promise<AmqpClientConnection> {
  const endpoint = endpointFrom(opts);
  try {
    return await AmqpClientConnection.connect(endpoint);
  } catch (err) {
    if (err instanceof ClientError && err.code === ClientErrorCode.CONNECT) {
      throw new ClientError(ClientErrorCode.CONNECT, `${err.message} from --url ${redactUrl(opts.url)}: is Wharf running? start it with \`npm start\` or \`wharf serve\`, `
        + `or pass --url amqp://USER:PASSWORD@HOST:PORT/VHOST (or set ${AMQP_URL_ENV})`, { cause: err });
    }
    throw err;
  }
}

/**
 * Runs `fn` with an open channel. Afterwards the channel is closed (so the broker has handled
 * everything sent on it, acks included) and then the connection, whatever happened.
 */
export async function withChannel<T>(opts: AmqpOpts, fn: (channel: AmqpClientChannel, connection: AmqpClientConnection) => Promise<T>): Promise<T> {
  exitQuietlyWhenStdoutCloses();
  const connection = await connectAmqp(opts);
  try {
    const channel = await connection.openChannel();
    const result = await fn(channel, connection);
    await channel.close();
    return result;
  } finally {
    await connection.close();
  }
}

/**
 * A flag value typed the way people mean it: a whole number becomes an integer (x-max-length=10),
 * true/false a boolean, anything else a string (x-dead-letter-exchange=dlx).
 */
export function typedValue(text: string): string | number | boolean {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/** Repeatable KEY=VALUE flags as a field table, values typed by typedValue; a key given twice is refused. */
export function typedTable(list: readonly string[] | undefined, flag: string): FieldTable {
  const plain: PlainTable = {};
  for (const item of list ?? []) {
    const [key, value] = splitPair(item, flag);
    if (Object.hasOwn(plain, key)) throw new WharfError(ERR_CLI_USAGE, `${flag} ${key} is given twice; keep one`);
    if (Buffer.byteLength(key) > 255) throw new WharfError(ERR_CLI_USAGE, `${flag} ${key.slice(0, 20)}… has a key over 255 bytes`);
    plain[key] = typedValue(value);
  }
  return tableFromPlain(plain);
}

/** Names are AMQP shortstrs: at most 255 bytes of UTF-8. */
export function checkName(name: string, what: string, allowEmpty = false): string {
  if (name === '' && !allowEmpty) throw new WharfError(ERR_CLI_USAGE, `the ${what} name must not be empty`);
  if (Buffer.byteLength(name) > 255) throw new WharfError(ERR_CLI_USAGE, `the ${what} name is ${Buffer.byteLength(name)} bytes; AMQP allows at most 255`);
  return name;
}

/** The error of `wharf queues|exchanges|bindings list`: AMQP 0-9-1 has no way to enumerate them. */
export function needsManagementApi(what: 'queues' | 'exchanges' | 'bindings'): WharfError {
  const check: Record<typeof what, string> = {
    queues: 'to check queues you know, run `wharf queues list NAME…` or `wharf queues declare --passive NAME` (both print message and consumer counts)',
    exchanges: 'to check that an exchange exists, run `wharf exchanges declare --passive NAME`',
    bindings: 'to make sure a binding exists, add it again with `wharf bindings add` (adding an existing binding changes nothing)',
  };
  return new WharfError(ERR_CLI_NEEDS_MANAGEMENT_API,
    `listing ${what} needs the management API, which AMQP 0-9-1 does not have (RabbitMQ serves it over HTTP) and Wharf does not offer yet; ${check[what]}`);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
