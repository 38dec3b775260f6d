// `wharf topics`, `wharf produce` and `wharf consume` against a real `wharf serve` process, and
// cross-checked with kcat (librdkafka): what one writes, the other reads back exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { Partitioner } from '../../../src/client/partitioner.js';
import { WHARF_BIN } from '../../helpers/broker-process.js';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { kcat, run, type RunResult } from '../../helpers/kafka-clients.js';
import { waitFor } from '../../helpers/wait-for.js';

const HAS_KCAT = spawnSync('kcat', ['-V']).status === 0;

function wharf(args: readonly string[], input?: string): Promise<RunResult> {
  return run(process.execPath, [WHARF_BIN, ...args], { input, timeoutMs: 60_000 });
}

/** Runs wharf and fails with its stderr unless it exits 0. */
async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await wharf(args, input);
  assert.equal(r.code, 0, `wharf ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

const parseJsonLines = (out: string): JsonRecord[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as JsonRecord);

interface Described {
  name: string;
  partitions: { partition: number; leader: number; logStartOffset: number; logEndOffset: number }[];
  configs: { name: string; value: string | null; source: string; isDefault: boolean }[];
}

test('topics create, list, describe, alter, add-partitions and delete', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '2']);
  const b = ['--bootstrap', broker.bootstrap];
  assert.match(await ok(['topics', 'create', 'orders', '--partitions', '3', '--config', 'retention.ms=86400000', ...b]), /created topic orders with 3 partitions/);
  assert.match(await ok(['topics', 'create', 'audit', ...b]), /created topic audit with 2 partitions/, 'the broker\'s default partition count');
  assert.equal(await ok(['topics', 'list', ...b]), 'audit\norders\n');

  const again = await wharf(['topics', 'create', 'orders', ...b]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /TOPIC_ALREADY_EXISTS.*--if-not-exists.*\[WHARF_ERR_CLIENT_BROKER_ERROR\]/);
  assert.match(await ok(['topics', 'create', 'orders', '--if-not-exists', ...b]), /exists already/);

  const described = JSON.parse(await ok(['topics', 'describe', 'orders', '--format', 'json', ...b])) as Described;
  assert.deepEqual(described.partitions.map((p) => [p.partition, p.logStartOffset, p.logEndOffset]), [[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
  const cfg = (d: Described, name: string) => d.configs.find((c) => c.name === name);
  assert.deepEqual(cfg(described, 'retention.ms'), { name: 'retention.ms', value: '86400000', source: 'topic', isDefault: false });
  assert.equal(cfg(described, 'segment.bytes')?.isDefault, true);
  const text = await ok(['topics', 'describe', 'orders', ...b]);
  assert.match(text, /topic orders: 3 partitions/);
  assert.match(text, /partition +leader +log-start +log-end\n0 +\d+ +0 +0\n/);
  assert.match(text, /retention\.ms +86400000 +set on topic/);
  assert.match(text, /segment\.bytes +\d+ +default/);

  assert.match(await ok(['topics', 'alter', 'orders', '--config', 'segment.bytes=1048576', '--delete-config', 'retention.ms', ...b]), /updated orders/);
  const altered = JSON.parse(await ok(['topics', 'describe', 'orders', '--format', 'json', ...b])) as Described;
  assert.deepEqual([cfg(altered, 'segment.bytes')?.value, cfg(altered, 'segment.bytes')?.isDefault], ['1048576', false]);
  assert.equal(cfg(altered, 'retention.ms')?.isDefault, true);
  const badConfig = await wharf(['topics', 'alter', 'orders', '--config', 'no.such.config=1', ...b]);
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stderr, /INVALID_CONFIG/);

  assert.match(await ok(['topics', 'add-partitions', 'orders', '--partitions', '5', ...b]), /now has 5 partitions/);
  const fewer = await wharf(['topics', 'add-partitions', 'orders', '--partitions', '2', ...b]);
  assert.match(fewer.stderr, /INVALID_PARTITIONS/);

  assert.match(await ok(['topics', 'delete', 'audit', ...b]), /deleted topic audit/);
  assert.equal(await ok(['topics', 'list', ...b]), 'orders\n');
  const gone = await wharf(['topics', 'describe', 'audit', ...b]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /UNKNOWN_TOPIC_OR_PARTITION; check the name with `wharf topics list`/);
});

test('1,000 keyed lines with headers come back exactly, in order per partition, where Kafka\'s partitioner puts them', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  await ok(['topics', 'create', 'events', '--partitions', '3', ...b]);
  const lines = Array.from({ length: 1000 }, (_x, i) => `user-${i % 37}|event ${i}: ${'ü'.repeat(i % 5)} payload`);
  const produced = await wharf(['produce', 'events', '--key-separator', '|', '--header', 'source=cli', '--header', 'run=1', '--progress', ...b], lines.join('\n') + '\n');
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(produced.stderr, /produced 1000 records, [\d.]+ MB in [\d.]+ s \(\d+ records\/s, [\d.]+ MB\/s\)/);

  const out = await ok(['consume', 'events', '--from', 'beginning', '--count', '1000', '--format', 'json', ...b]);
  const got = parseJsonLines(out);
  assert.equal(got.length, 1000);
  const partitioner = new Partitioner(3);
  const expected = lines.map((l) => {
    const [key = '', value = ''] = l.split(/\|(.*)/s);
    return { key, value, partition: partitioner.partitionFor(Buffer.from(key)) };
  });
  for (const p of [0, 1, 2]) {
    const mine = got.filter((r) => r.partition === p);
    const want = expected.filter((e) => e.partition === p);
    assert.deepEqual(mine.map((r) => r.offset), want.map((_w, i) => i), `partition ${p} offsets`);
    assert.deepEqual(mine.map((r) => [r.key, r.value]), want.map((w) => [w.key, w.value]), `partition ${p} records`);
  }
  assert.ok(got.every((r) => r.topic === 'events' && JSON.stringify(r.headers) === '[{"key":"source","value":"cli"},{"key":"run","value":"1"}]'));

  const textOut = await ok(['consume', 'events', '--from', 'beginning', '--count', '1', '--partition', String(expected[0]?.partition), ...b]);
  assert.match(textOut, /^partition=\d offset=0 timestamp=\d{4}-\d\d-\d\dT[\d:.]+Z key=user-0 headers=\{source=cli, run=1\} value=event 0: {2}payload\n$/);
});

test('consume --from an offset, from a time, and --exit-at-end', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  await ok(['topics', 'create', 'log', '--partitions', '1', ...b]);
  const first = Array.from({ length: 50 }, (_x, i) => `a${i}`);
  await ok(['produce', 'log', ...b], first.join('\n'));
  const firstBack = parseJsonLines(await ok(['consume', 'log', '--from', 'beginning', '--exit-at-end', '--format', 'json', ...b]));
  assert.deepEqual(firstBack.map((r) => r.value), first);

  const fromOffset = await ok(['consume', 'log', '--from', '45', '--format', 'value', '--exit-at-end', ...b]);
  assert.equal(fromOffset, 'a45\na46\na47\na48\na49\n');
  const fromOffsetCount = await ok(['consume', 'log', '--partition', '0', '--from', '10', '--count', '2', '--format', 'value', ...b]);
  assert.equal(fromOffsetCount, 'a10\na11\n');

  // Every record of the second run is stamped after the first run's last record.
  const after = Math.max(...firstBack.map((r) => r.timestamp)) + 1;
  const second = Array.from({ length: 20 }, (_x, i) => `b${i}`);
  await ok(['produce', 'log', ...b], second.join('\n'));
  const fromTime = await ok(['consume', 'log', '--from', new Date(after).toISOString(), '--format', 'value', '--exit-at-end', ...b]);
  assert.equal(fromTime, second.map((s) => `${s}\n`).join(''));
  const future = await ok(['consume', 'log', '--from', '2999-01-01T00:00:00Z', '--format', 'value', '--exit-at-end', ...b]);
  assert.equal(future, '', 'no record at or after that time: start at the end');

  const outside = await wharf(['consume', 'log', '--from', '500', ...b]);
  assert.equal(outside.code, 1);
  assert.match(outside.stderr, /offset 500 is outside log partition 0, which holds offsets 0 to 69/);
  const endExit = await ok(['consume', 'log', '--from', 'end', '--exit-at-end', ...b]);
  assert.equal(endExit, '');
});

test('without --count, consume follows new records until Ctrl-C, then exits 0', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  await ok(['produce', 'live', ...b], 'before\n');
  const child = spawn(process.execPath, [WHARF_BIN, 'consume', 'live', '--from', 'beginning', '--format', 'value', ...b], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor(() => stdout === 'before\n', 15_000, 'the existing record');
  await ok(['produce', 'live', ...b], 'after\n');
  await waitFor(() => stdout === 'before\nafter\n', 15_000, 'the record produced while following');
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});

test('every --compression and --acks setting reaches the broker and reads back', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  const lines = Array.from({ length: 300 }, (_x, i) => `line ${i} ${'abc'.repeat(i % 20)}`);
  for (const [compression, acks] of [['none', '0'], ['gzip', '1'], ['snappy', 'all'], ['lz4', '1'], ['zstd', 'all']] as const) {
    const topic = `codec-${compression}`;
    await ok(['topics', 'create', topic, '--partitions', '2', ...b]);
    await ok(['produce', topic, '--compression', compression, '--acks', acks, ...b], lines.join('\n'));
    // acks=0 gets no answer, so wait for the records to be readable before checking them.
    const out = await ok(['consume', topic, '--from', 'beginning', '--count', String(lines.length), '--format', 'value', ...b]);
    assert.deepEqual(out.split('\n').filter((l) => l !== '').sort(), [...lines].sort(), `${compression} / acks ${acks}`);
  }
});

test('errors say what to do: no broker, unknown topic, --group with --partition', { timeout: 60_000 }, async (t) => {
  const noBroker = await wharf(['topics', 'list', '--bootstrap', '127.0.0.1:1']);
  assert.equal(noBroker.code, 1);
  assert.match(noBroker.stderr, /cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED\): is `wharf serve` running\? pass --bootstrap HOST:PORT or set WHARF_BOOTSTRAP \[WHARF_ERR_CLIENT_CONNECT\]/);
  const badAddress = await wharf(['topics', 'list', '--bootstrap', 'localhost']);
  assert.match(badAddress.stderr, /"localhost" is not HOST:PORT/);

  const broker = await startKafkaBroker(t, ['--auto-create-topics', 'false']);
  // WHARF_BOOTSTRAP stands in for --bootstrap.
  const viaEnv = spawnSync(process.execPath, [WHARF_BIN, 'topics', 'create', 'made-via-env'], { encoding: 'utf8', env: { ...process.env, WHARF_BOOTSTRAP: broker.bootstrap } });
  assert.equal(viaEnv.status, 0, viaEnv.stderr);
  assert.equal(await ok(['topics', 'list', '--bootstrap', broker.bootstrap]), 'made-via-env\n');
  const unknown = await wharf(['consume', 'nope', '--bootstrap', broker.bootstrap]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /looking up topic nope failed with UNKNOWN_TOPIC_OR_PARTITION; .*wharf topics create NAME/);
  const group = await wharf(['consume', 'nope', '--group', 'g', '--bootstrap', broker.bootstrap]);
  assert.equal(group.code, 1);
  assert.match(group.stderr, /looking up topic nope failed with UNKNOWN_TOPIC_OR_PARTITION/, 'a group member of a missing topic fails before joining');
  const groupAndPartition = await wharf(['consume', 'made-via-env', '--group', 'g', '--partition', '0', '--bootstrap', broker.bootstrap]);
  assert.equal(groupAndPartition.code, 1);
  assert.match(groupAndPartition.stderr, /--partition and --group do not go together/);
  const noAutoCreate = await wharf(['produce', 'nope', '--bootstrap', broker.bootstrap], 'x\n');
  assert.equal(noAutoCreate.code, 1);
  assert.match(noAutoCreate.stderr, /topic nope, which the broker did not create \(its automatic topic creation is off\), failed with UNKNOWN_TOPIC_OR_PARTITION/);
  const badPartition = await wharf(['produce', 'nope', '--partition', '-1', '--bootstrap', broker.bootstrap], 'x');
  assert.notEqual(badPartition.code, 0);
  assert.match(badPartition.stderr, /--partition <n>' argument '-1' is invalid/);
});

test('kcat reads what wharf produce wrote, and wharf consume prints what kcat produced', { timeout: 60_000, skip: HAS_KCAT ? false : 'kcat is not installed' }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  await ok(['topics', 'create', 'one', '--partitions', '1', ...b]);
  const lines = Array.from({ length: 500 }, (_x, i) => `key${i % 11}:value ${i}`);
  await ok(['produce', 'one', '--key-separator', ':', '--compression', 'zstd', ...b], lines.join('\n') + '\n');
  const read = await kcat(['-C', '-b', broker.bootstrap, '-t', 'one', '-o', 'beginning', '-e', '-q', '-f', '%k:%s\n']);
  assert.equal(read, lines.join('\n') + '\n');

  // kcat with librdkafka's murmur2 partitioner must put each key where wharf's partitioner would.
  await ok(['topics', 'create', 'from-kcat', '--partitions', '4', ...b]);
  const kcatLines = Array.from({ length: 200 }, (_x, i) => `k${i % 23}:from kcat ${i}`);
  await kcat(['-P', '-b', broker.bootstrap, '-t', 'from-kcat', '-K:', '-H', 'origin=kcat', '-z', 'snappy', '-X', 'partitioner=murmur2_random'], kcatLines.join('\n') + '\n');
  const got = parseJsonLines(await ok(['consume', 'from-kcat', '--from', 'beginning', '--count', '200', '--format', 'json', ...b]));
  const partitioner = new Partitioner(4);
  for (const r of got) {
    assert.equal(r.partition, partitioner.partitionFor(Buffer.from(r.key ?? '')), `key ${r.key}`);
    assert.deepEqual(r.headers, [{ key: 'origin', value: 'kcat' }]);
  }
  for (const p of [0, 1, 2, 3]) {
    const want = kcatLines.filter((l) => partitioner.partitionFor(Buffer.from(l.split(':')[0] ?? '')) === p);
    assert.deepEqual(got.filter((r) => r.partition === p).map((r) => `${r.key}:${r.value}`), want, `partition ${p}`);
  }
});
