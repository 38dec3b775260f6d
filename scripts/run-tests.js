#!/usr/bin/env node
// Runs every compiled *.test.js under the given test folders (default: all of test/) with node:test.
// Node 20's `--test` does not expand globs, so the file list is built here.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2);
const dirs = (roots.length > 0 ? roots : ['test']).map((d) => join('dist', d));

function walk(dir, out) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
}

const files = [];
for (const d of dirs) walk(d, files);
if (files.length === 0) {
  process.stderr.write(`no test files under ${dirs.join(', ')}; did the build run?\n`);
  process.exit(1);
}
const concurrency = process.env.WHARF_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
