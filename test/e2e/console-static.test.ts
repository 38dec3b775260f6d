// The HTTP listener serves the built console (src/protocols/http/console-static.ts): index.html
// for / and, for a browser, for any path that names no file (deep links), revalidated on every
// load; hashed assets with their content type, cached for a year; 404 for a missing asset and
// for any path that climbs out of the console's folder; the JSON 404 of the API for an API
// client asking an unknown path; HEAD without a body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { spawnBroker } from '../helpers/broker-process.js';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  // node:http sends the path as written, so ../ reaches the server unnormalised.
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the console is served with the right types, cache headers and fallbacks, and nothing outside it', { timeout: 60_000 }, async (t) => {
  const broker = spawnBroker(t, []);
  const { httpPort } = await broker.waitForLine((l) => typeof l.httpPort === 'number', 'the broker to listen', 30_000);
  const port = httpPort as number;

  const index = await get(port, '/');
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-type']), /^text\/html/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.match(index.body, /<div id="app">/);
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)?.[1];
  const style = /href="(\/assets\/[^"]+\.css)"/.exec(index.body)?.[1];
  assert.ok(script !== undefined && style !== undefined, index.body);

  const js = await get(port, script);
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /^text\/javascript/);
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  const css = await get(port, style);
  assert.match(String(css.headers['content-type']), /^text\/css/);

  const deep = await get(port, '/queues/%2F/jobs', { accept: 'text/html,application/xhtml+xml' });
  assert.equal(deep.status, 200);
  assert.equal(deep.body, index.body, 'a deep link gets index.html');

  const head = await get(port, '/', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');

  assert.equal((await get(port, '/assets/missing-0000.js')).status, 404);
  for (const path of ['/../package.json', '/assets/../../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%00.js']) {
    const a = await get(port, path, { accept: 'text/html' });
    assert.ok(a.status === 404 || a.status === 400, `${path} answered ${a.status}`);
    assert.doesNotMatch(a.body, /"name": "wharf"/);
  }

  const unknown = await get(port, '/nope', { accept: 'application/json' });
  assert.equal(unknown.status, 404);
  assert.match(String(unknown.headers['content-type']), /^application\/json/);
  const api = await get(port, '/api/overview');
  assert.equal(api.status, 401, 'the API is not the console');
});
