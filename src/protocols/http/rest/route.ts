// What a REST route is given and answers. Routes are plain functions from a request to a JSON
// answer; the listener reads nothing itself but the path, and writes the answer or the error.
import type { IncomingMessage } from 'node:http';
import type { VirtualHost } from '../../../broker/amqp/vhost.js';
import type { AmqpQueue as Queue } from '../../../broker/amqp/model-queue.js';
import type { TopicAutoCreator } from '../../../broker/topic-auto-create.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { notFound } from '../http-error.js';

export interface RestDeps extends GatewayDeps {
  /** Creates topics on first produce when config.autoCreateTopics is set. */
  readonly topicCreator: TopicAutoCreator;
}

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly url: URL;
  /** The path's variable segments, percent-decoded, in order. */
  readonly params: readonly string[];
  readonly deps: RestDeps;
}

export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}

export type RouteHandler = (r: RouteRequest) => Promise<RouteAnswer>;

/** The vhost, or 404 "no vhost '…'". */
export function vhostNamed(deps: GatewayDeps, name: string): VirtualHost<Queue> {
  const vhost = deps.broker.amqp.vhost(name);
  if (vhost === undefined) throw notFound(`no vhost '${name}'; vhosts are created with --amqp-vhosts`);
  return vhost;
}
