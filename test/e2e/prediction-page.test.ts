// End to end, in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the
// prediction example's page (examples/prediction) against a real broker, the example's worker
// (amqplib) and its example server. Push mode must get its result over the WebSocket with no
// polling request at all; polling mode must work too. Saves a screenshot to dist/screenshots/
// (to docs/images/, which the README shows, with WHARF_UPDATE_SCREENSHOTS=1). Skips only when no
// Chromium is installed (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { findChromium } from '../helpers/chromium.js';
import { REPO_ROOT, spawnBroker } from '../helpers/broker-process.js';

const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'prediction');
// A test run leaves the tracked image alone unless asked to refresh it.
const SCREENSHOT = process.env.WHARF_UPDATE_SCREENSHOTS === '1'
  ? join(REPO_ROOT, 'docs', 'images', 'prediction.png')
  : join(REPO_ROOT, 'dist', 'screenshots', 'prediction.png');
const STEP_TIMEOUT_MS = 30_000;

/** Starts a script of the example; resolves with the fields of its `readyMsg` JSON log line. */
async function startExample(t: TestContext, script: string, env: NodeJS.ProcessEnv, readyMsg: string): Promise<Record<string, unknown>> {
  const proc: ChildProcess = spawn(process.execPath, [join(EXAMPLE_DIR, script)], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => { output += c; });
  t.after(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((res) => proc.once('exit', res));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${script} was not ready within ${STEP_TIMEOUT_MS} ms; output: ${output}`)), STEP_TIMEOUT_MS);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output += `${line}\n`;
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        if (o.msg === readyMsg) {
          clearTimeout(timer);
          res(o);
        }
      } catch {
        // not a log line
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${script} exited (${String(code)}) before it was ready; output: ${output}`));
    });
  });
}

async function submit(page: Page, button: string, text: string): Promise<void> {
  await page.fill('#review', text);
  await page.click(button);
}

test('prediction page: push mode answers over the WebSocket without polling, polling mode works too', { timeout: 180_000 }, async (t) => {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    t.skip('Chromium is not installed (apt-get install -y chromium; .ci/run installs it): the prediction page end-to-end test did not run');
    return;
  }

  const broker = spawnBroker(t, []);
  const running = await broker.waitForLine((l) => typeof l.httpPort === 'number' && typeof l.amqpPort === 'number', 'the broker to listen', STEP_TIMEOUT_MS);
  const amqpUrl = `amqp://guest:guest@127.0.0.1:${String(running.amqpPort)}`;
  const gatewayUrl = `ws://127.0.0.1:${String(running.httpPort)}/ws`;
  await startExample(t, 'worker.mjs', { AMQP_URL: amqpUrl, WORKER_ID: 'e2e' }, 'worker ready');
  const ready = await startExample(t, 'server.mjs', { AMQP_URL: amqpUrl, GATEWAY_URL: gatewayUrl, PORT: '0', HOST: '127.0.0.1', POLL_MS: '200' }, 'example server ready');
  const pageUrl = `http://127.0.0.1:${String(ready.port)}/`;

  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1180, height: 860 } });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (err) => consoleErrors.push(err.message));

  // Every HTTP request of the page, tagged with the phase it happened in, and every WebSocket frame.
  let phase = 'load';
  const requests: { phase: string; method: string; path: string }[] = [];
  page.on('request', (r) => requests.push({ phase, method: r.method(), path: new URL(r.url()).pathname }));
  const frames: { phase: string; direction: 'sent' | 'received'; url: string; op: Record<string, unknown> }[] = [];
  page.on('websocket', (ws) => {
    const record = (direction: 'sent' | 'received') => (f: { payload: string | Buffer }) => {
      try {
        frames.push({ phase, direction, url: ws.url(), op: JSON.parse(f.payload.toString()) as Record<string, unknown> });
      } catch {
        // not JSON
      }
    };
    ws.on('framesent', record('sent'));
    ws.on('framereceived', record('received'));
  });

  await page.goto(pageUrl);
  await page.locator('#push-status', { hasText: /^connected to / }).waitFor({ timeout: STEP_TIMEOUT_MS });

  // Push mode: one request over the WebSocket, the reply pushed back, no HTTP at all to /jobs.
  phase = 'push';
  await submit(page, '#submit-push', 'A wonderful film with a brilliant cast, I loved it.');
  const pushRow = page.locator('#push-results li[data-status="done"]').first();
  await pushRow.waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.waitForTimeout(500); // a late poll, if there were one, would show up here
  assert.equal(await pushRow.getAttribute('data-label'), 'positive');
  const pushJobs = requests.filter((r) => r.phase === 'push' && r.path.startsWith('/jobs'));
  assert.deepEqual(pushJobs, [], 'push mode made no request to /jobs');
  const sentRequest = frames.find((f) => f.phase === 'push' && f.direction === 'sent' && f.op.op === 'request');
  assert.ok(sentRequest !== undefined, `the page sent a request frame; frames: ${JSON.stringify(frames)}`);
  assert.equal(sentRequest.url, gatewayUrl);
  assert.equal(sentRequest.op.routingKey, 'predict');
  const reply = frames.find((f) => f.phase === 'push' && f.direction === 'received' && f.op.op === 'reply' && f.op.ref === sentRequest.op.ref);
  assert.ok(reply !== undefined, `the WebSocket carried the reply; frames: ${JSON.stringify(frames)}`);
  assert.match(String(reply.op.payload), /"label":"positive"/);

  // Polling mode: POST /jobs, then GET /jobs/:id until the result is there.
  phase = 'poll';
  await submit(page, '#submit-poll', 'Terrible service, cold food and a rude waiter.');
  const pollRow = page.locator('#poll-results li[data-status="done"]').first();
  await pollRow.waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await pollRow.getAttribute('data-label'), 'negative');
  const posts = requests.filter((r) => r.phase === 'poll' && r.method === 'POST' && r.path === '/jobs');
  const polls = requests.filter((r) => r.phase === 'poll' && r.method === 'GET' && /^\/jobs\/[0-9a-f-]{36}$/.test(r.path));
  assert.equal(posts.length, 1);
  assert.ok(polls.length >= 1, `polling mode polled; requests: ${JSON.stringify(requests)}`);
  assert.equal(frames.filter((f) => f.phase === 'poll' && f.op.op === 'request').length, 0, 'polling mode sent nothing over the WebSocket');

  // Both side by side, for the screenshot.
  phase = 'both';
  await submit(page, '#submit-both', 'Not bad at all, actually quite good.');
  await page.locator('#poll-results li[data-status="done"]').nth(1).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.locator('#push-results li[data-status="done"]').nth(1).waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await page.locator('#push-count').textContent(), '2');
  assert.equal(await page.locator('#poll-count').textContent(), '2');
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(consoleErrors, [], 'the page logged no errors');
});
