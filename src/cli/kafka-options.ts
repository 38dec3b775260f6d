// What every Kafka command of the `wharf` CLI shares: the --bootstrap option, opening a client
// with an error that says what to do, and parsers for flag values.
import { InvalidArgumentError, Option } from 'commander';
import { parseAddressList, formatAddress } from '../client/broker-address.js';
import { ClientError, ClientErrorCode } from '../client/client-errors.js';
import { KafkaClient } from '../client/kafka-client.js';
import { WharfError } from '../util/wharf-error.js';
import { exitQuietlyWhenStdoutCloses } from './stdout-guard.js';

export const BOOTSTRAP_DEFAULT = 'localhost:9092';
export const BOOTSTRAP_ENV = 'WHARF_BOOTSTRAP';
/** A flag combination or value the command cannot act on; the message says which and why. */
export const ERR_CLI_USAGE = 'WHARF_ERR_CLI_USAGE';

export function bootstrapOption(): Option {
  return new Option('-b, --bootstrap <host:port>', 'broker to talk to (a comma-separated list is tried in order)')
    .env(BOOTSTRAP_ENV)
    .default(BOOTSTRAP_DEFAULT);
}

/** Connects to the first reachable address of `bootstrap`; a failure names them and says what to try. */
export async function connectClient(bootstrap: string): Promise<KafkaClient> {
  const addresses = parseAddressList(bootstrap);
  let last: unknown;
  for (const address of addresses) {
    try {
      return await KafkaClient.connect(address);
    } catch (err) {
      if (!(err instanceof ClientError) || err.code !== ClientErrorCode.CONNECT) throw err;
      last = err;
    }
  }
  const tried = addresses.map(formatAddress).join(', ');
  const reason = last instanceof Error ? last.message.replace(/^cannot connect to \S+ /, '') : '';
  throw new ClientError(ClientErrorCode.CONNECT,
    `cannot connect to ${tried} ${reason}: is \`wharf serve\` running? pass --bootstrap HOST:PORT or set ${BOOTSTRAP_ENV}`, { cause: last });
}

/** Runs `fn` with a connected client and closes it afterwards, whatever happens. */
export async function withClient<T>(bootstrap: string, fn: (client: KafkaClient) => Promise<T>): Promise<T> {
  exitQuietlyWhenStdoutCloses();
  const client = await connectClient(bootstrap);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** A commander argParser for whole numbers in [min, max]. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}.`);
    }
    return n;
  };
}

/** A commander argParser that collects a repeatable option into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Splits "key=value" at the first "="; the key must not be empty. */
export function splitPair(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new WharfError(ERR_CLI_USAGE, `${flag} expects KEY=VALUE, got "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** "k=v" pairs to an object; a key given twice is refused rather than silently overwritten. */
export function parsePairs(list: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const [key, value] = splitPair(item, flag);
    if (Object.hasOwn(out, key)) throw new WharfError(ERR_CLI_USAGE, `${flag} ${key} is given twice; keep one`);
    out[key] = value;
  }
  return out;
}
