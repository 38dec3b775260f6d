// Which version of each API the client speaks, chosen once per connection from the broker's
// ApiVersions answer: the highest version both sides know (kafkajs keeps this in one function
// too). The client ranges below are what the schemas can encode and decode and what the tools
// need: Produce 3+ and Fetch 4+ carry RecordBatch v2 only, ListOffsets 1+ answers one offset
// per partition, CreateTopics 2+ and the rest are the versions Tier 1 brokers serve. The group
// APIs start where a null topic list (OffsetFetch 2) and a member id on commits (OffsetCommit 2)
// exist; `wharf consume --group` sends JoinGroup, SyncGroup, Heartbeat and LeaveGroup.
import { packageVersion } from '../util/package-version.js';
import { KafkaCodecError } from '../protocols/kafka/codec/codec-error.js';
import { decodeResponse } from '../protocols/kafka/messages.js';
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import type { ApiSchema, ResponseData } from '../protocols/kafka/schema/api-schema.js';
import {
  alterConfigsSchema, apiVersionsSchema, createPartitionsSchema, createTopicsSchema, deleteGroupsSchema, deleteTopicsSchema, describeConfigsSchema,
  describeGroupsSchema, fetchSchema, findCoordinatorSchema, heartbeatSchema, incrementalAlterConfigsSchema, joinGroupSchema, leaveGroupSchema,
  listGroupsSchema, listOffsetsSchema, metadataSchema, offsetCommitSchema, offsetFetchSchema, produceSchema, syncGroupSchema,
} from '../protocols/kafka/schema/index.js';
import { checkErrorCode, ClientError, ClientErrorCode } from './client-errors.js';
import type { KafkaConnection } from './connection.js';

export interface ClientApi<A extends ApiSchema = ApiSchema> {
  readonly schema: A;
  readonly versionMin: number;
  readonly versionMax: number;
}

function clientApi<A extends ApiSchema>(schema: A, versionMin: number, versionMax: number): ClientApi<A> {
  return { schema, versionMin, versionMax };
}

export const CLIENT_APIS = {
  produce: clientApi(produceSchema, 3, 9),
  fetch: clientApi(fetchSchema, 4, 12),
  listOffsets: clientApi(listOffsetsSchema, 1, 6),
  metadata: clientApi(metadataSchema, 1, 9),
  apiVersions: clientApi(apiVersionsSchema, 0, 3),
  createTopics: clientApi(createTopicsSchema, 2, 5),
  deleteTopics: clientApi(deleteTopicsSchema, 1, 4),
  describeConfigs: clientApi(describeConfigsSchema, 1, 4),
  alterConfigs: clientApi(alterConfigsSchema, 0, 2),
  createPartitions: clientApi(createPartitionsSchema, 0, 2),
  incrementalAlterConfigs: clientApi(incrementalAlterConfigsSchema, 0, 1),
  findCoordinator: clientApi(findCoordinatorSchema, 0, 3),
  listGroups: clientApi(listGroupsSchema, 0, 3),
  describeGroups: clientApi(describeGroupsSchema, 0, 5),
  deleteGroups: clientApi(deleteGroupsSchema, 0, 2),
  offsetFetch: clientApi(offsetFetchSchema, 2, 7),
  offsetCommit: clientApi(offsetCommitSchema, 2, 8),
  joinGroup: clientApi(joinGroupSchema, 0, 6),
  syncGroup: clientApi(syncGroupSchema, 0, 4),
  heartbeat: clientApi(heartbeatSchema, 0, 4),
  leaveGroup: clientApi(leaveGroupSchema, 0, 4),
} as const;

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** What the broker advertised, by api key. */
export type ServerVersions = ReadonlyMap<number, VersionRange>;

/** The highest version both sides speak, or null when the ranges do not meet (or the broker lacks the API). */
export function commonVersion(api: ClientApi, server: ServerVersions): number | null {
  const range = server.get(api.schema.apiKey);
  if (range === undefined) return null;
  const max = Math.min(range.max, api.versionMax);
  return max >= Math.max(range.min, api.versionMin) ? max : null;
}

/** commonVersion, or a WHARF_ERR_CLIENT_UNSUPPORTED_API naming both ranges. */
export function pickVersion(api: ClientApi, server: ServerVersions, peer: string): number {
  const version = commonVersion(api, server);
  if (version !== null) return version;
  const range = server.get(api.schema.apiKey);
  const offered = range === undefined ? 'does not offer it' : `offers versions ${range.min}-${range.max}`;
  throw new ClientError(ClientErrorCode.UNSUPPORTED_API,
    `${peer} cannot serve ${api.schema.name}: this tool speaks versions ${api.versionMin}-${api.versionMax} and the broker ${offered}; use a Wharf (or Kafka) broker that serves it`);
}

/**
 * Asks the broker what it serves. Leads with ApiVersions v3 (KIP-511: the broker learns the
 * client's name); a broker that does not know v3 answers error 35 in the v0 body layout with its
 * own range for ApiVersions (§1.6-C), and the request is repeated at the highest version it names.
 */
export async function fetchServerVersions(conn: KafkaConnection): Promise<ServerVersions> {
  const { schema, versionMax } = CLIENT_APIS.apiVersions;
  const request = { clientSoftwareName: 'wharf-cli', clientSoftwareVersion: packageVersion() };
  let version: number = versionMax;
  for (let attempt = 0; attempt < 2; attempt++) {
    const frame = await conn.requestFrame(schema, version, request);
    // The ApiVersions response header is always v0 (4 bytes), so the error code comes next.
    const errorCode = frame.length >= 6 ? frame.readInt16BE(4) : 0;
    const body = decodeApiVersions(conn, errorCode === KafkaErrorCode.UNSUPPORTED_VERSION ? 0 : version, frame);
    if (errorCode === KafkaErrorCode.UNSUPPORTED_VERSION && attempt === 0) {
      const own = body.apiKeys.find((k) => k.apiKey === schema.apiKey);
      const next = own === undefined ? 0 : Math.min(own.maxVersion, versionMax);
      if (next < version) {
        version = next;
        continue;
      }
    }
    checkErrorCode(body.errorCode, `asking ${conn.peer} for its API versions`);
    return new Map(body.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  }
  throw new ClientError(ClientErrorCode.UNSUPPORTED_API, `${conn.peer} refused every ApiVersions version this tool speaks (0-${versionMax})`);
}

function decodeApiVersions(conn: KafkaConnection, version: number, frame: Buffer): ResponseData<typeof apiVersionsSchema> {
  try {
    return decodeResponse(apiVersionsSchema, version, frame).body;
  } catch (err) {
    if (!(err instanceof KafkaCodecError)) throw err;
    throw new ClientError(ClientErrorCode.PROTOCOL, `the ApiVersions answer of ${conn.peer} does not parse (${err.message}); is it a Kafka broker?`, { cause: err });
  }
}
