// /api/exchanges: list, declare, delete, and publish (RabbitMQ's management publish, routed by the
// same VirtualHost.publish as an AMQP basic.publish). The default exchange is "" in listings and
// amq.default in paths.
import { DIRECT_REPLY_QUEUE } from '../../../broker/amqp/direct-reply.js';
import { decodeBasicProperties } from '../../../formats/amqp/basic-properties.js';
import { buildMessage } from '../../../broker/amqp/message-build.js';
import type { Exchange } from '../../../broker/amqp/exchange.js';
import { decodePayload } from '../payload.js';
import { DEFAULT_EXCHANGE_PATH_NAME } from '../rest/publish.js';
import { argumentsFromJson, argumentsToJson, propertiesFromMgmtJson } from './amqp-json.js';
import { badRequest, MgmtError, objectNotFound } from './mgmt-error.js';
import { createdOrExisted, flag, list, noContent, ok, optionalString, queryFlag, readJsonObject, vhostOf, type MgmtAnswer, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';

function exchangeJson(vhost: string, x: { name: string; type: string; durable: boolean; autoDelete: boolean; internal: boolean; arguments: Exchange['arguments'] }): Item {
  return { name: x.name, vhost, type: x.type, durable: x.durable, auto_delete: x.autoDelete, internal: x.internal, arguments: argumentsToJson(x.arguments) };
}

function listExchanges(r: MgmtRequest, vhostNames: readonly string[]): Item[] {
  const out: Item[] = [];
  for (const name of vhostNames) {
    for (const x of r.deps.broker.amqp.vhost(name)?.listExchanges() ?? []) out.push(exchangeJson(name, x));
  }
  return out;
}

export function exchangeName(pathName: string): string {
  return pathName === DEFAULT_EXCHANGE_PATH_NAME ? '' : pathName;
}

function getExchange(r: MgmtRequest): MgmtAnswer {
  const vhost = vhostOf(r, r.params[0] as string);
  const name = exchangeName(r.params[1] as string);
  const x = vhost.listExchanges().find((e) => e.name === name);
  if (x === undefined) throw objectNotFound(`no exchange '${name}' in vhost '${vhost.name}'`);
  return ok(exchangeJson(vhost.name, x));
}

async function putExchange(r: MgmtRequest): Promise<MgmtAnswer> {
  const vhost = vhostOf(r, r.params[0] as string);
  const name = exchangeName(r.params[1] as string);
  const body = await readJsonObject(r, 'the exchange body');
  const type = body.type;
  if (typeof type !== 'string' || type === '') throw badRequest('type is required: direct, fanout, topic, headers or x-consistent-hash');
  const existed = vhost.topology.exchanges.has(name);
  await vhost.declareExchange({
    name, type, passive: false,
    durable: flag(body.durable, 'durable', true),
    autoDelete: flag(body.auto_delete, 'auto_delete', false),
    internal: flag(body.internal, 'internal', false),
    arguments: argumentsFromJson(body.arguments),
  });
  return createdOrExisted(!existed);
}

async function deleteExchange(r: MgmtRequest): Promise<MgmtAnswer> {
  const vhost = vhostOf(r, r.params[0] as string);
  const name = exchangeName(r.params[1] as string);
  if (name !== '' && !vhost.topology.exchanges.has(name)) throw objectNotFound(`no exchange '${name}' in vhost '${vhost.name}'`);
  await vhost.deleteExchange(name, queryFlag(r.url, 'if-unused'));
  return noContent();
}

async function publish(r: MgmtRequest): Promise<MgmtAnswer> {
  const vhost = vhostOf(r, r.params[0] as string);
  const exchange = exchangeName(r.params[1] as string);
  const body = await readJsonObject(r, 'the publish body');
  const routingKey = optionalString(body.routing_key, 'routing_key', '');
  if (Buffer.byteLength(routingKey, 'utf8') > 255) throw badRequest('routing_key is longer than 255 bytes of UTF-8 (an AMQP short string)');
  const properties = propertiesFromMgmtJson(body.properties);
  checkProperties(properties, r.user.name);
  const payload = decodePayload(body.payload ?? '', body.payload_encoding, 'payload');
  const message = buildMessage(exchange, routingKey, properties, payload);
  const outcome = vhost.publish(exchange, routingKey, message, false);
  if (outcome.rejected) throw new MgmtError(503, 'rejected', 'a queue refused the message (x-overflow reject-publish: it is full); publish again once it has room');
  if (outcome.stored !== undefined) await outcome.stored;
  return ok({ routed: outcome.routed });
}

/** RabbitMQ's checks: user_id must be the authenticated user; direct reply-to needs an AMQP channel. */
function checkProperties(properties: Buffer, user: string): void {
  const p = decodeBasicProperties(properties);
  if (p.userId !== undefined && p.userId !== user) throw badRequest(`properties.user_id '${p.userId}' is not the authenticated user '${user}'`);
  if (p.replyTo === DIRECT_REPLY_QUEUE) throw badRequest(`properties.reply_to ${DIRECT_REPLY_QUEUE} needs a consumer on the same AMQP channel`);
}

export const EXCHANGE_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'exchanges'], methods: { GET: (r) => list(listExchanges(r, r.deps.broker.amqp.vhostNames())) } },
  { pattern: ['api', 'exchanges', ':vhost'], methods: { GET: (r) => list(listExchanges(r, [vhostOf(r, r.params[0] as string).name])) } },
  { pattern: ['api', 'exchanges', ':vhost', ':name'], methods: { GET: getExchange, PUT: putExchange, DELETE: deleteExchange } },
  { pattern: ['api', 'exchanges', ':vhost', ':name', 'publish'], methods: { POST: publish } },
];
