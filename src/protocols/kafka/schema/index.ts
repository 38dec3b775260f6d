// Every API schema Wharf declares, by name. Schemas cover more versions than Tier 1 advertises
// (up to each API's first flexible version, protocol-matrix §1.5) so raising an advertised max is
// a one-line change in tier1-apis.ts, not a codec change.
import type { ApiSchema } from './api-schema.js';
import { addOffsetsToTxnSchema, addPartitionsToTxnSchema, endTxnSchema, txnOffsetCommitSchema } from './transactions.js';
import { alterConfigsSchema } from './alter-configs.js';
import { apiVersionsSchema } from './api-versions.js';
import { createPartitionsSchema } from './create-partitions.js';
import { createTopicsSchema } from './create-topics.js';
import { deleteGroupsSchema } from './delete-groups.js';
import { deleteTopicsSchema } from './delete-topics.js';
import { describeClusterSchema } from './describe-cluster.js';
import { describeConfigsSchema } from './describe-configs.js';
import { describeGroupsSchema } from './describe-groups.js';
import { fetchSchema } from './fetch.js';
import { findCoordinatorSchema } from './find-coordinator.js';
import { heartbeatSchema } from './heartbeat.js';
import { incrementalAlterConfigsSchema } from './incremental-alter-configs.js';
import { initProducerIdSchema } from './init-producer-id.js';
import { joinGroupSchema } from './join-group.js';
import { leaveGroupSchema } from './leave-group.js';
import { listGroupsSchema } from './list-groups.js';
import { listOffsetsSchema } from './list-offsets.js';
import { metadataSchema } from './metadata.js';
import { offsetCommitSchema } from './offset-commit.js';
import { offsetDeleteSchema } from './offset-delete.js';
import { offsetFetchSchema } from './offset-fetch.js';
import { produceSchema } from './produce.js';
import { saslAuthenticateSchema, saslHandshakeSchema } from './sasl.js';
import { syncGroupSchema } from './sync-group.js';

export {
  addOffsetsToTxnSchema, addPartitionsToTxnSchema, alterConfigsSchema, apiVersionsSchema, createPartitionsSchema, createTopicsSchema, deleteGroupsSchema,
  deleteTopicsSchema, describeClusterSchema, describeConfigsSchema, describeGroupsSchema, endTxnSchema, fetchSchema, findCoordinatorSchema, heartbeatSchema,
  incrementalAlterConfigsSchema, initProducerIdSchema, joinGroupSchema, leaveGroupSchema, listGroupsSchema, listOffsetsSchema, metadataSchema, offsetCommitSchema,
  offsetDeleteSchema, offsetFetchSchema, produceSchema, saslAuthenticateSchema, saslHandshakeSchema, syncGroupSchema, txnOffsetCommitSchema,
};

/** All declared schemas, ordered by api key. */
export const API_SCHEMAS: readonly ApiSchema[] = [
  produceSchema, fetchSchema, listOffsetsSchema, metadataSchema, offsetCommitSchema, offsetFetchSchema, findCoordinatorSchema, joinGroupSchema, heartbeatSchema,
  leaveGroupSchema, syncGroupSchema, describeGroupsSchema, listGroupsSchema, saslHandshakeSchema, apiVersionsSchema, createTopicsSchema, deleteTopicsSchema,
  initProducerIdSchema, addPartitionsToTxnSchema, addOffsetsToTxnSchema, endTxnSchema, txnOffsetCommitSchema, describeConfigsSchema, alterConfigsSchema,
  saslAuthenticateSchema, createPartitionsSchema, deleteGroupsSchema, incrementalAlterConfigsSchema, offsetDeleteSchema, describeClusterSchema,
];
