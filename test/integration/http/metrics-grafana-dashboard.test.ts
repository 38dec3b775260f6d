// docs/grafana/wharf-dashboard.json cannot drift from the metrics: every metric name used in a
// panel's PromQL must be in the /metrics output of a broker that has seen Kafka and AMQP traffic.
// The dashboard must also stay importable: a ${DS_PROMETHEUS} datasource input used by every
// panel, unique panel ids, and a grid position for each panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import amqp from 'amqplib';
import { REPO_ROOT } from '../../helpers/broker-process.js';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { withHttpBroker } from './http-test-broker.js';
import { scrapeMetrics } from './metrics-scrape.js';

const DASHBOARD_PATH = join(REPO_ROOT, 'docs', 'grafana', 'wharf-dashboard.json');

interface Target {
  expr?: string;
  datasource?: { uid?: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}

interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; datasource?: { uid?: string }; definition?: string }> };
}

/** PromQL words that look like names but are not metrics. */
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or variables. */
function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/(?<![\w$.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const rest = stripped.slice((m.index ?? 0) + m[0].length).trimStart();
    if (rest.startsWith('(') || PROMQL_KEYWORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
}

test('the PromQL name extraction finds metrics and skips functions, labels and keywords', () => {
  assert.deepEqual(
    promqlMetricNames('histogram_quantile(0.99, sum by (api, le) (rate(wharf_kafka_request_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))'),
    ['wharf_kafka_request_duration_seconds_bucket'],
  );
  assert.deepEqual(promqlMetricNames('sum by (topic) (a_end{x="y"} - on (topic) b_start) / ignoring(p) c'), ['a_end', 'b_start', 'c']);
});

test('the Grafana dashboard is an importable dashboard on a ${DS_PROMETHEUS} input', () => {
  const d = loadDashboard();
  assert.ok(d.schemaVersion >= 36, 'a current schema version');
  assert.equal(d.title, 'Wharf');
  assert.ok(d.uid.length > 0 && d.uid.length <= 40);
  assert.deepEqual(d.__inputs.map((i) => [i.name, i.type, i.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']]);
  const panels = allPanels(d.panels);
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const p of panels) {
    assert.ok(p.gridPos !== undefined && p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24, `panel "${p.title}" has a grid position`);
    if (p.type === 'row') continue;
    assert.equal(p.datasource?.uid, '${DS_PROMETHEUS}', `panel "${p.title}" uses the datasource input`);
    assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has queries`);
    for (const target of p.targets ?? []) assert.equal(target.datasource?.uid, '${DS_PROMETHEUS}');
  }
  for (const v of d.templating.list) assert.equal(v.datasource?.uid, '${DS_PROMETHEUS}');
});

test('every metric the dashboard queries is served by a broker that has seen Kafka and AMQP traffic', { timeout: 60_000 }, async (t) => {
  const d = loadDashboard();
  const used = new Set<string>();
  for (const p of allPanels(d.panels)) for (const target of p.targets ?? []) for (const name of promqlMetricNames(target.expr ?? '')) used.add(name);
  for (const v of d.templating.list) for (const name of promqlMetricNames((v.definition ?? '').replace(/^label_values\((.*),[^,]*\)$/, '$1'))) used.add(name);
  assert.ok(used.size >= 20, `the dashboard queries ${used.size} metrics: ${[...used].join(', ')}`);

  const b = await withHttpBroker(t);
  const kafka = kafkajsClient(b.kafkaBootstrap);
  const producer = kafka.producer();
  await producer.connect();
  b.beforeStop(() => producer.disconnect());
  await producer.send({ topic: 'dash', acks: -1, messages: [{ value: 'one' }, { value: 'two' }] });
  const consumer = kafka.consumer({ groupId: 'dash-group', maxWaitTimeInMs: 100 });
  await consumer.connect();
  b.beforeStop(() => consumer.disconnect());
  await consumer.subscribe({ topic: 'dash', fromBeginning: true });
  let consumed = 0;
  await consumer.run({ autoCommit: false, eachMessage: async () => { consumed++; } });
  await waitFor(() => consumed === 2, 20_000, 'the kafkajs consumer to read both records');
  await consumer.commitOffsets([{ topic: 'dash', partition: 0, offset: '1' }]);

  const conn = await amqp.connect(b.amqpUrl);
  conn.on('error', () => undefined);
  b.beforeStop(() => conn.close());
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('dash-q', { durable: true });
  ch.sendToQueue('dash-q', Buffer.from('m'), { persistent: true });
  await ch.waitForConfirms();
  let acked = false;
  await ch.consume('dash-q', (msg) => {
    if (msg === null) return;
    ch.ack(msg);
    acked = true;
  });
  await waitFor(() => acked, 5_000, 'the AMQP delivery');

  const m = await waitFor(async () => {
    const s = await scrapeMetrics(b.base);
    return s.value('wharf_amqp_queue_acked_total', { vhost: '/', queue: 'dash-q' }) === 1 && s;
  }, 5_000, 'the ack to be counted');
  const missing = [...used].filter((name) => !m.names.has(name));
  assert.deepEqual(missing, [], `metrics queried by the dashboard but not served:\n${missing.join('\n')}`);
});
