// Who is asking: HTTP Basic credentials checked against the broker's users (the same registry
// AMQP logins use, so guest/guest is accepted only from a loopback address), and what they may
// do: the administrator tag may change things, every other user may only read.
import type { IncomingMessage } from 'node:http';
import type { User, UserRegistry } from '../../../broker/amqp/users.js';
import { accessRefused, notAuthorised } from './mgmt-error.js';

export const ADMIN_TAG = 'administrator';
/** Methods that only read. */
const READ_METHODS = new Set(['GET', 'HEAD']);

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** The Basic credentials of an Authorization header; null when absent or not Basic. */
export function basicCredentials(header: string | undefined): Credentials | null {
  if (header === undefined) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return null;
  const text = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * The authenticated user, or 401 with WWW-Authenticate. `remoteAddress` decides whether guest
 * may log in (loopback only, RabbitMQ's loopback_users).
 */
export function authenticate(users: UserRegistry, authorization: string | undefined, remoteAddress: string): User {
  const credentials = basicCredentials(authorization);
  if (credentials === null) throw notAuthorised('Login failed: the management API needs HTTP Basic credentials of a broker user (see --amqp-users)');
  try {
    return users.authenticate('PLAIN', credentials.username, credentials.password, remoteAddress);
  } catch {
    throw notAuthorised(`Login failed for user '${credentials.username}' (wrong password, unknown user, or guest from a non-loopback address)`);
  }
}

export function isAdministrator(user: User): boolean {
  return user.tags.includes(ADMIN_TAG);
}

/** 403 unless `user` may send `method`; `adminOnly` routes refuse reads by non-administrators too. */
export function authorize(user: User, method: string, adminOnly: boolean): void {
  if (isAdministrator(user)) return;
  if (adminOnly) throw accessRefused(`user '${user.name}' is not an administrator; this resource needs the administrator tag`);
  if (!READ_METHODS.has(method)) throw accessRefused(`user '${user.name}' may only read (tags: ${user.tags.join(',') || 'none'}); changes need the administrator tag`);
}

/** The request's user as RabbitMQ's whoami shows it. */
export function whoami(user: User): { name: string; tags: string } {
  return { name: user.name, tags: user.tags.join(',') };
}

export function remoteAddressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}
