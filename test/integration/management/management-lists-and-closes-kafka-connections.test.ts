// Kafka clients are client connections too: a kafkajs admin shows up in /api/connections with
// protocol "Kafka" and its clientId as client_properties.client_id, and DELETE closes its socket (kafkajs has to reconnect, from a new port).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { spawnMgmtBroker } from './mgmt-test-broker.js';

interface Conn {
  name: string;
  protocol: string;
  peer_host: string;
  port: number;
  channels: number;
  user: string;
  client_properties: Record<string, unknown>;
}

test('a kafkajs connection is listed and closed through /api/connections', { timeout: 30_000 }, async (t) => {
  const b = await spawnMgmtBroker(t);
  const admin = kafkajsClient(b.kafkaBootstrap).admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.listTopics();
  const kafkaPort = Number(b.kafkaBootstrap.split(':')[1]);
  const conns = await waitFor(async () => {
    const list = (await b.api('GET', '/api/connections')).body as Conn[];
    return list.some((c) => c.protocol === 'Kafka') ? list : undefined;
  }, 5000, 'the kafkajs connection to be listed');
  const kafka = conns.filter((c) => c.protocol === 'Kafka');
  assert.ok(kafka.every((c) => c.peer_host === '127.0.0.1' && c.port === kafkaPort && c.channels === 0), JSON.stringify(kafka));
  // Kafka has no users until SASL; the client names itself with the client.id of its requests.
  assert.ok(kafka.every((c) => c.user === '' && c.client_properties.client_id === 'wharf-it'), JSON.stringify(kafka));
  for (const c of kafka) {
    const res = await b.api('DELETE', `/api/connections/${encodeURIComponent(c.name)}`);
    assert.equal(res.status, 204);
  }
  await waitFor(async () => ((await b.api('GET', '/api/connections')).body as Conn[]).every((c) => c.protocol !== 'Kafka'), 5000, 'the Kafka connections to close');
  // kafkajs notices the closed socket and reconnects: a new connection, not one of the closed ones.
  await admin.listTopics();
  const again = ((await b.api('GET', '/api/connections')).body as Conn[]).filter((c) => c.protocol === 'Kafka');
  assert.ok(again.length > 0 && again.every((c) => !kafka.some((old) => old.name === c.name)), JSON.stringify(again));
});
