// End to end, in a real headless Chromium: the web console's Kafka side against a real broker. A
// topic created in the UI exists for kcat with the chosen partition count; records produced by
// kcat appear in the message browser (latest, from an offset, from a timestamp) with key and
// headers; a record produced in the UI is read back by kcat; a consumer group's lag shows per
// partition and resetting its offsets in the UI changes it. No page logs an error. Saves
// screenshots of the overview, topics, the message browser and a group (see console-browser.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectTo } from '../helpers/amqp-broker.js';
import { kcat } from '../helpers/kafka-clients.js';
import { kafkajsClient } from '../helpers/kafka-kafkajs.js';
import { waitFor } from '../helpers/wait-for.js';
import { assertNoErrors, openConsole, STEP_TIMEOUT_MS, visit } from './console-browser.js';

test('console, Kafka side: create a topic, browse and produce records, see and reset group lag', { timeout: 240_000 }, async (t) => {
  const s = await openConsole(t);
  if (s === undefined) return;
  const { page } = s;
  const bootstrap = `127.0.0.1:${String(s.kafkaPort)}`;

  // Create a topic in the UI; kcat sees it with the chosen partition count.
  await page.click('nav >> text=Topics');
  await page.locator('[data-testid="topics"]').waitFor();
  const form = page.locator('[data-testid="create-topic"]');
  await form.locator('input[name="topic-name"]').fill('orders');
  await form.locator('input[name="topic-partitions"]').fill('4');
  await form.locator('select[name="topic-retention"]').selectOption('604800000');
  await form.locator('button[type="submit"]').click();
  await form.locator('.ok', { hasText: 'Created topic orders' }).waitFor();
  await page.locator('[data-testid="topics"] a', { hasText: /^orders$/ }).waitFor();
  const metadata = await kcat(['-b', bootstrap, '-L', '-t', 'orders']);
  assert.match(metadata, /topic "orders" with 4 partitions/, metadata);

  // Records produced by kcat show in the message browser with their key, headers and value.
  const lines = Array.from({ length: 6 }, (_, i) => `order-${String(i)}:{"id":${String(i)},"total":${String(10 + i)}.50}`);
  const beforeProduce = Date.now();
  await kcat(['-b', bootstrap, '-P', '-t', 'orders', '-p', '0', '-K', ':', '-H', 'source=kcat', '-H', 'trace=e2e-1'], `${lines.join('\n')}\n`);
  await page.locator('[data-testid="topics"] a', { hasText: /^orders$/ }).click();
  await page.locator('[data-testid="partitions"]').waitFor();
  const browser = page.locator('[data-testid="browser"]');
  await browser.locator('button[type="submit"]').click();
  const rows = browser.locator('[data-testid="records"] tbody tr');
  await waitFor(async () => (await rows.count()) === 6, STEP_TIMEOUT_MS, 'six records in the browser');
  const first = rows.first();
  assert.match(await first.textContent() ?? '', /order-0/);
  assert.match(await first.textContent() ?? '', /source=kcat/);
  assert.match(await first.textContent() ?? '', /trace=e2e-1/);
  assert.match(await first.textContent() ?? '', /"total":10\.50/);

  // From an offset.
  await browser.locator('select[name="browse-mode"]').selectOption('offset');
  await browser.locator('input[name="browse-offset"]').fill('4');
  await browser.locator('button[type="submit"]').click();
  await waitFor(async () => (await rows.count()) === 2 && /order-4/.test(await rows.first().textContent() ?? ''), STEP_TIMEOUT_MS, 'records from offset 4');

  // From a timestamp before the records were written: all of them.
  await browser.locator('select[name="browse-mode"]').selectOption('timestamp');
  const local = new Date(beforeProduce - 60_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  await browser.locator('input[name="browse-time"]').fill(local);
  await browser.locator('button[type="submit"]').click();
  await waitFor(async () => (await rows.count()) === 6, STEP_TIMEOUT_MS, 'records from a timestamp');

  // Produce a record in the UI; kcat reads it back with its key and header.
  const produce = page.locator('[data-testid="produce"]');
  await produce.locator('input[name="produce-key"]').fill('ui-key');
  await produce.locator('select[name="produce-partition"]').selectOption('2');
  await produce.locator('textarea[name="produce-value"]').fill('hello from the console');
  await produce.locator('textarea[name="produce-headers"]').fill('origin=console');
  await produce.locator('button[type="submit"]').click();
  await produce.locator('.ok', { hasText: 'Written to partition 2 at offset 0' }).waitFor();
  const readBack = await kcat(['-b', bootstrap, '-C', '-t', 'orders', '-p', '2', '-o', 'beginning', '-e', '-f', '%k|%h|%s\n']);
  assert.equal(readBack.trim(), 'ui-key|origin=console|hello from the console');

  await browser.locator('select[name="browse-mode"]').selectOption('latest');
  await browser.locator('button[type="submit"]').click();
  await waitFor(async () => (await rows.count()) === 6, STEP_TIMEOUT_MS, 'the latest records');
  await s.screenshot('topic', true);

  // A consumer group with committed offsets behind the end: lag per partition, then reset it.
  const kafka = kafkajsClient(bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.setOffsets({ groupId: 'billing', topic: 'orders', partitions: [{ partition: 0, offset: '4' }, { partition: 2, offset: '1' }] });
  await page.click('nav >> text=Consumer groups');
  const groupLink = page.locator('[data-testid="groups"] a', { hasText: /^billing$/ });
  await groupLink.waitFor();
  const groupRow = page.locator('[data-testid="groups"] tbody tr', { hasText: 'billing' });
  assert.match(await groupRow.textContent() ?? '', /Empty/i);
  await groupLink.click();
  const lag = page.locator('[data-testid="lag"] tbody tr');
  await waitFor(async () => (await lag.count()) >= 2, STEP_TIMEOUT_MS, 'the lag table');
  const p0 = lag.filter({ has: page.locator('td:nth-child(2)', { hasText: /^0$/ }) });
  assert.match(await p0.textContent() ?? '', /^orders0462$/, 'partition 0: committed 4, high watermark 6, lag 2');
  await s.screenshot('group');
  const reset = page.locator('[data-testid="reset-offsets"]');
  await reset.locator('select[name="reset-to"]').selectOption('earliest');
  await reset.locator('button[type="submit"]').click();
  await reset.locator('.ok').waitFor();
  await waitFor(async () => /^orders0066$/.test(await p0.textContent() ?? ''), STEP_TIMEOUT_MS, 'lag 6 on partition 0 after the reset to earliest');
  await page.click('nav >> text=Consumer groups');
  await groupLink.waitFor();
  await s.screenshot('groups');

  // The topics list, with a few more topics made through the API and kcat, then the overview.
  for (const [name, partitions, records] of [['payments', 6, 40], ['audit-log', 1, 120], ['clickstream', 12, 300]] as const) {
    assert.equal((await s.api('PUT', `/topics/${name}`, { partitions, configs: {} })).status, 201);
    await kcat(['-b', bootstrap, '-P', '-t', name], Array.from({ length: records }, (_, i) => `{"${name}":${String(i)},"at":${String(Date.now())}}`).join('\n') + '\n');
  }
  await page.click('nav >> text=Topics');
  await page.locator('[data-testid="topics"] a', { hasText: /^orders$/ }).waitFor();
  const ordersRow = page.locator('[data-testid="topics"] tbody tr', { hasText: 'orders' });
  assert.equal(await ordersRow.locator('td').nth(1).textContent(), '4', 'partitions');
  await waitFor(async () => (await ordersRow.locator('td').nth(2).textContent()) === '7', STEP_TIMEOUT_MS, 'the topic list to count 7 records');
  await s.screenshot('topics');
  // Traffic on both protocols, varying from one 5 s sample to the next, until the charts have
  // drawn several samples with records flowing in.
  await visit(s, '/', '[data-testid="overview"]');
  const conn = await connectTo(t, `amqp://guest:guest@127.0.0.1:${String(s.amqpPort)}`);
  const ch = await conn.createChannel();
  await ch.assertQueue('overview-traffic');
  await ch.consume('overview-traffic', (m) => { if (m !== null) ch.ack(m); });
  const kafkaLine = page.locator('[data-testid="chart-kafka"] polyline').first();
  let sent = 0;
  await waitFor(async () => {
    const points = (await kafkaLine.getAttribute('points'))?.split(' ').length ?? 0;
    const load = 10 + Math.round(8 * (1 + Math.sin(points)));
    for (let i = 0; i < load * 2; i++) ch.sendToQueue('overview-traffic', Buffer.from(`tick ${String(sent++)}`));
    await kcat(['-b', bootstrap, '-P', '-t', 'orders', '-K', ':'], Array.from({ length: load }, (_, i) => `k${String(i)}:value-${String(sent + i)}`).join('\n') + '\n');
    const legend = await page.locator('[data-testid="chart-kafka"] .legend').textContent() ?? '';
    return points >= 8 && /In\s*[1-9]/.test(legend);
  }, 90_000, 'the overview charts to draw eight samples with records flowing in');
  await s.screenshot('overview');
  await conn.close();
  assertNoErrors(s);
});
