// Walks encoded table bytes without building values: used on the publish path to decide whether a
// message's headers need re-encoding (an 'L' or 's' anywhere) and, in passing, to check that they
// parse at all, since the bytes are stored and later copied to consumers as they are.
import { FIELD_TABLE_DEPTH_MAX } from './field-table.js';
import { malformed } from './amqp-format-error.js';

/** Fixed value sizes by tag byte (after the tag); 0 = variable or unknown. */
const FIXED_SIZE = new Uint8Array(256);
for (const [tag, size] of [['t', 1], ['b', 1], ['B', 1], ['s', 2], ['u', 2], ['I', 4], ['i', 4], ['l', 8], ['L', 8], ['f', 4], ['d', 8], ['D', 5], ['T', 8]] as const) {
  FIXED_SIZE[tag.charCodeAt(0)] = size;
}

const TAG_L = 0x4c;
const TAG_s = 0x73;

/**
 * Checks the table whose entries span buf[start, end) (after its 4-byte length) and returns true
 * when it holds an 'L' or 's' value at any depth. Throws MALFORMED when the bytes do not parse.
 */
export function tableHasLegacyTags(buf: Buffer, start: number, end: number): boolean {
  return scanEntries(buf, start, end, 0, true);
}

function scanEntries(buf: Buffer, pos: number, end: number, depth: number, keyed: boolean): boolean {
  if (depth > FIELD_TABLE_DEPTH_MAX) throw malformed(`field tables nest deeper than ${FIELD_TABLE_DEPTH_MAX}`);
  let found = false;
  while (pos < end) {
    if (keyed) {
      const keyEnd = pos + 1 + (buf[pos] as number);
      if (keyEnd >= end) throw malformed(`field table entry at offset ${pos} runs past its table`);
      pos = keyEnd;
    }
    const tag = buf[pos] as number;
    pos += 1;
    if (tag === TAG_L || tag === TAG_s) found = true;
    const fixed = FIXED_SIZE[tag] as number;
    if (fixed > 0) {
      pos += fixed;
    } else if (tag === 0x56) {
      // void: no value bytes
    } else if (tag === 0x53 || tag === 0x78 || tag === 0x41 || tag === 0x46) {
      if (end - pos < 4) throw malformed(`field value length at offset ${pos} runs past its table`);
      const n = buf.readUInt32BE(pos);
      pos += 4;
      if (end - pos < n) throw malformed(`field value at offset ${pos} declares ${n} bytes, past its table`);
      if (tag === 0x41 || tag === 0x46) {
        if (scanEntries(buf, pos, pos + n, depth + 1, tag === 0x46)) found = true;
      }
      pos += n;
    } else {
      throw malformed(`unknown field value tag 0x${tag.toString(16)} at offset ${pos - 1}`);
    }
    if (pos > end) throw malformed(`field value before offset ${end} runs past its table`);
  }
  return found;
}
