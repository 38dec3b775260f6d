import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFieldTable, encodeFieldTable } from '../../../../src/formats/amqp/field-table.js';
import { tableHasLegacyTags } from '../../../../src/formats/amqp/field-table-scan.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';
import { everyTagTable, seededRandom } from './helpers/sample-tables.js';

const malformed = (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED');

describe('field table decoder bounds', () => {
  const bytes = encodeFieldTable(everyTagTable());

  it('throws MALFORMED for every truncation of a valid table', () => {
    for (let end = 0; end < bytes.length; end++) {
      assert.throws(() => decodeFieldTable(bytes.subarray(0, end)), malformed, `cut at ${end}`);
    }
  });

  it('with the outer length cut short, decodes at entry boundaries and throws MALFORMED elsewhere; the scanner agrees', () => {
    let boundaries = 0;
    for (let len = 0; len < bytes.length - 4; len++) {
      const lying = Buffer.from(bytes.subarray(0, 4 + len));
      lying.writeUInt32BE(len, 0);
      let ok = true;
      try {
        decodeFieldTable(lying);
        boundaries++;
      } catch (e) {
        ok = false;
        assert.ok(malformed(e), `length ${len}: ${String(e)}`);
      }
      if (ok) assert.doesNotThrow(() => tableHasLegacyTags(lying, 4, 4 + len), `scan length ${len}`);
      else assert.throws(() => tableHasLegacyTags(lying, 4, 4 + len), malformed, `scan length ${len}`);
    }
    assert.equal(boundaries, everyTagTable().size, 'one valid prefix per entry boundary (the empty one included)');
  });

  it('refuses a huge declared length without allocating it', () => {
    const lie = Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 0x61, 0x53, 0x7f, 0xff, 0xff, 0xff]);
    assert.throws(() => decodeFieldTable(lie), malformed);
    const inner = Buffer.from([0, 0, 0, 7, 1, 0x61, 0x53, 0x7f, 0xff, 0xff, 0xff]);
    assert.throws(() => decodeFieldTable(inner), malformed);
  });

  it('survives seeded byte flips with only typed errors or valid tables (seed printed on failure)', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = seededRandom(seed);
      const damaged = Buffer.from(bytes);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < flips; i++) damaged[Math.floor(rnd() * damaged.length)] = Math.floor(rnd() * 256);
      let decoded = true;
      try {
        decodeFieldTable(damaged);
      } catch (e) {
        decoded = false;
        assert.ok(malformed(e), `seed ${seed}: ${String(e)}`);
      }
      // The scanner accepts exactly what the decoder accepts.
      let scanned = true;
      try {
        if (damaged.length >= 4 && damaged.readUInt32BE(0) === damaged.length - 4) tableHasLegacyTags(damaged, 4, damaged.length);
        else scanned = decoded;
      } catch (e) {
        scanned = false;
        assert.ok(malformed(e), `seed ${seed}: ${String(e)}`);
      }
      assert.equal(scanned, decoded, `seed ${seed}: scanner and decoder disagree`);
    }
  });

  it('finds L and s at any depth, and only those', () => {
    assert.equal(tableHasLegacyTags(bytes, 4, bytes.length), false, 'the encoder never writes L or s');
    const nested = Buffer.concat([Buffer.from([0, 0, 0, 17, 1, 0x61, 0x41, 0, 0, 0, 10, 0x46, 0, 0, 0, 5, 1, 0x62, 0x73, 0, 7])]);
    assert.equal(nested.readUInt32BE(0), nested.length - 4);
    assert.equal(tableHasLegacyTags(nested, 4, nested.length), true);
    assert.deepEqual(decodeFieldTable(nested).get('a'), { tag: 'A', value: [{ tag: 'F', value: new Map([['b', { tag: 's', value: 7 }]]) }] });
  });
});
