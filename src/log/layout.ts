// Every on-disk name and magic of a partition log, in one place (docs/on-disk-format.md draws them).
//
//   <partition dir>/
//     partition.meta                    format version, written once when the log is created
//     log-start-offset                  logStartOffset moved by deleteRecordsBefore (optional)
//     clean-shutdown                    present only between a clean close and the next open
//     00000000000000000000.log          RecordBatch v2 bytes, base offsets patched in place
//     00000000000000000000.index        sparse offset index: (relativeOffset u32, position u32)
//     00000000000000000000.timeindex    sparse time index: (maxTimestampMs int64, relativeOffset u32)
//     *.tmp                             half-written replacement files; removed on open

/** Version of the on-disk layout described here, recorded in `partition.meta`. */
export const LOG_FORMAT_VERSION = 1;

export const PARTITION_META_FILE = 'partition.meta';
export const LOG_START_OFFSET_FILE = 'log-start-offset';
export const CLEAN_SHUTDOWN_FILE = 'clean-shutdown';
/** Suffix of a file written by writeFileDurable before its rename into place. */
export const TMP_SUFFIX = '.tmp';

export const LOG_SUFFIX = '.log';
export const OFFSET_INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';

/** Digits of the zero-padded base offset in a segment file name, so `ls` sorts segments. */
export const SEGMENT_NAME_DIGITS = 20;

/** Offset index entry: relative offset u32 BE, then file position u32 BE. */
export const OFFSET_INDEX_ENTRY_BYTES = 8;
/** Time index entry: timestamp int64 BE (ms), then relative offset u32 BE. */
export const TIME_INDEX_ENTRY_BYTES = 12;

/** Relative offsets and positions are u32 in the index files, so a segment spans at most this. */
export const RELATIVE_OFFSET_MAX = 0xffff_ffff;
export const FILE_POSITION_MAX = 0xffff_ffff;

/** A partition directory name being removed by LogManager.delete; `+` is not a valid log name. */
export const DELETING_DIR_SUFFIX = '+deleting';

export type SegmentFileKind = 'log' | 'offsetIndex' | 'timeIndex';

const SEGMENT_SUFFIXES: ReadonlyArray<readonly [string, SegmentFileKind]> = [
  [LOG_SUFFIX, 'log'],
  [OFFSET_INDEX_SUFFIX, 'offsetIndex'],
  [TIME_INDEX_SUFFIX, 'timeIndex'],
];

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(SEGMENT_NAME_DIGITS, '0') + suffix;
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export interface SegmentFileName {
  baseOffset: number;
  kind: SegmentFileKind;
}

const DIGITS = /^[0-9]{20}$/;

/** Parses `<20 digits><suffix>`; null for any other name. */
export function parseSegmentFileName(name: string): SegmentFileName | null {
  for (const [suffix, kind] of SEGMENT_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const digits = name.slice(0, name.length - suffix.length);
    if (!DIGITS.test(digits)) return null;
    const baseOffset = Number(digits);
    if (!Number.isSafeInteger(baseOffset)) return null;
    return { baseOffset, kind };
  }
  return null;
}

/** Contents of `partition.meta`: small text, so an operator can read it with `cat`. */
export function encodePartitionMeta(): Buffer {
  return Buffer.from(`magic=wharf-partition-log\nformatVersion=${LOG_FORMAT_VERSION}\n`, 'utf8');
}

/** The format version recorded in `partition.meta`, or null when the file is not one. */
export function decodePartitionMeta(bytes: Buffer): number | null {
  const text = bytes.toString('utf8');
  if (!text.startsWith('magic=wharf-partition-log\n')) return null;
  const match = /\nformatVersion=([0-9]{1,9})\n/.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export function encodeOffsetText(offset: number): Buffer {
  return Buffer.from(`${offset}\n`, 'utf8');
}

/** A non-negative safe integer written by encodeOffsetText, or null. */
export function decodeOffsetText(bytes: Buffer): number | null {
  const match = /^([0-9]{1,16})\n$/.exec(bytes.toString('utf8'));
  if (match?.[1] === undefined) return null;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : null;
}
