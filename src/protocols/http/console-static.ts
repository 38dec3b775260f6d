// Serves the web console (docs/console.md): the files Vite built into dist/ui. Hashed files under
// /assets/ are cached for a year; index.html is revalidated on every load and answers every path
// that names no file when the client asks for HTML (a browser), so the console's client-side
// routes work as deep links while an API client still gets the JSON 404 of an unknown path. A path
// that names a file (it has an extension) but is missing is a 404, never index.html: a stale asset
// must fail loudly rather than be parsed as HTML.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/ui, next to dist/src where this file is compiled to. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../ui/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** True for paths the console answers: everything the other HTTP services do not own. */
export function isConsolePath(pathname: string): boolean {
  for (const prefix of ['/v1', '/api', '/ws', '/metrics']) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return false;
  }
  return true;
}

/**
 * Answers a GET or HEAD for the console from `dir`; false (nothing sent) for a path that names no
 * file when the client does not accept HTML, so the caller answers it as an unknown API path.
 */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string = CONSOLE_DIR): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendPlain(res, 400, `the path ${pathname} is not valid percent-encoding`);
    return true;
  }
  // Resolve inside dir only: a path that climbs out (../, encoded or not) or holds a NUL is refused.
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const target = join(dir, relative);
  if (decoded.includes('\0') || (target !== dir && !target.startsWith(dir.endsWith(sep) ? dir : dir + sep))) {
    sendPlain(res, 404, 'not found');
    return true;
  }
  const isFile = extname(relative) !== '';
  if (!isFile && pathname !== '/' && !acceptsHtml(req)) return false;
  const file = isFile ? target : join(dir, 'index.html');
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) {
    if (!isFile) sendPlain(res, 404, 'the web console is not built: run `npm run build` (it writes dist/ui)');
    else sendPlain(res, 404, `no console file ${decoded}`);
    return true;
  }
  const hashed = relative.startsWith(`assets${sep}`) || relative.startsWith('assets/');
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': hashed ? IMMUTABLE : REVALIDATE,
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', resolve);
    stream.pipe(res);
  });
  return true;
}

function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function sendPlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': REVALIDATE });
  res.end(text);
}
