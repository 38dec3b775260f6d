// Request bodies, bounded (docs/gateway.md): a Content-Length above the limit is refused before
// a byte is read; a chunked body is counted while it streams and refused as soon as it passes
// the limit, and nothing more of it is read.
import type { IncomingMessage } from 'node:http';
import { badRequest, HttpError, HttpErrorCode } from './http-error.js';

const EMPTY = Buffer.alloc(0);

export function tooLarge(bytes: number | string, limit: number): HttpError {
  return new HttpError(413, HttpErrorCode.PAYLOAD_TOO_LARGE,
    `the request body of ${bytes} bytes is larger than the ${limit} bytes allowed; send less, or raise --http-body-bytes-max`,
    { connection: 'close' });
}

/** The declared Content-Length when it is above `limit` (the request is refused unread), else -1. */
export function declaredTooLarge(req: IncomingMessage, limit: number): number {
  const declared = req.headers['content-length'];
  if (declared === undefined) return -1;
  const n = Number(declared);
  return Number.isFinite(n) && n > limit ? n : -1;
}

/** Thrown when the client went away before its body arrived; nothing is answered. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before its request body arrived');
    this.name = 'ClientGoneError';
  }
}

/**
 * The whole body as one buffer that owns its memory (a queue may keep it). Rejects with 413 as
 * soon as more than `limit` bytes have come, and then stops reading.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredTooLarge(req, limit);
  if (declared >= 0) return Promise.reject(tooLarge(declared, limit));
  if (req.readableEnded) return Promise.resolve(EMPTY);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(`more than ${limit}`, limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (total === 0) return resolve(EMPTY);
      const body = Buffer.allocUnsafeSlow(total);
      let pos = 0;
      for (const c of chunks) pos += c.copy(body, pos);
      resolve(body);
    };
    const onGone = (): void => {
      cleanup();
      reject(new ClientGoneError());
    };
    const onClose = (): void => {
      if (!req.complete) onGone();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onClose);
  });
}

/** True for application/json and application/*+json, with any parameters. */
export function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const mime = (type.split(';', 1)[0] as string).trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/** Parses a JSON body; 400 with the parser's message when it is not JSON. An empty body is undefined. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** A JSON object body, or 400 naming what it is instead. `fields` lists the keys it may have. */
export function jsonObject(value: unknown, fields: readonly string[], what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`${what} must be a JSON object`);
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!fields.includes(key)) throw badRequest(`${what} has an unknown field "${key}"; it may have ${fields.join(', ')}`);
  }
  return o;
}
