// The APIs a listener serves, each declared once with the versions it serves and its schema
// (handlers will add `handle`). ApiVersions answers are generated from this registry, never
// written by hand, so what we advertise is exactly what we decode (protocol-matrix §1.4: "do not
// advertise any API or version you do not implement").
import assert from 'node:assert/strict';
import { KafkaErrorCode } from './error-codes.js';
import { encodeResponse } from './messages.js';
import { API_VERSIONS_KEY } from './request-header.js';
import type { ApiSchema } from './schema/api-schema.js';
import { apiVersionsSchema } from './schema/api-versions.js';

export interface ApiDeclaration<A extends ApiSchema = ApiSchema> {
  readonly apiKey: number;
  readonly name: string;
  /** Lowest version served and advertised. */
  readonly versionMin: number;
  /** Highest version served and advertised. */
  readonly versionMax: number;
  readonly schema: A;
}

export function declareApi<A extends ApiSchema>(schema: A, versionMin: number, versionMax: number): ApiDeclaration<A> {
  return { apiKey: schema.apiKey, name: schema.name, versionMin, versionMax, schema };
}

export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export class ApiRegistry {
  private readonly byKey = new Map<number, ApiDeclaration>();

  /** Registration errors are programming errors (a range the schema cannot decode), so they assert. */
  register(decl: ApiDeclaration): this {
    const { schema } = decl;
    assert.equal(decl.apiKey, schema.apiKey, `${decl.name}: api key differs from its schema`);
    assert.ok(decl.versionMin <= decl.versionMax, `${decl.name}: empty version range`);
    assert.ok(schema.supports(decl.versionMin) && schema.supports(decl.versionMax),
      `${decl.name}: versions ${decl.versionMin}-${decl.versionMax} exceed schema ${schema.versionMin}-${schema.versionMax}`);
    assert.ok(!this.byKey.has(decl.apiKey), `${decl.name}: api key ${decl.apiKey} registered twice`);
    this.byKey.set(decl.apiKey, decl);
    return this;
  }

  lookup(apiKey: number): ApiDeclaration | undefined {
    return this.byKey.get(apiKey);
  }

  supports(apiKey: number, apiVersion: number): boolean {
    const decl = this.byKey.get(apiKey);
    return decl !== undefined && apiVersion >= decl.versionMin && apiVersion <= decl.versionMax;
  }

  /** Declarations ordered by api key. */
  list(): ApiDeclaration[] {
    return [...this.byKey.values()].sort((a, b) => a.apiKey - b.apiKey);
  }
}

/** The `api_keys` of an ApiVersions response, generated from the registry. */
export function apiVersionsFromRegistry(registry: ApiRegistry): ApiVersionRange[] {
  return registry.list().map((d) => ({ apiKey: d.apiKey, minVersion: d.versionMin, maxVersion: d.versionMax }));
}

/**
 * The answer to an ApiVersions request at a version we do not serve (protocol-matrix §1.6-C,
 * KIP-511): error 35 in the v0 body layout, which every client can parse, listing our ApiVersions
 * range so the client retries at our max. The connection stays open (closing makes librdkafka
 * loop, §1.7 G2).
 */
export function encodeApiVersionsUnsupported(registry: ApiRegistry, correlationId: number): Buffer[] {
  const own = registry.lookup(API_VERSIONS_KEY);
  assert.ok(own !== undefined, 'the registry must declare ApiVersions');
  return encodeResponse(apiVersionsSchema, 0, correlationId, {
    errorCode: KafkaErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: own.versionMin, maxVersion: own.versionMax }],
  });
}
