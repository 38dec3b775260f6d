// Shared by the console's end-to-end tests: a broker, headless Chromium (Debian's `chromium`,
// driven by playwright-core) logged in to the console, every page error collected, and
// screenshots written to dist/screenshots (docs/images with WHARF_UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { REPO_ROOT, spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { findChromium } from '../helpers/chromium.js';

export const STEP_TIMEOUT_MS = 30_000;
export const SCREENSHOT_DIR = process.env.WHARF_UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'images') : join(REPO_ROOT, 'dist', 'screenshots');

export interface ConsoleSession {
  broker: BrokerProcess;
  page: Page;
  base: string;
  httpPort: number;
  kafkaPort: number;
  amqpPort: number;
  /** Console errors, page errors and failed API calls seen so far. */
  errors: string[];
  /** Saves console-<name>.png of the viewport (1366×768), or of the whole page. */
  screenshot(name: string, fullPage?: boolean): Promise<void>;
  /** The management API as the test's own client (guest/guest from loopback). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * A broker and a Chromium logged in to its console; undefined, with `t` skipped, when Chromium is
 * not installed.
 */
export async function openConsole(t: TestContext): Promise<ConsoleSession | undefined> {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    t.skip('Chromium is not installed (apt-get install -y chromium; .ci/run installs it): the console end-to-end test did not run');
    return undefined;
  }
  const broker = spawnBroker(t, []);
  const ports = await broker.waitForLine((l) => typeof l.httpPort === 'number' && typeof l.amqpPort === 'number' && typeof l.kafkaPort === 'number', 'the broker to listen', STEP_TIMEOUT_MS);
  const httpPort = ports.httpPort as number;
  const base = `http://127.0.0.1:${String(httpPort)}`;
  const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${base}/api${path}`, {
      method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) as unknown };
  };

  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  t.after(() => browser.close());
  // A laptop screen: the console must be usable at 1366×768.
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${String(r.status())}: ${r.request().method()} ${r.url()}`); });
  // Deletes ask for confirmation; the tests answer yes.
  page.on('dialog', (d) => void d.accept());

  await page.goto(`${base}/`);
  await page.locator('[data-testid="login"]').waitFor();
  await page.fill('input[name="user"]', 'guest');
  await page.fill('input[name="password"]', 'guest');
  await page.click('[data-testid="login"] button[type="submit"]');
  await page.locator('[data-testid="overview"]').waitFor();

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    broker, page, base, httpPort, kafkaPort: ports.kafkaPort as number, amqpPort: ports.amqpPort as number, errors, api,
    async screenshot(name: string, fullPage = false): Promise<void> {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${name}.png`), fullPage });
    },
  };
}

/** Goes to a console path the way a user does: through the address bar (a deep link). */
export async function visit(s: ConsoleSession, path: string, ready: string): Promise<void> {
  await s.page.goto(`${s.base}${path}`);
  await s.page.locator(ready).first().waitFor();
}

export function assertNoErrors(s: ConsoleSession): void {
  assert.deepEqual(s.errors, [], 'the console logged no errors and no request failed');
}
