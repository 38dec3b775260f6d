// DescribeCluster (key 60), version 0 (flexible from v0, KIP-700). Java's Admin.describeCluster
// tries it before Metadata. One broker, which is also the controller (G4).
import { KafkaErrorCode } from '../error-codes.js';
import { describeClusterSchema } from '../schema/describe-cluster.js';
import { defineHandler } from './handler.js';

export const describeClusterHandler = defineHandler({
  schema: describeClusterSchema,
  versionMin: 0,
  versionMax: 0,
  async handle(ctx) {
    const { self, clusterId } = ctx.services;
    return {
      throttleTimeMs: 0,
      errorCode: KafkaErrorCode.NONE,
      errorMessage: null,
      clusterId,
      controllerId: self.nodeId,
      brokers: [{ brokerId: self.nodeId, host: self.host, port: self.port, rack: null }],
    };
  },
});
