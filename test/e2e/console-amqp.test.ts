// End to end, in a real headless Chromium: the web console's AMQP side against a real broker. A
// queue declared and a message published in the UI reach an amqplib consumer with exactly that
// body and header; an exchange declared, bound and published to in the UI routes to it; a
// connection closed in the UI is closed for its amqplib client; with 10,000 queues the queues
// page shows 50 per page, pages and searches on the server and never asks for the whole list. No
// page logs an error. Saves screenshots of queues, a queue, exchanges, an exchange and connections.
// A second test: a wrong password on the login form is refused with a message, and credentials that
// stop working send the console back to the form (the API leaves WWW-Authenticate off the
// console's 401s, or a browser would show its own dialog instead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, connectTo, waitForCount } from '../helpers/amqp-broker.js';
import { waitFor } from '../helpers/wait-for.js';
import { assertNoErrors, openConsole, STEP_TIMEOUT_MS } from './console-browser.js';

const BULK_QUEUES = 10_000;

test('console, AMQP side: declare, publish, bind, close a connection, and page through 10,000 queues', { timeout: 300_000 }, async (t) => {
  const s = await openConsole(t);
  if (s === undefined) return;
  const { page } = s;
  const apiRequests: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) apiRequests.push(`${r.method()} ${u.pathname}${u.search}`);
  });
  const amqpUrl = `amqp://guest:guest@127.0.0.1:${String(s.amqpPort)}`;
  const conn = await connectTo(t, amqpUrl, { clientProperties: { connection_name: 'e2e-consumer' } });
  const ch = await conn.createChannel();

  // Declare a queue in the UI; the broker has it.
  await page.click('nav >> text=Queues');
  await page.locator('[data-testid="queues"]').waitFor();
  const declare = page.locator('[data-testid="declare-queue"]');
  await declare.locator('input[name="queue-name"]').fill('jobs');
  await declare.locator('button[type="submit"]').click();
  await declare.locator('.ok', { hasText: 'Declared queue jobs' }).waitFor();
  const jobsLink = page.locator('[data-testid="queues"] a', { hasText: /^jobs$/ });
  await jobsLink.waitFor();
  assert.equal((await ch.checkQueue('jobs')).queue, 'jobs');

  // Publish to it from its page; an amqplib consumer gets exactly that body and header.
  await jobsLink.click();
  await page.locator('[data-testid="queue"]').waitFor();
  const publish = page.locator('[data-testid="publish"]');
  await publish.locator('textarea[name="publish-payload"]').fill('{"job":42,"note":"sent from the console"}');
  await publish.locator('textarea[name="publish-headers"]').fill('x-trace=console-e2e\nx-tenant=acme');
  await publish.locator('input[name="publish-content-type"]').fill('application/json');
  await publish.locator('button[type="submit"]').click();
  await publish.locator('.ok', { hasText: 'Message published and routed' }).waitFor();
  await page.locator('.stat', { hasText: 'Ready' }).locator('.stat-value', { hasText: /^1$/ }).waitFor();
  await s.screenshot('queue');
  const got = await collect(ch, 'jobs', { noAck: true });
  await waitForCount(got.messages, 1, 'message from the console');
  const m = got.messages[0];
  assert.ok(m !== undefined);
  assert.equal(m.content.toString(), '{"job":42,"note":"sent from the console"}');
  assert.equal(m.properties.headers?.['x-trace'], 'console-e2e');
  assert.equal(m.properties.headers?.['x-tenant'], 'acme');
  assert.equal(m.properties.contentType, 'application/json');
  assert.equal(m.properties.deliveryMode, 2);

  // Declare a topic exchange, bind the queue, publish through it.
  await page.click('nav >> text=Exchanges');
  const declareX = page.locator('[data-testid="declare-exchange"]');
  await declareX.locator('input[name="exchange-name"]').fill('orders.events');
  await declareX.locator('select[name="exchange-type"]').selectOption('topic');
  await declareX.locator('button[type="submit"]').click();
  await declareX.locator('.ok').waitFor();
  const xLink = page.locator('[data-testid="exchanges"] a', { hasText: /^orders\.events$/ });
  await xLink.waitFor();
  await s.screenshot('exchanges');
  await xLink.click();
  await page.locator('[data-testid="exchange"]').waitFor();
  const bind = page.locator('[data-testid="bind"]');
  await bind.locator('input[name="bind-other"]').fill('jobs');
  await bind.locator('input[name="bind-routing-key"]').fill('order.*');
  await bind.locator('button[type="submit"]').click();
  await bind.locator('.ok').waitFor();
  await page.locator('[data-testid="exchange"] table.grid a', { hasText: /^jobs$/ }).waitFor();
  const publishX = page.locator('[data-testid="publish"]');
  await publishX.locator('input[name="publish-routing-key"]').fill('order.created');
  await publishX.locator('textarea[name="publish-payload"]').fill('routed by a binding');
  await publishX.locator('button[type="submit"]').click();
  await publishX.locator('.ok').waitFor();
  await waitForCount(got.messages, 2, 'messages');
  assert.equal(got.messages[1]?.content.toString(), 'routed by a binding');
  assert.equal(got.messages[1]?.fields.routingKey, 'order.created');
  await s.screenshot('exchange');

  // Close a connection from the UI; its client is told.
  const victim = await connectTo(t, amqpUrl, { clientProperties: { connection_name: 'to-be-closed' } });
  const victimClosed = new Promise<string>((resolve) => {
    victim.on('error', (err: Error) => resolve(err.message));
    victim.on('close', () => resolve('closed'));
  });
  await page.click('nav >> text=Connections');
  const victimRow = page.locator('[data-testid="connections"] tbody tr', { hasText: 'to-be-closed' });
  await victimRow.waitFor();
  await page.locator('[data-testid="connections"] tbody tr', { hasText: 'e2e-consumer' }).waitFor();
  await s.screenshot('connections');
  await victimRow.locator('button', { hasText: 'Close' }).click();
  assert.match(await victimClosed, /CONNECTION_FORCED|320|closed/i);
  await victimRow.waitFor({ state: 'detached' });

  // 10,000 queues: pages of 50 from the server, search on the server.
  const names = Array.from({ length: BULK_QUEUES }, (_, i) => `bulk-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < names.length; i += 500) {
    await Promise.all(names.slice(i, i + 500).map((n) => ch.assertQueue(n, { durable: false })));
  }
  apiRequests.length = 0;
  await page.click('nav >> text=Queues');
  const pager = page.locator('[data-testid="queues"] [data-testid="pager"]');
  await pager.locator('.page-info', { hasText: 'Page 1 of 201 · 10,001 in all' }).waitFor();
  const queueRows = page.locator('[data-testid="queues"] tbody tr');
  assert.equal(await queueRows.count(), 50);
  assert.match(await queueRows.first().textContent() ?? '', /bulk-00000/);
  await pager.locator('button', { hasText: 'Next' }).click();
  await pager.locator('.page-info', { hasText: 'Page 2 of 201' }).waitFor();
  await waitFor(async () => /bulk-00050/.test(await queueRows.first().textContent() ?? ''), STEP_TIMEOUT_MS, 'the second page');
  // Typed key by key, as a person does; the page asks the server once the typing settles.
  await page.locator('[data-testid="queues"] input[name="search"]').pressSequentially('bulk-07777');
  await pager.locator('.page-info', { hasText: '1 of 10,001 match' }).waitFor();
  assert.equal(await queueRows.count(), 1);
  assert.match(await queueRows.first().textContent() ?? '', /bulk-07777/);
  await page.fill('[data-testid="queues"] input[name="search"]', 'jobs');
  // The count reads the same as for bulk-07777: wait for the row itself to change.
  await queueRows.first().locator('a', { hasText: /^jobs$/ }).waitFor();
  await s.screenshot('queues-search');
  await page.fill('[data-testid="queues"] input[name="search"]', '');
  await pager.locator('.page-info', { hasText: '10,001 in all' }).waitFor();
  await s.screenshot('queues');
  const queueLists = apiRequests.filter((r) => /^GET \/api\/queues(\/[^/]+)?(\?|$)/.test(r));
  assert.ok(queueLists.length > 0);
  for (const r of queueLists) assert.match(r, /[?&]page=\d+&page_size=50(&|$)/, `every queue list request is paginated: ${r}`);
  // Typing "bulk-07777" asked the server once it settled, not once per key.
  const searches = queueLists.filter((r) => /[?&]name=b/.test(r));
  assert.ok(searches.length >= 1 && searches.length <= 2, `search is debounced: ${JSON.stringify(searches)}`);
  assert.ok(searches.some((r) => r.includes('name=bulk-07777')));
  assertNoErrors(s);

  await conn.close();
});

test('console: a wrong or expired login returns to the login form with a message', { timeout: 120_000 }, async (t) => {
  const s = await openConsole(t);
  if (s === undefined) return;
  const { page } = s;
  // A 401 that carries WWW-Authenticate makes Chromium hold the request for its own login dialog,
  // so the console's form can only take over when the API leaves the header off for the console's
  // requests (X-Requested-With: XMLHttpRequest).
  const probe = await fetch(`${s.base}/api/whoami`, { headers: { authorization: `Basic ${Buffer.from('guest:wrong').toString('base64')}`, 'x-requested-with': 'XMLHttpRequest' } });
  assert.equal(probe.status, 401);
  assert.equal(probe.headers.get('www-authenticate'), null, 'the console\'s requests must get 401s without WWW-Authenticate');
  await page.click('nav >> text=Topics');
  await page.locator('[data-testid="topics"]').waitFor();
  assertNoErrors(s);

  // Credentials that stop working (here: replaced by a wrong password) send the console back to
  // its login form; a wrong password there is refused with a message, the right one goes on to the
  // page that was asked for.
  await page.evaluate(`sessionStorage.setItem('wharf.console.auth', 'Basic ${Buffer.from('guest:wrong').toString('base64')}')`);
  await page.click('nav >> text=Exchanges');
  const login = page.locator('[data-testid="login"]');
  await login.waitFor();
  await login.locator('input[name="password"]').fill('not-the-password');
  await login.locator('button[type="submit"]').click();
  await login.locator('.error', { hasText: 'Wrong user name or password' }).waitFor();
  await login.locator('input[name="password"]').fill('guest');
  await login.locator('button[type="submit"]').click();
  await page.locator('[data-testid="exchanges"] a', { hasText: /^amq\.topic$/ }).waitFor();
  const unexpected = s.errors.filter((e) => !/\b401\b/.test(e));
  assert.deepEqual(unexpected, [], 'only the refused logins failed');
  assert.ok(s.errors.length >= 2, 'the refused requests were 401s');
});
