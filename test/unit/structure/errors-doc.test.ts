import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/broker-process.js';

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('every WHARF_ERR_* code used in src/ is documented in docs/errors.md', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set(doc.match(/WHARF_ERR_[A-Z0-9_]+/g) ?? []);
  const used = new Map<string, string>();
  for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
    for (const code of readFileSync(file, 'utf8').match(/WHARF_ERR_[A-Z0-9_]+/g) ?? []) used.set(code, file);
  }
  assert.ok(used.size > 0, 'src/ uses error codes');
  const missing = [...used].filter(([code]) => !documented.has(code)).map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(missing, [], 'codes missing from docs/errors.md');
});

test('docs/errors.md lists each code once', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => /^\| `?WHARF_ERR_/.test(l)).map((l) => /WHARF_ERR_[A-Z0-9_]+/.exec(l)?.[0]);
  assert.equal(new Set(rows).size, rows.length, 'duplicate rows');
});
