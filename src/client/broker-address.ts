// Broker addresses as users type them: "host:port", "[::1]:9092", or a comma-separated list
// of those (tried in order, like Kafka's bootstrap.servers).
import { WharfError } from '../util/wharf-error.js';

export const ERR_BAD_ADDRESS = 'WHARF_ERR_CLIENT_BAD_ADDRESS';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

export function formatAddress(address: BrokerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Parses one "host:port"; the port is required, IPv6 hosts go in brackets. */
export function parseAddress(text: string): BrokerAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535) {
    throw new WharfError(ERR_BAD_ADDRESS, `"${text}" is not HOST:PORT (e.g. localhost:9092 or [::1]:9092); fix --bootstrap or WHARF_BOOTSTRAP`);
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

/** Parses "host:port[,host:port…]". */
export function parseAddressList(text: string): BrokerAddress[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new WharfError(ERR_BAD_ADDRESS, 'no broker address given; pass --bootstrap HOST:PORT');
  return parts.map(parseAddress);
}
