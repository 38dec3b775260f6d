import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, WHARF_BIN, makeDataDir, spawnBroker } from '../../helpers/broker-process.js';

const isReady = (l: { msg?: string }) => typeof l.msg === 'string' && l.msg.startsWith('Wharf is running');

test('wharf --help lists the commands and serve --help lists every setting', () => {
  const top = spawnSync(process.execPath, [WHARF_BIN, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(top.status, 0);
  assert.match(top.stdout, /serve/);
  const serve = spawnSync(process.execPath, [WHARF_BIN, 'serve', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(serve.status, 0);
  for (const flag of ['--data-dir', '--kafka-port', '--amqp-port', '--http-port', '--host', '--config', '--flush-policy']) {
    assert.ok(serve.stdout.includes(flag), `serve --help mentions ${flag}`);
  }
});

test('an unknown command or bad setting exits non-zero with a message saying what to do', () => {
  const bad = spawnSync(process.execPath, [WHARF_BIN, 'serve', '--kafka-port', 'abc'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--kafka-port.*expected a whole number/);
  const unknown = spawnSync(process.execPath, [WHARF_BIN, 'frobnicate'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /unknown command/);
});

test('serve opens the data dir, logs where data lives and exits 0 on SIGTERM, releasing the lock', async (t) => {
  const b = spawnBroker(t, []);
  const ready = await b.waitForLine(isReady, 'the ready line');
  assert.equal(ready.dataDir, b.dataDir);
  assert.ok(existsSync(join(b.dataDir, 'wharf.lock')));
  assert.equal(readFileSync(join(b.dataDir, 'wharf.lock'), 'utf8').trim(), String(b.proc.pid));
  b.proc.kill('SIGTERM');
  assert.equal(await b.exited, 0);
  assert.ok(b.lines.some((l) => l.msg === 'stopped cleanly'));
  assert.ok(!existsSync(join(b.dataDir, 'wharf.lock')), 'lock released');
});

test('SIGINT also stops the broker cleanly', async (t) => {
  const b = spawnBroker(t, []);
  await b.waitForLine(isReady, 'the ready line');
  b.proc.kill('SIGINT');
  assert.equal(await b.exited, 0);
});

test('a second broker on the same data dir refuses to start with a clear message', async (t) => {
  const first = spawnBroker(t, []);
  await first.waitForLine(isReady, 'the first broker');
  const second = spawnBroker(t, [], { dataDir: first.dataDir });
  assert.equal(await second.exited, 1);
  assert.match(second.stderr(), new RegExp(`in use by another Wharf broker \\(pid ${first.proc.pid}\\)`));
  assert.match(second.stderr(), /--data-dir/);
  first.proc.kill('SIGTERM');
  assert.equal(await first.exited, 0);
});

test('after kill -9 the stale lock is taken over on restart', async (t) => {
  const first = spawnBroker(t, []);
  await first.waitForLine(isReady, 'the first broker');
  first.proc.kill('SIGKILL');
  assert.equal(await first.exited, 'SIGKILL');
  const again = spawnBroker(t, [], { dataDir: first.dataDir });
  const warn = await again.waitForLine((l) => l.stalePid === first.proc.pid, 'the stale-lock warning');
  assert.equal(warn.level, 40);
  await again.waitForLine(isReady, 'the restarted broker');
  again.proc.kill('SIGTERM');
  assert.equal(await again.exited, 0);
});

test('settings come from --config, WHARF_* variables and flags', async (t) => {
  const dir = makeDataDir(t);
  const cfg = join(dir, 'wharf.json');
  writeFileSync(cfg, JSON.stringify({ dataDir: join(dir, 'from-file'), flushPolicy: 'never' }));
  const b = spawnBroker(t, ['--config', cfg], { dataDir: join(dir, 'from-flag'), env: { WHARF_FLUSH_POLICY: 'interval:50' } });
  const ready = await b.waitForLine(isReady, 'the ready line');
  assert.equal(ready.dataDir, join(dir, 'from-flag'));
  assert.equal(ready.flushPolicy, 'interval:50');
  b.proc.kill('SIGTERM');
  assert.equal(await b.exited, 0);
});
