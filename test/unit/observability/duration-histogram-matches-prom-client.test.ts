// DurationHistogram (observability/duration-histogram.ts) keeps its own bucket counts so that an
// observation costs no allocation; what it prints must be what prom-client's Histogram prints for
// the same observations, so Prometheus and Grafana cannot tell them apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, DurationHistogram } from '../../../src/observability/duration-histogram.js';

const SAMPLES: Record<string, number[]> = {
  Produce: [0.00001, 0.00005, 0.0003, 0.0003, 0.002, 0.7, 12],
  'Fetch "long" \\ poll\n': [0.5, 0.5, 1],
};

test('a labelled histogram prints what prom-client prints for the same observations', async () => {
  const ours = new Registry();
  const fast = new DurationHistogram(ours, 'x_duration_seconds', 'How long x took.', 'api', 100);
  const theirs = new Registry();
  const reference = new Histogram({ name: 'x_duration_seconds', help: 'How long x took.', labelNames: ['api'], buckets: [...DURATION_BUCKETS_SECONDS], registers: [theirs] });
  for (const [api, values] of Object.entries(SAMPLES)) {
    const sink = fast.sink(api);
    assert.equal(fast.sink(api), sink, 'one series per label value');
    for (const v of values) {
      sink.observe(v);
      reference.observe({ api }, v);
    }
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  // The JSON form too (the management API may read it), but for prom-client's exemplar slots, which we do not keep.
  const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>): unknown =>
    metrics.map((m) => ({ ...m, values: m.values.map((v) => ({ ...v, exemplar: undefined })) }));
  assert.deepEqual(withoutExemplars(await ours.getMetricsAsJSON()), withoutExemplars(await theirs.getMetricsAsJSON()));
});

test('an unlabelled histogram, before and after its first observation', async () => {
  const ours = new Registry();
  const fast = new DurationHistogram(ours, 'fsync_seconds', 'fsync.', null, 1);
  const theirs = new Registry();
  const reference = new Histogram({ name: 'fsync_seconds', help: 'fsync.', buckets: [...DURATION_BUCKETS_SECONDS], registers: [theirs] });
  const sink = fast.sink('');
  for (const v of [0.0001, 0.004, 0.004]) {
    sink.observe(v);
    reference.observe(v);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  assert.match(await ours.metrics(), /^fsync_seconds_count 3$/m);
});

test('series beyond the cap are dropped, not created', async () => {
  const registry = new Registry();
  const h = new DurationHistogram(registry, 'capped_seconds', 'capped.', 'method', 2);
  for (const m of ['a', 'b', 'c']) h.sink(m).observe(0.001);
  const text = await registry.metrics();
  assert.match(text, /capped_seconds_count\{method="a"\} 1/);
  assert.match(text, /capped_seconds_count\{method="b"\} 1/);
  assert.doesNotMatch(text, /method="c"/);
});
