// Snappy as Kafka clients write it. The Java client (snappy-java's SnappyOutputStream) writes the
// xerial stream: an 8-byte magic, int32 version, int32 minimum compatible version, then chunks of
// [int32 length][raw snappy block]. Some clients (e.g. older kafkajs codecs) write one raw block.
// Both are read; xerial is written because every client reads it.
import { compressSync, uncompressSync } from 'snappy';
import { readUnsignedVarint, type VarintRead } from '../varint.js';
import { badFraming, tooLarge } from './compression-errors.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]); // \x82SNAPPY\0
const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size; smaller blocks would cost ratio, larger ones reader memory. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

export function snappyCompress(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let total = XERIAL_HEADER_BYTES;
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_BYTES) {
    const block = compressSync(data.subarray(pos, pos + XERIAL_BLOCK_BYTES));
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(XERIAL_VERSION, 8);
  out.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  let pos = XERIAL_HEADER_BYTES;
  for (const block of blocks) {
    out.writeInt32BE(block.length, pos);
    block.copy(out, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

export function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  if (isXerial(data)) return decompressXerial(data, maxBytes);
  return decompressBlock(data, 0, maxBytes);
}

function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.compare(XERIAL_MAGIC, 0, XERIAL_MAGIC.length, 0, XERIAL_MAGIC.length) === 0;
}

function decompressXerial(data: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.length) {
    if (data.length - pos < 4) throw badFraming('xerial snappy chunk length is cut short');
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) throw badFraming(`xerial snappy chunk of ${length} bytes overruns the payload`);
    const block = decompressBlock(data.subarray(pos, pos + length), total, maxBytes);
    total += block.length;
    blocks.push(block);
    pos += length;
  }
  return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks, total);
}

const preamble: VarintRead = { value: 0 };

/** One raw snappy block, whose varint preamble states its output size: checked before inflating. */
function decompressBlock(block: Buffer, producedBefore: number, maxBytes: number): Buffer {
  if (readUnsignedVarint(block, 0, block.length, preamble) < 0) throw badFraming('snappy block has no valid length preamble');
  const declared = preamble.value;
  if (producedBefore + declared > maxBytes) throw tooLarge(producedBefore + declared, maxBytes);
  const out = uncompressSync(block);
  if (typeof out === 'string' || out.length !== declared) throw badFraming('snappy block inflated to a size other than it declared');
  return out;
}
