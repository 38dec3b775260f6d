// What every Kafka API handler is (STYLE 8.3, after redpanda's handlers/handler.h): the API's
// schema and the versions it serves, which feed the registry and so ApiVersions, plus `handle`,
// which turns a decoded request into a response body. Handlers are thin: broker calls in, error
// codes out (through broker-error-map.ts). Decoding and encoding happen around them, in
// `toDispatch`, so a handler never sees bytes.
import type { Logger } from 'pino';
import type { Broker } from '../../../broker/broker.js';
import type { TopicAutoCreator } from '../../../broker/topic-auto-create.js';
import type { ApiDeclaration, ApiRegistry } from '../api-registry.js';
import type { AppendOrder } from '../append-order.js';
import { decodeRequestBody, encodeResponse } from '../messages.js';
import type { RequestHeader } from '../request-header.js';
import type { ApiSchema, RequestData, ResponseInput } from '../schema/api-schema.js';

/** The handler sends nothing back: Produce with acks=0 (protocol-matrix §1.7 G8). */
export const NO_RESPONSE: unique symbol = Symbol('kafka: no response');
/**
 * Close the connection once the responses before this one are written: how Kafka tells an acks=0
 * producer that a produce failed, since it reads no response (KafkaApis.handleProduceRequest).
 */
export const CLOSE_CONNECTION: unique symbol = Symbol('kafka: close connection');

export interface BrokerEndpoint {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** A broker setting shown by DescribeConfigs for a BROKER resource, under Kafka's name. */
export interface BrokerConfigEntry {
  readonly name: string;
  readonly value: string;
}

/** What every connection of one listener shares. */
export interface KafkaServices {
  readonly broker: Broker;
  readonly registry: ApiRegistry;
  readonly clusterId: string;
  /** This node as clients must reach it: node id, advertised host and the bound port (G4, G17). */
  readonly self: BrokerEndpoint;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly topicCreator: TopicAutoCreator;
  readonly brokerConfigs: readonly BrokerConfigEntry[];
  readonly logger: Logger;
}

/** Per-connection state a handler may use. */
export interface ConnectionContext {
  readonly id: number;
  readonly remoteAddress: string;
  /** Aborted when the connection closes or the listener shuts down: long polls answer at once. */
  readonly signal: AbortSignal;
  readonly appendOrder: AppendOrder;
}

export interface RequestContext {
  readonly services: KafkaServices;
  readonly connection: ConnectionContext;
  readonly header: RequestHeader;
}

export type HandlerResult<A> = ResponseInput<A> | typeof NO_RESPONSE | typeof CLOSE_CONNECTION;

export interface KafkaHandler<A extends ApiSchema> extends ApiDeclaration<A> {
  /**
   * Answers one request. Must not throw for expected outcomes (they are error codes in the
   * response); a rejection is treated as a Wharf bug and closes the connection.
   */
  handle(ctx: RequestContext, request: RequestData<A>, version: number): Promise<HandlerResult<A>>;
  /** See HandlerSpec.frameReusable. */
  readonly frameReusable: boolean;
}

export interface HandlerSpec<A extends ApiSchema> {
  readonly schema: A;
  readonly versionMin: number;
  readonly versionMax: number;
  /**
   * Once `handle` has resolved, nothing keeps a view into the request's bytes, so the session may
   * reuse the frame's memory for a later request (Produce: the log has written the batches by
   * then). Default false: decoded `bytes` fields are views that may be kept (group metadata).
   */
  readonly frameReusable?: boolean;
  handle(ctx: RequestContext, request: RequestData<A>, version: number): Promise<HandlerResult<A>>;
}

export function defineHandler<A extends ApiSchema>(spec: HandlerSpec<A>): KafkaHandler<A> {
  return {
    apiKey: spec.schema.apiKey,
    name: spec.schema.name,
    versionMin: spec.versionMin,
    versionMax: spec.versionMax,
    schema: spec.schema,
    handle: spec.handle,
    frameReusable: spec.frameReusable ?? false,
  };
}

/** The encoded response (size prefix included), or what to do instead of answering. */
export type DispatchResult = Buffer[] | typeof NO_RESPONSE | typeof CLOSE_CONNECTION;

/** A handler with its types erased, as the session calls it. */
export interface Dispatch {
  readonly declaration: ApiDeclaration;
  /** The frame's memory may be reused once `run` has resolved (HandlerSpec.frameReusable). */
  readonly frameReusable: boolean;
  /**
   * Decodes the body (throwing KafkaCodecError synchronously when it is malformed), then calls
   * `handle` in the same turn, so handlers start in request order, and encodes its answer.
   */
  run(ctx: RequestContext, frame: Buffer, bodyOffset: number): Promise<DispatchResult>;
}

export function toDispatch<A extends ApiSchema>(handler: KafkaHandler<A>): Dispatch {
  const { schema } = handler;
  return {
    declaration: handler,
    frameReusable: handler.frameReusable,
    run(ctx, frame, bodyOffset) {
      const version = ctx.header.apiVersion;
      const request = decodeRequestBody(schema, version, frame, bodyOffset) as RequestData<A>;
      return handler.handle(ctx, request, version).then((result) => {
        if (result === NO_RESPONSE || result === CLOSE_CONNECTION) return result;
        return encodeResponse(schema, version, ctx.header.correlationId, result as ResponseInput<ApiSchema>);
      });
    },
  };
}
