// LZ4 in the standard frame format, which RecordBatch v2 uses (the broken header checksum of
// Kafka's magic 0/1 is history). lz4-napi inflates a whole frame with no output limit, so the frame
// is walked here and each block inflated on its own, which bounds memory by the block size and
// stops at the caller's limit. The frame's xxhash checksums are not verified: the batch CRC32C
// already covers these bytes.
import { compressFrameSync, uncompressSync } from 'lz4-napi';
import { badFraming, tooLarge } from './compression-errors.js';

const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BD_RESERVED = 0x8f;
const BLOCK_UNCOMPRESSED = 0x8000_0000;
const BLOCK_SIZE_MASK = 0x7fff_ffff;
/**
 * LZ4 inflates at most 255 bytes per input byte (one match-length byte of 255), so a block gets
 * no more room than that or the frame's block size: a run of tiny blocks cannot make the library
 * reserve 4 MiB each.
 */
const LZ4_EXPANSION_MAX = 255;
/** BD bits 4-6 select the maximum block size: 4 → 64 KiB … 7 → 4 MiB. */
const BLOCK_BYTES_MAX_BY_ID: Readonly<Record<number, number>> = { 4: 0x1_0000, 5: 0x4_0000, 6: 0x10_0000, 7: 0x40_0000 };

export function lz4Compress(data: Buffer): Buffer {
  // lz4-napi's frame defaults (independent 64 KiB blocks, no checksums) are what Kafka's Java
  // reader requires: it refuses dependent blocks.
  return compressFrameSync(data);
}

export function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = 0;
  do {
    const first = blocks.length;
    pos = decompressFrame(data, pos, maxBytes, blocks, total);
    for (let i = first; i < blocks.length; i++) total += (blocks[i] as Buffer).length;
  } while (pos < data.length);
  return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks, total);
}

/** Inflates the frame at `pos` into `blocks`; returns the position after it. */
function decompressFrame(data: Buffer, pos: number, maxBytes: number, blocks: Buffer[], producedBefore: number): number {
  if (data.length - pos < 7) throw badFraming('lz4 frame header is cut short');
  if (data.readUInt32LE(pos) !== FRAME_MAGIC) throw badFraming('lz4 payload does not start with the frame magic');
  const flg = data.readUInt8(pos + 4);
  const bd = data.readUInt8(pos + 5);
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01 || (flg & FLG_RESERVED) !== 0 || (bd & BD_RESERVED) !== 0) {
    throw badFraming('lz4 frame descriptor has an unknown version or reserved bits set');
  }
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) throw badFraming('lz4 frame uses dependent blocks, which Kafka does not accept');
  if ((flg & FLG_DICT_ID) !== 0) throw badFraming('lz4 frame needs a dictionary, which Kafka does not define');
  const blockBytesMax = BLOCK_BYTES_MAX_BY_ID[(bd >> 4) & 0x07];
  if (blockBytesMax === undefined) throw badFraming('lz4 frame declares an invalid maximum block size');
  pos += 6;
  let declaredContentBytes = -1;
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (data.length - pos < 8) throw badFraming('lz4 frame header is cut short');
    const high = data.readUInt32LE(pos + 4);
    declaredContentBytes = high * 0x1_0000_0000 + data.readUInt32LE(pos);
    if (producedBefore + declaredContentBytes > maxBytes) throw tooLarge(producedBefore + declaredContentBytes, maxBytes);
    pos += 8;
  }
  pos += 1; // header checksum (see the file comment)
  const blockChecksumBytes = (flg & FLG_BLOCK_CHECKSUM) !== 0 ? 4 : 0;
  let produced = 0;
  for (;;) {
    if (data.length - pos < 4) throw badFraming('lz4 block size is cut short');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break; // EndMark
    const size = word & BLOCK_SIZE_MASK;
    if (size > blockBytesMax || size > data.length - pos - blockChecksumBytes) {
      throw badFraming(`lz4 block of ${size} bytes overruns the frame or its maximum block size`);
    }
    const block = data.subarray(pos, pos + size);
    const out = (word & BLOCK_UNCOMPRESSED) !== 0 ? block : inflateBlock(block, blockBytesMax);
    produced += out.length;
    if (producedBefore + produced > maxBytes) throw tooLarge(producedBefore + produced, maxBytes);
    blocks.push(out);
    pos += size + blockChecksumBytes;
  }
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
    if (data.length - pos < 4) throw badFraming('lz4 content checksum is cut short');
    pos += 4;
  }
  if (declaredContentBytes >= 0 && declaredContentBytes !== produced) {
    throw badFraming(`lz4 frame declared ${declaredContentBytes} bytes but inflated to ${produced}`);
  }
  return pos;
}

/**
 * lz4-napi's block API reads a little-endian size prefix and inflates into that much room,
 * failing rather than writing past it.
 */
function inflateBlock(block: Buffer, blockBytesMax: number): Buffer {
  const room = Math.min(blockBytesMax, block.length * LZ4_EXPANSION_MAX + 64);
  const prefixed = Buffer.allocUnsafe(4 + block.length);
  prefixed.writeUInt32LE(room, 0);
  block.copy(prefixed, 4);
  return uncompressSync(prefixed);
}
