// Broker logs (docs/logging.md): `--log-format json` writes one JSON object per line with
// structured fields (AMQP connections carry protocol, remoteAddress, user and vhost); `pretty`
// writes a readable text a person can follow in a terminal; `auto` is JSON when stdout is not a
// terminal, as under a process manager.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import amqp from 'amqplib';
import { makeDataDir, REPO_ROOT, spawnBroker, waitForAmqpPort, WHARF_BIN } from '../../helpers/broker-process.js';
import { waitFor } from '../../helpers/wait-for.js';

test('json logs: one object per line, AMQP connections opened and closed with protocol, peer, user and vhost', { timeout: 30_000 }, async (t) => {
  const broker = spawnBroker(t, []);
  const port = await waitForAmqpPort(broker);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`);
  const local = `127.0.0.1:${(conn.connection as unknown as { stream: { localPort: number } }).stream.localPort}`;
  await conn.close();
  const opened = await broker.waitForLine((l) => l.msg === 'amqp: connection opened', 'the connection opened line');
  const closed = await broker.waitForLine((l) => l.msg === 'amqp: connection closed', 'the connection closed line');
  for (const line of [opened, closed]) {
    assert.equal(line.level, 30, 'info');
    assert.equal(typeof line.time, 'number');
    assert.equal(line.protocol, 'amqp');
    assert.equal(line.remoteAddress, local);
    assert.equal(line.user, 'guest');
    assert.equal(line.vhost, '/');
    assert.equal(line.connection, opened.connection);
  }
  // Every line of the process's stdout was JSON (non-JSON lines are kept as {msg} without a level).
  assert.ok(broker.lines.every((l) => typeof l.level === 'number'), JSON.stringify(broker.lines.filter((l) => typeof l.level !== 'number')));
});

test('pretty logs: a readable line per event with its fields indented below, not JSON', { timeout: 30_000 }, async (t) => {
  const out = await runUntil(t, ['--log-format', 'pretty'], (text) => text.includes('amqp listener ready'));
  const lines = out.split('\n');
  const ready = lines.find((l) => l.includes('amqp listener ready')) ?? '';
  assert.match(ready, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: amqp listener ready$/, out);
  const after = lines.slice(lines.indexOf(ready) + 1, lines.indexOf(ready) + 3);
  assert.ok(after.some((l) => /^ {4}port: \d+$/.test(l)), `the fields follow, indented: ${after.join(' | ')}`);
  assert.ok(!lines.some((l) => l.startsWith('{')), 'no JSON lines');
  assert.ok(!out.includes('\u001b['), 'no colours when stdout is not a terminal');
});

test('auto logs: JSON when stdout is not a terminal', { timeout: 30_000 }, async (t) => {
  const out = await runUntil(t, ['--log-format', 'auto'], (text) => text.includes('amqp listener ready'));
  const lines = out.split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 2);
  for (const l of lines) assert.equal(typeof (JSON.parse(l) as { level: unknown }).level, 'number', l);
});

/** Runs `wharf serve` with `args` until its stdout satisfies `done`, then stops it; returns the stdout. */
async function runUntil(t: TestContext, args: string[], done: (stdout: string) => boolean): Promise<string> {
  const dataDir = makeDataDir(t);
  const proc = spawn(process.execPath, [WHARF_BIN, 'serve', '--data-dir', dataDir, '--kafka-port', '0', '--amqp-port', '0', '--http-port', '0', ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  await waitFor(() => done(stdout), 15_000, `the broker's output; stderr: ${stderr}`);
  proc.kill('SIGTERM');
  await exited;
  return stdout;
}
