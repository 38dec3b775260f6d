// kcat's balanced consumer (-G, librdkafka) reads a topic as a group member and commits what it
// read; those commits are records of the broker's offsets log, fsynced before they are
// acknowledged, so they survive a `kill -9` of the broker: after a restart the group resumes
// exactly after them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataDir } from '../../helpers/broker-process.js';
import { freePort, startKafkaBroker } from '../../helpers/kafka-broker.js';
import { kcat } from '../../helpers/kafka-clients.js';
import { createAndFill, produce } from '../../helpers/group-members.js';
import { committedOffsets, describeGroup, PARTITIONS } from '../../helpers/group-scenarios.js';

/** Reads the group's share until the end of every partition, then commits and leaves (kcat -G … -e). */
async function kcatGroupRead(bootstrap: string, group: string, topic: string): Promise<string[]> {
  const out = await kcat(['-b', bootstrap, '-G', group, topic, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%p|%o|%s\\n'], undefined, 30_000);
  return out.split('\n').filter((l) => l !== '');
}

test('kcat -G reads as a group member, and its committed offsets survive kill -9 of the broker', { timeout: 90_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  const port = await freePort();
  const args = ['--kafka-port', String(port)];
  const broker = await startKafkaBroker(t, args, { dataDir });
  const bootstrap = broker.bootstrap;
  const values = await createAndFill(bootstrap, 'kcat-group', PARTITIONS, 40);

  const first = await kcatGroupRead(bootstrap, 'g-kcat', 'kcat-group');
  assert.deepEqual(first.map((l) => l.split('|')[2]).sort(), [...values].sort(), 'kcat read every record once');
  const committed = await committedOffsets(bootstrap, 'g-kcat');
  assert.deepEqual([...committed].sort(), [['kcat-group/0', 10], ['kcat-group/1', 10], ['kcat-group/2', 10], ['kcat-group/3', 10]]);
  assert.equal((await describeGroup(bootstrap, 'g-kcat')).state, 'Empty', 'kcat left the group');

  broker.process.proc.kill('SIGKILL');
  assert.equal(await broker.process.exited, 'SIGKILL');
  const restarted = await startKafkaBroker(t, args, { dataDir });
  assert.equal(restarted.bootstrap, bootstrap, 'same address');
  assert.deepEqual(await committedOffsets(bootstrap, 'g-kcat'), committed, 'the committed offsets came back after kill -9');
  assert.deepEqual(await kcatGroupRead(bootstrap, 'g-kcat', 'kcat-group'), [], 'nothing is read again');
  const more = await produce(bootstrap, 'kcat-group', PARTITIONS, 8, 'after-restart');
  const second = await kcatGroupRead(bootstrap, 'g-kcat', 'kcat-group');
  assert.deepEqual(second.map((l) => l.split('|')[2]).sort(), [...more].sort(), 'only the new records are read');
});
