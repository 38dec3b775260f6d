// Version choice: the highest version both sides speak, the ApiVersions fallback of KIP-511 when
// a broker does not know v3, and a clear error when there is no common version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientError, ClientErrorCode } from '../../../src/client/client-errors.js';
import { CLIENT_APIS, commonVersion, pickVersion } from '../../../src/client/version-negotiation.js';
import { metadataSchema } from '../../../src/protocols/kafka/schema/index.js';
import { FakeBroker } from './helpers/fake-broker.js';

test('the highest version both sides speak is chosen, or none when the ranges do not meet', () => {
  const server = new Map([[0, { min: 0, max: 7 }], [1, { min: 4, max: 11 }], [3, { min: 0, max: 0 }]]);
  assert.equal(commonVersion(CLIENT_APIS.produce, server), 7);
  assert.equal(commonVersion(CLIENT_APIS.fetch, server), 11);
  assert.equal(commonVersion(CLIENT_APIS.metadata, server), null, 'Metadata v0 only: this client needs v1+');
  assert.equal(commonVersion(CLIENT_APIS.createTopics, server), null, 'not offered at all');
  assert.throws(() => pickVersion(CLIENT_APIS.metadata, server, 'b:1'), (err: unknown) =>
    err instanceof ClientError && err.code === ClientErrorCode.UNSUPPORTED_API && /speaks versions 1-9 and the broker offers versions 0-0/.test(err.message));
  assert.throws(() => pickVersion(CLIENT_APIS.createTopics, server, 'b:1'), /does not offer it/);
});

test('the client learns the broker\'s versions with ApiVersions v3 and names itself (KIP-511)', async () => {
  const broker = new FakeBroker().serve(metadataSchema, 0, 4, () => ({ brokers: [], topics: [] }));
  const client = await broker.client();
  assert.equal(broker.received[0]?.header.apiVersion, 3);
  assert.equal(broker.received[0]?.body.clientSoftwareName, 'wharf-cli');
  assert.equal(client.version(CLIENT_APIS.metadata), 4);
  assert.ok(client.supports(CLIENT_APIS.metadata));
  assert.ok(!client.supports(CLIENT_APIS.produce));
  await client.close();
});

test('a broker without ApiVersions v3 answers error 35 and the client retries at the version it names', async () => {
  const broker = new FakeBroker({ apiVersionsMax: 2 });
  const client = await broker.client();
  assert.deepEqual(broker.received.map((r) => r.header.apiVersion), [2], 'only the retry is decoded by the broker');
  assert.equal(client.serverVersions.get(18)?.max, 2);
  await client.close();
});
