// Splits a byte stream into lines at "\n" without decoding it, so keys and values stay the bytes
// the user piped in. Lines inside one chunk are views into it; only a line that spans chunks is
// copied. A final line without "\n" is still a line; "\r" is kept (it is part of the data).
import { WharfError } from '../util/wharf-error.js';
import { ERR_CLI_USAGE } from './kafka-options.js';

const NEWLINE = 0x0a;
export const LINE_BYTES_MAX_DEFAULT = 32 * 1024 * 1024;

/** Yields the complete lines of each chunk as they arrive (an array per chunk, possibly empty). */
export async function* readLines(input: AsyncIterable<Buffer | string>, lineBytesMax = LINE_BYTES_MAX_DEFAULT): AsyncGenerator<Buffer[]> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const lines: Buffer[] = [];
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(NEWLINE, start)) !== -1) {
      const part = chunk.subarray(start, nl);
      if (carryBytes > 0) {
        carry.push(part);
        lines.push(Buffer.concat(carry, carryBytes + part.length));
        carry = [];
        carryBytes = 0;
      } else {
        lines.push(part);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      carry.push(chunk.subarray(start));
      carryBytes += chunk.length - start;
      if (carryBytes > lineBytesMax) {
        throw new WharfError(ERR_CLI_USAGE, `an input line is longer than ${lineBytesMax} bytes; split it (each line becomes one record)`);
      }
    }
    yield lines;
  }
  if (carryBytes > 0) yield [Buffer.concat(carry, carryBytes)];
}
