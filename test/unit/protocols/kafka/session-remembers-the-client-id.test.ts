// The management API lists a Kafka connection with the client.id of its latest request (clients
// send it in every request header, and may change it on a reused connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIdProperties } from '../../../../src/broker/connection-registry.js';
import { encodeRequest } from '../../../../src/protocols/kafka/messages.js';
import { apiVersionsSchema } from '../../../../src/protocols/kafka/schema/index.js';
import { sessionHarness } from './helpers/session-harness.js';

test('a session knows the client.id of the latest request it served', async (t) => {
  const h = await sessionHarness(t);
  const client = h.connect();
  assert.equal(client.session.clientId, '');
  client.send(apiVersionsSchema, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
  await client.response(apiVersionsSchema, 3);
  assert.equal(client.session.clientId, 'session-test');
  client.sendRaw(Buffer.concat(encodeRequest(apiVersionsSchema, 3, 99, 'renamed-app', { clientSoftwareName: 'x', clientSoftwareVersion: '1' })));
  await client.response(apiVersionsSchema, 3);
  assert.equal(client.session.clientId, 'renamed-app');
});

test('a client id becomes client_properties.client_id; none gives no properties', () => {
  const props = clientIdProperties('billing-service');
  const value = props.get('client_id');
  assert.equal(value?.tag, 'S');
  assert.equal(Buffer.isBuffer(value?.value) ? value.value.toString('utf8') : undefined, 'billing-service');
  assert.equal(clientIdProperties('').size, 0);
});
