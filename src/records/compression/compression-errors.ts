// The two ways a codec refuses a payload, shared by every codec so callers see one vocabulary.
import { RecordsError, RecordsErrorCode } from '../records-error.js';

/** The output would pass the caller's limit; reported before the excess is produced. */
export function tooLarge(bytes: number, maxBytes: number): RecordsError {
  return new RecordsError(
    RecordsErrorCode.TOO_LARGE,
    `decompressed records need more than ${maxBytes} bytes (at least ${bytes}); raise the decompressed-bytes limit or have the producer send smaller batches`,
  );
}

/** The compressed framing is malformed. */
export function badFraming(what: string): RecordsError {
  return new RecordsError(RecordsErrorCode.COMPRESSION, what);
}
