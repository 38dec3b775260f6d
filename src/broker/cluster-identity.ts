// The cluster id Kafka clients are shown (Metadata v2+, DescribeCluster). It is created once per
// data directory and kept in the metadata store, so it survives restarts: librdkafka logs a
// warning when a cluster's id changes (protocol-matrix §1.7 G4), and operators use it to tell
// clusters apart.
import { randomBytes } from 'node:crypto';
import type { MetadataStore } from '../cluster/metadata-store.js';
import type { Broker } from './broker.js';

const CLUSTER_DOCUMENT = 'cluster';

interface ClusterDocument {
  version: 1;
  clusterId: string;
  createdMs: number;
}

function isClusterDocument(doc: unknown): doc is ClusterDocument {
  if (doc === null || typeof doc !== 'object') return false;
  const id = (doc as { clusterId?: unknown }).clusterId;
  return typeof id === 'string' && id.length > 0;
}

/** Reads the stored cluster id, creating and storing one (22 characters, like Kafka's) the first time. */
export async function loadClusterId(store: MetadataStore): Promise<string> {
  const doc = await store.read(CLUSTER_DOCUMENT);
  if (isClusterDocument(doc)) return doc.clusterId;
  // Kafka prints a random UUID as unpadded base64url (22 characters); do the same.
  const created: ClusterDocument = { version: 1, clusterId: randomBytes(16).toString('base64url'), createdMs: Date.now() };
  await store.write(CLUSTER_DOCUMENT, created);
  return created.clusterId;
}

/** The cluster id of a broker's data directory. */
export function brokerClusterId(broker: Broker): Promise<string> {
  return loadClusterId(broker.metadata);
}
