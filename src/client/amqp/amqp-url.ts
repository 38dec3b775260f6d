// AMQP URIs as RabbitMQ documents them (https://www.rabbitmq.com/docs/uri-spec):
// amqp://user:password@host:port/vhost, every part optional, user, password and vhost
// percent-encoded. Where the spec leaves a choice we follow the clients people use
// (amqplib, pika): no path and a bare "/" both mean the vhost "/", which is how a default
// URL names it; "/%2F" names it explicitly, "/prod" is the vhost "prod".
import { WharfError } from '../../util/wharf-error.js';

export const ERR_BAD_AMQP_URL = 'WHARF_ERR_CLIENT_BAD_AMQP_URL';
export const AMQP_PORT_DEFAULT = 5672;
export const AMQP_URL_DEFAULT = 'amqp://guest:guest@localhost:5672/';

export interface AmqpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly vhost: string;
}

function bad(url: string, why: string): WharfError {
  return new WharfError(ERR_BAD_AMQP_URL, `"${redactUrl(url)}" is not an AMQP URL (${why}); write it as amqp://USER:PASSWORD@HOST:PORT/VHOST, e.g. ${AMQP_URL_DEFAULT}`);
}

function decode(part: string, url: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw bad(url, `the ${what} has a bad %-escape`);
  }
}

/** Parses an amqp:// URL. amqps:// (TLS) is refused with a clear message rather than sent in the clear. */
export function parseAmqpUrl(text: string): AmqpEndpoint {
  const url = text.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/?#]*)@)?(\[[0-9A-Fa-f:.]+\]|[^:/?#[\]]*)(?::(\d*))?(\/[^?#]*)?(?:\?[^#]*)?(?:#.*)?$/.exec(url);
  if (m === null) throw bad(url, 'it does not parse');
  const scheme = (m[1] as string).toLowerCase();
  if (scheme === 'amqps') throw bad(url, 'TLS (amqps) is not supported by the wharf tools yet; use amqp://');
  if (scheme !== 'amqp') throw bad(url, `the scheme is ${scheme}, not amqp`);
  const userInfo = m[2];
  let username = 'guest';
  let password = 'guest';
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    username = decode(colon < 0 ? userInfo : userInfo.slice(0, colon), url, 'user name');
    password = colon < 0 ? '' : decode(userInfo.slice(colon + 1), url, 'password');
  }
  const rawHost = m[3] as string;
  const host = rawHost === '' ? 'localhost' : rawHost.startsWith('[') ? rawHost.slice(1, -1) : decode(rawHost, url, 'host');
  const port = m[4] === undefined || m[4] === '' ? AMQP_PORT_DEFAULT : Number(m[4]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(url, `port ${m[4]} is outside 1-65535`);
  const path = m[5];
  if (path !== undefined && path.indexOf('/', 1) >= 0) throw bad(url, 'a vhost with "/" in it is written %2F');
  const vhost = path === undefined || path === '/' ? '/' : decode(path.slice(1), url, 'vhost');
  return { host, port, username, password, vhost };
}

/** The URL with the password replaced by "***", for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/** "localhost:5672" or "[::1]:5672". */
export function formatEndpoint(e: Pick<AmqpEndpoint, 'host' | 'port'>): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
