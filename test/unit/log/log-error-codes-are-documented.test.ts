import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogErrorCode } from '../../../src/log/log-errors.js';

test('every WHARF_ERR_* code the log throws has a row in docs/errors.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../../../docs/errors.md'), 'utf8');
  for (const code of Object.values(LogErrorCode)) assert.match(doc, new RegExp(`^\\| \`${code}\` \\|`, 'm'), code);
});
