// wharf/client is loaded by browsers as it is compiled (<script type="module">): every file must
// be self-contained ESM that imports only its siblings, with no Node module or global.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../../helpers/broker-process.js';

const DIST = join(REPO_ROOT, 'dist', 'src', 'client', 'web');

function compiledFiles(): string[] {
  const files = readdirSync(DIST).filter((n) => n.endsWith('.js'));
  assert.ok(files.includes('index.js'), 'dist/src/client/web/index.js exists (run the build)');
  return files;
}

test('the compiled client imports only sibling .js files that exist', () => {
  const bad: string[] = [];
  let count = 0;
  for (const name of compiledFiles()) {
    const text = readFileSync(join(DIST, name), 'utf8');
    const specifiers = [
      ...[...text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]),
      ...[...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]),
      ...[...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]),
    ];
    count += specifiers.length;
    for (const spec of specifiers) {
      if (spec === undefined || !/^\.\/[a-z0-9-]+\.js$/.test(spec) || !existsSync(join(DIST, spec))) bad.push(`${name}: ${spec}`);
    }
  }
  assert.ok(count >= 10, `found the imports (${count})`);
  assert.deepEqual(bad, []);
});

test('the compiled client uses no node: module, Buffer, require() or process', () => {
  const bad: string[] = [];
  for (const name of compiledFiles()) {
    const text = readFileSync(join(DIST, name), 'utf8');
    for (const pattern of [/['"]node:/, /\bBuffer\b/, /\brequire\s*\(/, /\bprocess\s*\./, /\bsetImmediate\b/, /\b__dirname\b/]) {
      if (pattern.test(text)) bad.push(`${name}: ${pattern}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("the package exports './client' and it resolves to the browser build", async () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; files: string[] };
  assert.deepEqual(pkg.exports['./client'], { types: './dist/src/client/web/index.d.ts', default: './dist/src/client/web/index.js' });
  assert.ok(pkg.files.includes('dist/src'), 'the compiled client is in the published files');
  const specifier = 'wharf/client'; // a variable, so tsc does not need dist/ to type-check this file
  const mod = (await import(specifier)) as Record<string, unknown>;
  assert.equal(typeof mod.connect, 'function');
  assert.equal(typeof mod.WharfClientError, 'function');
});

// Loads the compiled modules in a vm context that has only what a browser has (no process, Buffer,
// require, setImmediate), with a global WebSocket that answers one publish. vm modules need
// --experimental-vm-modules, hence a child process.
const BROWSER_LIKE_RUN = `
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
const dir = process.argv[1];
class PageWebSocket {
  constructor(url) { this.readyState = 0; setTimeout(() => { this.readyState = 1; this.onopen?.({}); }, 0); }
  send(d) { const op = JSON.parse(d); setTimeout(() => this.onmessage?.({ data: JSON.stringify({ op: 'published', ref: op.ref, routed: true }) }), 0); }
  close() { this.readyState = 3; setTimeout(() => this.onclose?.({ code: 1000, reason: '' }), 0); }
}
const context = vm.createContext({ TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask, WebSocket: PageWebSocket });
const modules = new Map();
const get = (name) => {
  if (!modules.has(name)) modules.set(name, new vm.SourceTextModule(readFileSync(dir + '/' + name, 'utf8'), { context, identifier: name }));
  return modules.get(name);
};
const index = get('index.js');
await index.link((spec) => get(spec.replace(/^\\.\\//, '')));
await index.evaluate();
const client = await index.namespace.connect('ws://page.test/ws');
const answer = await client.publish('', 'q', new Uint8Array([1, 2, 3]));
await client.close();
console.log(JSON.stringify(answer));
`;

test('the compiled client runs with browser globals only, using the global WebSocket', () => {
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '--input-type=module', '-e', BROWSER_LIKE_RUN, DIST], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '{"routed":true}');
});
