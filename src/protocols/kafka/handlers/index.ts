// Every Kafka API Wharf serves, one handler each. The registry (and so every ApiVersions answer)
// is built from this list, so an API is advertised exactly when it has a handler, with exactly
// the versions it serves (protocol-matrix §1.4: "do not advertise any API or version you do not
// implement").
//
// The consumer-group APIs serve the versions real clients send (protocol-matrix §1.2), raised past
// Tier 1 where §1.5 says a feature needs it: JoinGroup 5 (MEMBER_ID_REQUIRED at v4, static
// membership at v5), Sync/Heartbeat/Leave 3 and OffsetCommit 7 (group_instance_id).
//
// InitProducerId (22) is served at 0–1 for idempotent producers (§1.4): v0 in range opens
// librdkafka's IdempotentProducer gate (§1.6-B), and Produce checks sequence numbers (KIP-98).
import { ApiRegistry } from '../api-registry.js';
import { alterConfigsHandler } from './alter-configs.js';
import { apiVersionsHandler } from './api-versions.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeGroupsHandler } from './describe-groups.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { toDispatch, type Dispatch } from './handler.js';
import { heartbeatHandler } from './heartbeat.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { joinGroupHandler } from './join-group.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { produceHandler } from './produce.js';
import { syncGroupHandler } from './sync-group.js';

export const KAFKA_HANDLERS: readonly Dispatch[] = [
  toDispatch(produceHandler),
  toDispatch(fetchHandler),
  toDispatch(listOffsetsHandler),
  toDispatch(metadataHandler),
  toDispatch(offsetCommitHandler),
  toDispatch(offsetFetchHandler),
  toDispatch(findCoordinatorHandler),
  toDispatch(joinGroupHandler),
  toDispatch(heartbeatHandler),
  toDispatch(leaveGroupHandler),
  toDispatch(syncGroupHandler),
  toDispatch(describeGroupsHandler),
  toDispatch(listGroupsHandler),
  toDispatch(apiVersionsHandler),
  toDispatch(createTopicsHandler),
  toDispatch(deleteTopicsHandler),
  toDispatch(initProducerIdHandler),
  toDispatch(describeConfigsHandler),
  toDispatch(alterConfigsHandler),
  toDispatch(createPartitionsHandler),
  toDispatch(deleteGroupsHandler),
  toDispatch(incrementalAlterConfigsHandler),
  toDispatch(offsetDeleteHandler),
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
