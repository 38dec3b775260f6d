import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BatchCheck } from '../../../src/records/batch-check.js';
import { batchCheckError, isRecordsError, RecordsError, RecordsErrorCode } from '../../../src/records/records-error.js';
import { isWharfError, WharfError } from '../../../src/util/wharf-error.js';

describe('RecordsError', () => {
  const codes = Object.values(RecordsErrorCode);

  it('has distinct WHARF_ERR_RECORDS_* codes, each documented in docs/errors.md', () => {
    assert.equal(new Set(codes).size, codes.length);
    const doc = readFileSync('docs/errors.md', 'utf8');
    for (const code of codes) {
      assert.match(code, /^WHARF_ERR_RECORDS_[A-Z_]+$/);
      assert.ok(doc.includes(`| \`${code}\` |`), `${code} has no row in docs/errors.md`);
    }
  });

  it('is a WharfError carrying its code and the byte position of the fault', () => {
    const err = new RecordsError(RecordsErrorCode.CRC, 'bad', 17);
    assert.equal(err.position, 17);
    assert.equal(err.name, 'RecordsError');
    assert.ok(err instanceof WharfError);
    assert.ok(isWharfError(err, 'WHARF_ERR_RECORDS_CRC'));
    assert.ok(isRecordsError(err, RecordsErrorCode.CRC));
    assert.ok(!isRecordsError(err, RecordsErrorCode.CORRUPT));
    assert.ok(!isRecordsError(new WharfError('WHARF_ERR_RECORDS_CRC', 'not a RecordsError')));
  });

  it('maps every checkBatchAt failure to a code, splitting "too short" from "too large"', () => {
    const header = Buffer.alloc(61);
    header.writeInt32BE(20, 8); // a length below the header size
    assert.equal(batchCheckError(BatchCheck.BAD_LENGTH, header, 0).code, RecordsErrorCode.CORRUPT);
    header.writeInt32BE(5_000_000, 8);
    assert.equal(batchCheckError(BatchCheck.BAD_LENGTH, header, 0).code, RecordsErrorCode.TOO_LARGE);
    assert.equal(batchCheckError(BatchCheck.TRUNCATED, header, 0).code, RecordsErrorCode.TRUNCATED);
    assert.equal(batchCheckError(BatchCheck.BAD_MAGIC, header, 0).code, RecordsErrorCode.UNSUPPORTED_MAGIC);
    assert.equal(batchCheckError(BatchCheck.BAD_CRC, header, 0).code, RecordsErrorCode.CRC);
    const counts = batchCheckError(BatchCheck.BAD_COUNTS, header, 3);
    assert.equal(counts.code, RecordsErrorCode.CORRUPT);
    assert.equal(counts.position, 3);
  });
});
