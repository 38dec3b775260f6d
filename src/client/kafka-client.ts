// The client the command-line tools use: one connection to one broker, with the API versions
// negotiated once. Wharf is a single node, so every request goes to the bootstrap address; the
// broker list in Metadata is not followed (a multi-node cluster would need a connection per
// partition leader).
import type { ApiSchema } from '../protocols/kafka/schema/api-schema.js';
import type { Decoded, Encodable, StructFields } from '../protocols/kafka/schema/fields.js';
import type { BrokerAddress } from './broker-address.js';
import { connectKafka, type ConnectionOptions, type KafkaConnection } from './connection.js';
import { commonVersion, fetchServerVersions, pickVersion, type ClientApi, type ServerVersions } from './version-negotiation.js';

export interface KafkaClientOptions extends ConnectionOptions {
  readonly connectTimeoutMs?: number;
}

export class KafkaClient {
  private constructor(
    readonly connection: KafkaConnection,
    /** What the broker advertised in ApiVersions. */
    readonly serverVersions: ServerVersions,
  ) {}

  /** Connects to `address` and negotiates API versions. */
  static async connect(address: BrokerAddress, options: KafkaClientOptions = {}): Promise<KafkaClient> {
    const connection = await connectKafka(address, options);
    return KafkaClient.over(connection);
  }

  /** A client over an open connection (tests use in-memory ones). */
  static async over(connection: KafkaConnection): Promise<KafkaClient> {
    try {
      return new KafkaClient(connection, await fetchServerVersions(connection));
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  get peer(): string {
    return this.connection.peer;
  }

  /** The version used for `api`; throws WHARF_ERR_CLIENT_UNSUPPORTED_API when there is none. */
  version(api: ClientApi): number {
    return pickVersion(api, this.serverVersions, this.peer);
  }

  /** Whether the broker serves `api` at a version this client speaks. */
  supports(api: ClientApi): boolean {
    return commonVersion(api, this.serverVersions) !== null;
  }

  request<Req extends StructFields, Res extends StructFields>(
    api: ClientApi<ApiSchema<Req, Res>>, body: Encodable<Req>, options: { version?: number; timeoutMs?: number } = {},
  ): Promise<Decoded<Res>> {
    return this.connection.request(api.schema, options.version ?? this.version(api), body, options.timeoutMs);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
