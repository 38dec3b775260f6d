// POST /v1/exchanges/{vhost}/{exchange}/publish: an HTTP publish, routed by the same function as
// an AMQP basic.publish (buildMessage, then VirtualHost.publish). Answered once the message is
// routed and, when a durable queue took a persistent message, stored (as a publisher confirm).
import { DIRECT_REPLY_QUEUE } from '../../../broker/amqp/direct-reply.js';
import { buildMessage } from '../../../broker/amqp/message-build.js';
import { decodeBasicProperties } from '../../../formats/amqp/basic-properties.js';
import { isJson, jsonObject, parseJson, readBody } from '../body.js';
import { badRequest, HttpError, HttpErrorCode } from '../http-error.js';
import { decodePayload, describe } from '../payload.js';
import { propertiesFromJson } from '../properties-json.js';
import { vhostNamed, type RouteAnswer, type RouteRequest } from './route.js';

/** The path's name of the default exchange, as in RabbitMQ's management API. */
export const DEFAULT_EXCHANGE_PATH_NAME = 'amq.default';
const FIELDS = ['routingKey', 'payload', 'payloadEncoding', 'properties', 'mandatory'] as const;
const FLAG_REPLY_TO = 1 << 9;
const FLAG_USER_ID = 1 << 4;

export interface PublishAnswer {
  routed: boolean;
}

interface PublishInput {
  routingKey: string;
  properties: Buffer;
  body: Buffer;
  mandatory: boolean;
}

export async function publishRoute(r: RouteRequest): Promise<RouteAnswer> {
  const [vhostName, exchangePathName] = r.params as [string, string];
  const vhost = vhostNamed(r.deps, vhostName);
  const exchange = exchangePathName === DEFAULT_EXCHANGE_PATH_NAME ? '' : exchangePathName;
  const body = await readBody(r.req, r.deps.config.httpBodyBytesMax);
  const input = isJson(r.req) ? fromJson(parseJson(body)) : fromRaw(r, body);
  checkProperties(input.properties);
  const message = buildMessage(exchange, input.routingKey, input.properties, input.body);
  const outcome = vhost.publish(exchange, input.routingKey, message, input.mandatory);
  if (outcome.rejected) {
    throw new HttpError(503, HttpErrorCode.REJECTED, `a queue refused the message (x-overflow reject-publish: it is full); publish again once it has room`);
  }
  if (outcome.stored !== undefined) await outcome.stored;
  // An unroutable message answers routed:false whether or not it was mandatory: that is what
  // basic.return would tell an AMQP publisher (and what RabbitMQ's management API answers).
  const answer: PublishAnswer = { routed: outcome.routed };
  return { status: 200, body: answer };
}

function fromJson(value: unknown): PublishInput {
  const o = jsonObject(value, FIELDS, 'the publish body');
  if (o.routingKey !== undefined && typeof o.routingKey !== 'string') throw badRequest(`routingKey must be a string, not ${describe(o.routingKey)}`);
  if (o.mandatory !== undefined && typeof o.mandatory !== 'boolean') throw badRequest(`mandatory must be true or false, not ${describe(o.mandatory)}`);
  const routingKey = o.routingKey ?? '';
  checkShortstr(routingKey, 'routingKey');
  return {
    routingKey,
    properties: propertiesFromJson(o.properties),
    body: decodePayload(o.payload, o.payloadEncoding),
    mandatory: o.mandatory ?? false,
  };
}

/**
 * A raw body is the payload. `?routingKey=`, `?mandatory=true` and `?properties=` (a JSON object,
 * URL-encoded) come from the query; the request's Content-Type becomes the contentType property
 * unless the properties set one.
 */
function fromRaw(r: RouteRequest, body: Buffer): PublishInput {
  const q = r.url.searchParams;
  const routingKey = q.get('routingKey') ?? '';
  checkShortstr(routingKey, 'routingKey');
  const mandatory = q.get('mandatory');
  if (mandatory !== null && mandatory !== 'true' && mandatory !== 'false') throw badRequest(`?mandatory= must be true or false, not "${mandatory}"`);
  const propertiesText = q.get('properties');
  let json: Record<string, unknown> = {};
  if (propertiesText !== null) {
    try {
      json = JSON.parse(propertiesText) as Record<string, unknown>;
    } catch (err) {
      throw badRequest(`?properties= is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badRequest('?properties= must be a JSON object');
  }
  const contentType = r.req.headers['content-type'];
  if (json.contentType === undefined && contentType !== undefined) json = { ...json, contentType };
  return { routingKey, properties: propertiesFromJson(json), body, mandatory: mandatory === 'true' };
}

function checkShortstr(s: string, field: string): void {
  if (Buffer.byteLength(s, 'utf8') > 255) throw badRequest(`${field} is longer than 255 bytes of UTF-8 (an AMQP short string)`);
}

/**
 * RabbitMQ checks user-id against the authenticated user and a direct reply-to against the
 * channel's reply consumer; an HTTP request has neither, so both are refused here.
 */
function checkProperties(properties: Buffer): void {
  if ((properties.readUInt16BE(0) & (FLAG_REPLY_TO | FLAG_USER_ID)) === 0) return;
  const p = decodeBasicProperties(properties);
  if (p.userId !== undefined) throw badRequest('properties.userId cannot be set over HTTP: the gateway has no authenticated user to check it against');
  if (p.replyTo === DIRECT_REPLY_QUEUE) {
    throw badRequest(`properties.replyTo ${DIRECT_REPLY_QUEUE} needs a consumer on the same connection; use the WebSocket "request" op for RPC over HTTP`);
  }
}
