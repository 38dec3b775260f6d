// Walking batch headers in a segment file without decoding records: a window of the file is
// read at a time and only the fixed headers are looked at, so a scan costs one read per window,
// not one per batch. Used to find a batch by offset or timestamp between two index entries.
import { BATCH_HEADER_BYTES, batchTotalBytes } from '../records/batch-header.js';
import type { FileHandle } from './file-io.js';
import { LogErrorCode, logError } from './log-errors.js';

/** Reads until `length` bytes are in `buffer` or the file ends; returns the bytes read. */
export async function readFully(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await handle.read(buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Visits the header of every batch in [from, to) in order, `visit(buf, at, position, totalBytes)`
 * seeing the header at `buf[at..at + BATCH_HEADER_BYTES)`. Stops at the first batch for which
 * `visit` returns true and returns its position, or returns -1 when it reaches `to`.
 */
export async function scanBatchHeaders(
  handle: FileHandle,
  from: number,
  to: number,
  windowBytes: number,
  visit: (buf: Buffer, at: number, position: number, totalBytes: number) => boolean,
): Promise<number> {
  const buf = Buffer.allocUnsafe(Math.max(BATCH_HEADER_BYTES, Math.min(windowBytes, to - from)));
  let bufStart = 0;
  let bufBytes = 0;
  let position = from;
  while (position + BATCH_HEADER_BYTES <= to) {
    if (position < bufStart || position + BATCH_HEADER_BYTES > bufStart + bufBytes) {
      bufBytes = await readFully(handle, buf, Math.min(buf.length, to - position), position);
      bufStart = position;
      if (bufBytes < BATCH_HEADER_BYTES) throw corruptSegment(handle.path, position, 'file ends inside a batch header');
    }
    const at = position - bufStart;
    const totalBytes = batchTotalBytes(buf, at);
    if (totalBytes < BATCH_HEADER_BYTES || position + totalBytes > to) {
      throw corruptSegment(handle.path, position, `batch length ${totalBytes} does not fit`);
    }
    if (visit(buf, at, position, totalBytes)) return position;
    position += totalBytes;
  }
  return -1;
}

/** Bytes that passed their checks when written no longer parse: the disk changed them. */
export function corruptSegment(path: string, position: number, what: string): Error {
  return logError(
    LogErrorCode.LOG_IO,
    `segment ${path} is damaged at position ${position}: ${what}; stop the broker and restart it so recovery truncates the damaged tail`,
  );
}
