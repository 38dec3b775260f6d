// FindCoordinator (key 10), versions 0–1. A single node coordinates every group (broker.groups)
// and would coordinate every transaction, so the answer is always this node, whatever the key
// type. v0 in range opens librdkafka's LZ4 and group-coordinator gates (protocol-matrix §1.6-B),
// and kafka-python sends v0.
import { KafkaErrorCode } from '../error-codes.js';
import { findCoordinatorSchema } from '../schema/find-coordinator.js';
import { defineHandler } from './handler.js';

export const findCoordinatorHandler = defineHandler({
  schema: findCoordinatorSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx) {
    const { self } = ctx.services;
    return { throttleTimeMs: 0, errorCode: KafkaErrorCode.NONE, errorMessage: null, nodeId: self.nodeId, host: self.host, port: self.port };
  },
});
