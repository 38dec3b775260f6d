// Durability through the protocol (ARCHITECTURE "Durability contract"): a real client produces
// with acks=all while the broker is killed with SIGKILL and restarted on the same port several
// times. Every message the client saw acknowledged must be read back afterwards, at the offset it
// was acknowledged with and byte for byte. The producer is not idempotent (idempotent retries are
// tested in idempotent-*.test.ts), so a retried message may also appear a second time; that is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataDir } from '../../helpers/broker-process.js';
import { freePort, startKafkaBroker, type KafkaBroker } from '../../helpers/kafka-broker.js';
import { KAFKA_CLIENT_SCRIPTS, PYTHON, kcat, run } from '../../helpers/kafka-clients.js';
import { waitFor } from '../../helpers/wait-for.js';
import { join } from 'node:path';

const MESSAGES = 4000;
const KILLS = 3;

interface Ack { value?: string; partition?: number; offset?: number; failed?: string }

test('every message acknowledged with acks=all survives repeated kill -9 of the broker', { timeout: 120_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  const port = await freePort();
  const args = ['--kafka-port', String(port), '--default-partitions', '2'];
  let broker: KafkaBroker = await startKafkaBroker(t, args, { dataDir });
  const bootstrap = `127.0.0.1:${port}`;

  const acks: Ack[] = [];
  let pending = '';
  const producer = run(PYTHON, [join(KAFKA_CLIENT_SCRIPTS, 'confluent_kafka_client.py'), bootstrap, 'produce-forever', 'crash', String(MESSAGES)], {
    timeoutMs: 110_000,
    onStdout: (chunk) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        acks.push(JSON.parse(pending.slice(0, nl)) as Ack);
        pending = pending.slice(nl + 1);
      }
    },
  });

  for (let kill = 1; kill <= KILLS; kill++) {
    const target = Math.floor((MESSAGES * kill) / (KILLS + 1));
    await waitFor(() => acks.length >= target, 60_000, `${target} acknowledgements before kill ${kill}`);
    broker.process.proc.kill('SIGKILL');
    assert.equal(await broker.process.exited, 'SIGKILL');
    broker = await startKafkaBroker(t, args, { dataDir });
  }
  const result = await producer;
  assert.equal(result.code, 0, `producer finished: ${result.stderr.slice(-2000)}`);

  const delivered = acks.filter((a) => a.failed === undefined);
  const failed = acks.filter((a) => a.failed !== undefined);
  assert.equal(failed.length, 0, `no delivery failed: ${JSON.stringify(failed.slice(0, 3))}`);
  assert.equal(new Set(delivered.map((a) => a.value)).size, MESSAGES, 'every message was acknowledged');

  const out = await kcat(['-b', bootstrap, '-C', '-t', 'crash', '-o', 'beginning', '-e', '-q', '-f', '%p|%o|%s\\n'], undefined, 60_000);
  const stored = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (line.length === 0) continue;
    const [p, o, value] = line.split('|');
    stored.set(`${p}/${o}`, value ?? '');
  }
  for (const a of delivered) {
    const value = stored.get(`${a.partition}/${a.offset}`);
    assert.equal(value, a.value, `acknowledged ${a.value} at ${a.partition}/${a.offset}`);
  }
  // Nothing stored is damaged: each value is one a producer sent (msg-NNNNNN- plus its padding).
  for (const value of stored.values()) {
    const m = /^msg-(\d{6})-(z*)$/.exec(value);
    assert.ok(m !== null, `stored value ${value.slice(0, 40)} is well formed`);
    assert.equal(m[2]?.length, Number(m[1]) % 97);
  }
  t.diagnostic(`${delivered.length} acknowledged, ${stored.size} stored (duplicates come from retries of unanswered requests)`);
  const recoveries = broker.process.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('took over the lock'));
  assert.equal(recoveries.length, 1, 'the last start recovered after a kill');
});
