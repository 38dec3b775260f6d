// src/client/ is a Kafka client: it may use the wire codec, the record format and util/, never
// the broker's internals, so the CLI keeps working against any Kafka broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/broker-process.js';

test('src/client imports only protocols/kafka (codec, schemas, error codes), records and util', () => {
  const dir = join(REPO_ROOT, 'src', 'client');
  const allowed = /^(\.\/|\.\.\/records\/|\.\.\/util\/|\.\.\/protocols\/kafka\/(codec\/|schema\/|messages\.js|framing\.js|error-codes\.js|request-header\.js)|node:)/;
  const bad: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/from '([^']+)'/g)) if (!allowed.test(m[1] ?? '')) bad.push(`${name}: ${m[1]}`);
  }
  assert.deepEqual(bad, []);
});
