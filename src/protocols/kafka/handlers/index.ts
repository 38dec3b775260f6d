// Every Kafka API Wharf serves, one handler each. The registry (and so every ApiVersions answer)
// is built from this list, so an API is advertised exactly when it has a handler, with exactly
// the versions it serves (protocol-matrix §1.4: "do not advertise any API or version you do not
// implement").
//
// Left out on purpose, until their issues land: the consumer-group APIs (8, 9, 11–16, 42) and
// InitProducerId (22). Advertising InitProducerId would tell librdkafka and Java that idempotent
// produce works (their gates, §1.6-B), and it does not until the broker checks sequence numbers.
import { ApiRegistry } from '../api-registry.js';
import { alterConfigsHandler } from './alter-configs.js';
import { apiVersionsHandler } from './api-versions.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { toDispatch, type Dispatch } from './handler.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { produceHandler } from './produce.js';

export const KAFKA_HANDLERS: readonly Dispatch[] = [
  toDispatch(produceHandler),
  toDispatch(fetchHandler),
  toDispatch(listOffsetsHandler),
  toDispatch(metadataHandler),
  toDispatch(findCoordinatorHandler),
  toDispatch(apiVersionsHandler),
  toDispatch(createTopicsHandler),
  toDispatch(deleteTopicsHandler),
  toDispatch(describeConfigsHandler),
  toDispatch(alterConfigsHandler),
  toDispatch(createPartitionsHandler),
  toDispatch(incrementalAlterConfigsHandler),
  toDispatch(describeClusterHandler),
];

/** The registry that ApiVersions advertises, and the handler of each API key. */
export interface HandlerTable {
  readonly registry: ApiRegistry;
  lookup(apiKey: number): Dispatch | undefined;
}

export function createHandlerTable(handlers: readonly Dispatch[] = KAFKA_HANDLERS): HandlerTable {
  const registry = new ApiRegistry();
  const byKey = new Map<number, Dispatch>();
  for (const h of handlers) {
    registry.register(h.declaration);
    byKey.set(h.declaration.apiKey, h);
  }
  return { registry, lookup: (apiKey) => byKey.get(apiKey) };
}
