// Users and their vhost access. Credentials come from the configuration; with none configured
// the broker has RabbitMQ's default user guest/guest, which (like RabbitMQ's loopback_users)
// may log in only over a loopback connection.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';

export interface UserConfig {
  name: string;
  password: string;
  tags?: string[];
  /** Vhosts the user may open; absent means every vhost. */
  vhosts?: string[];
}

export interface User {
  readonly name: string;
  readonly tags: readonly string[];
  /** undefined: every vhost. */
  readonly vhosts: ReadonlySet<string> | undefined;
  /** Only from 127.0.0.0/8 or ::1: the user named guest, as RabbitMQ's default loopback_users. */
  readonly loopbackOnly: boolean;
}

export type AuthMechanism = 'PLAIN' | 'AMQPLAIN';

/** RabbitMQ's loopback_users default: guest's well-known password is safe only on the local host. */
export const LOOPBACK_USER = 'guest';

export const DEFAULT_USER: Readonly<UserConfig> = { name: 'guest', password: 'guest', tags: ['administrator'] };

interface Credential {
  user: User;
  /** SHA-256 of the password: fixed length, so the comparison is constant-time. */
  digest: Buffer;
}

function digestOf(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x (a dual-stack listener reports those). */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

export class UserRegistry {
  private readonly credentials = new Map<string, Credential>();
  /** Compared against when the user is unknown, so timing does not reveal which names exist. */
  private readonly decoy = digestOf('\u0000wharf-no-such-user');

  constructor(configured: readonly UserConfig[]) {
    const defaulted = configured.length === 0;
    for (const u of defaulted ? [DEFAULT_USER] : configured) {
      const user: User = {
        name: u.name,
        tags: [...(u.tags ?? [])],
        vhosts: u.vhosts === undefined ? undefined : new Set(u.vhosts),
        loopbackOnly: u.name === LOOPBACK_USER,
      };
      this.credentials.set(u.name, { user, digest: digestOf(u.password) });
    }
  }

  list(): User[] {
    return [...this.credentials.values()].map((c) => c.user);
  }

  /** ACCESS_REFUSED with RabbitMQ's text; the reason (unknown user, bad password, not loopback) is only logged by the caller. */
  authenticate(mechanism: AuthMechanism, username: string, password: string, remoteAddress: string): User {
    const cred = this.credentials.get(username);
    const offered = digestOf(password);
    const ok = timingSafeEqual(offered, cred?.digest ?? this.decoy) && cred !== undefined;
    if (!ok || (cred.user.loopbackOnly && !isLoopbackAddress(remoteAddress))) {
      throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`);
    }
    return cred.user;
  }

  static mayOpen(user: User, vhost: string): boolean {
    return user.vhosts === undefined || user.vhosts.has(vhost);
  }
}
