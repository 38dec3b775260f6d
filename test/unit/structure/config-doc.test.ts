import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../../src/config/config-keys.js';
import { renderConfigurationDoc } from '../../../src/config/config-doc.js';
import { REPO_ROOT } from '../../helpers/broker-process.js';

test('docs/configuration.md is the rendering of the settings table (run `npm run docs:config` after changing it)', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
  assert.equal(doc, renderConfigurationDoc());
  for (const k of CONFIG_KEYS) {
    assert.ok(doc.includes(`\`--${k.flag}\``) && doc.includes(`\`${k.env}\``) && doc.includes(`\`${k.key}\``), k.key);
  }
});
