// What a management route is given and answers, and the small input helpers every resource file
// shares. A route answers a body (a `list` is filtered, sorted, paged and projected by the
// router), a status and headers; it throws MgmtError (or a broker error) to fail.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { AmqpQueue as Queue } from '../../../broker/amqp/model-queue.js';
import type { User } from '../../../broker/amqp/users.js';
import type { VirtualHost } from '../../../broker/amqp/vhost.js';
import type { Broker } from '../../../broker/broker.js';
import type { Topic } from '../../../broker/topics.js';
import type { ConnectionRegistry } from '../../../broker/connection-registry.js';
import type { WharfConfig } from '../../../config/config-keys.js';
import { parseJson, readBody } from '../body.js';
import { describe } from '../payload.js';
import { badRequest, objectNotFound } from './mgmt-error.js';
import type { Item } from './pagination.js';
import type { RateSampler } from './rates.js';

export type MgmtMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** A listener as /api/overview shows it. */
export interface ListenerInfo {
  readonly protocol: 'amqp' | 'kafka' | 'http';
  readonly port: number;
  readonly ip_address: string;
}

export interface MgmtDeps {
  readonly broker: Broker;
  readonly config: WharfConfig;
  readonly logger: Logger;
  readonly connections: ConnectionRegistry;
  readonly listeners: () => readonly ListenerInfo[];
  readonly rates: RateSampler;
}

export interface MgmtRequest {
  readonly req: IncomingMessage;
  readonly url: URL;
  /** The path's variable segments, percent-decoded, in order. */
  readonly params: readonly string[];
  readonly deps: MgmtDeps;
  readonly user: User;
}

export interface MgmtAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body is a list of items: the router applies page/name/sort/columns. */
  readonly list?: boolean;
}

export type MgmtHandler = (r: MgmtRequest) => MgmtAnswer | Promise<MgmtAnswer>;

export interface MgmtRoute {
  readonly pattern: readonly string[];
  readonly methods: Readonly<Partial<Record<MgmtMethod, MgmtHandler>>>;
  /** Reads need the administrator tag too (users, permissions). */
  readonly adminOnly?: boolean;
}

export function ok(body: unknown): MgmtAnswer {
  return { status: 200, body };
}

export function list(items: Item[]): MgmtAnswer {
  return { status: 200, body: items, list: true };
}

export function noContent(): MgmtAnswer {
  return { status: 204 };
}

/** 201 for something made now, 204 when it was there already (RabbitMQ's PUT answers). */
export function createdOrExisted(created: boolean, location?: string): MgmtAnswer {
  return created ? { status: 201, headers: location === undefined ? {} : { location } } : { status: 204 };
}

/** The vhost, or 404. */
export function vhostOf(r: MgmtRequest, name: string): VirtualHost<Queue> {
  const vhost = r.deps.broker.amqp.vhost(name);
  if (vhost === undefined) throw objectNotFound(`no vhost '${name}'; vhosts are created with --amqp-vhosts`);
  return vhost;
}

/** The topic, or 404. */
export function topicNamed(r: MgmtRequest, name: string): Topic {
  const topic = r.deps.broker.topics.get(name);
  if (topic === undefined) throw objectNotFound(`no topic '${name}'`);
  return topic;
}

/** The JSON object body (empty → {}), bounded by httpBodyBytesMax; 400 when it is not an object. */
export async function readJsonObject(r: MgmtRequest, what: string): Promise<Record<string, unknown>> {
  const value = parseJson(await readBody(r.req, r.deps.config.httpBodyBytesMax));
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`${what} must be a JSON object, not ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** A flag given as JSON true/false or as the strings "true"/"false" (rabbitmqadmin sends strings). */
export function flag(v: unknown, name: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw badRequest(`${name} must be true or false, not ${describe(v)}`);
}

/** An integer given as a JSON number or a decimal string. */
export function integer(v: unknown, name: string, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'string' && /^-?[0-9]{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`${name} must be an integer from ${min} to ${max}, not ${describe(v)}`);
  return n;
}

export function optionalString(v: unknown, name: string, fallback: string): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string, not ${describe(v)}`);
  return v;
}

/** The query flag ?name=true. */
export function queryFlag(url: URL, name: string): boolean {
  return url.searchParams.get(name) === 'true';
}
