import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config.js';
import { CONFIG_KEYS, defaultConfig } from '../../../src/config/config-keys.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

function configFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-config-'));
  const path = join(dir, 'wharf.json');
  writeFileSync(path, content);
  return path;
}

test('defaults are the embedded single-node ports and ./data', () => {
  const c = loadConfig();
  assert.equal(c.kafkaPort, 9092);
  assert.equal(c.amqpPort, 5672);
  assert.equal(c.httpPort, 8080);
  assert.equal(c.dataDir, './data');
  assert.equal(c.flushPolicy, 'always');
  assert.deepEqual(c, defaultConfig());
});

test('a flag beats an environment variable, which beats the config file', () => {
  const file = configFile(JSON.stringify({ kafkaPort: 1001, amqpPort: 1002, httpPort: 1003 }));
  const c = loadConfig({
    flags: { kafkaPort: '3001' },
    env: { WHARF_KAFKA_PORT: '2001', WHARF_AMQP_PORT: '2002' },
    configFile: file,
  });
  assert.equal(c.kafkaPort, 3001);
  assert.equal(c.amqpPort, 2002);
  assert.equal(c.httpPort, 1003);
});

test('sizes and durations accept units', () => {
  const c = loadConfig({ env: { WHARF_SEGMENT_BYTES: '64MiB', WHARF_RETENTION_MS: '2d', WHARF_SEGMENT_MS: '30s' } });
  assert.equal(c.segmentBytes, 64 * 1024 * 1024);
  assert.equal(c.retentionMs, 2 * 86_400_000);
  assert.equal(c.segmentMs, 30_000);
});

test('an invalid value names the setting, the source and what is accepted', () => {
  assert.throws(
    () => loadConfig({ env: { WHARF_KAFKA_PORT: '70000' } }),
    (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_INVALID') && /WHARF_KAFKA_PORT/.test(err.message) && /0 to 65535/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ flags: { flushPolicy: 'sometimes' } }),
    (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_INVALID') && /--flush-policy/.test(err.message) && /interval:MS/.test(err.message),
  );
});

test('the config file rejects unknown keys and non-objects', () => {
  assert.throws(() => loadConfig({ configFile: configFile('{"kafka_port": 1}') }), (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_FILE') && /unknown key "kafka_port"/.test(err.message));
  assert.throws(() => loadConfig({ configFile: configFile('[1]') }), (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_FILE'));
  assert.throws(() => loadConfig({ configFile: configFile('{nope') }), (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_FILE') && /not valid JSON/.test(err.message));
  assert.throws(() => loadConfig({ configFile: '/nonexistent/wharf.json' }), (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_FILE'));
});

test('every setting has a flag, a WHARF_ variable and a description', () => {
  const flags = new Set<string>();
  for (const k of CONFIG_KEYS) {
    assert.match(k.env, /^WHARF_[A-Z_]+$/);
    assert.ok(k.description.length > 20, `${k.key} needs a description`);
    assert.ok(!flags.has(k.flag), `duplicate flag ${k.flag}`);
    flags.add(k.flag);
  }
});

test('the group session timeout bounds are checked against each other', () => {
  assert.equal(loadConfig({ env: { WHARF_GROUP_SESSION_TIMEOUT_MIN_MS: '1s', WHARF_GROUP_SESSION_TIMEOUT_MAX_MS: '1s' } }).groupSessionTimeoutMaxMs, 1000);
  assert.throws(() => loadConfig({ flags: { groupSessionTimeoutMinMs: '10s', groupSessionTimeoutMaxMs: '5s' } }),
    (err) => isWharfError(err, 'WHARF_ERR_CONFIG_INVALID') && /groupSessionTimeoutMaxMs \(5000\) is below groupSessionTimeoutMinMs \(10000\)/.test((err as Error).message));
});
