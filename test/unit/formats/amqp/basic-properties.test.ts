import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeBasicProperties, encodeBasicProperties, normalizePropertiesForDelivery, readHeaders, readPropertySummary, withHeaders, withReplyTo,
} from '../../../../src/formats/amqp/basic-properties.js';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import type { BasicProperties } from '../../../../src/formats/amqp/field-types.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';
import { everyTagTable, everyTagTableNormalised, seededRandom } from './helpers/sample-tables.js';

const malformed = (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED');

export function fullProperties(): BasicProperties {
  return {
    contentType: 'application/json', contentEncoding: 'utf-8', headers: tableFromPlain({ 'x-id': 'é', n: 1 }), deliveryMode: 2,
    priority: 9, correlationId: 'corr', replyTo: 'amq.rabbitmq.reply-to', expiration: '60000', messageId: 'mid', timestamp: 1700000000,
    type: 'task', userId: 'guest', appId: 'celery', clusterId: 'c',
  };
}

describe('basic properties', () => {
  it('round-trips all 14 properties and every subset of one property', () => {
    const all = fullProperties();
    assert.deepEqual(decodeBasicProperties(encodeBasicProperties(all)), all);
    for (const [key, value] of Object.entries(all)) {
      const one = { [key]: value } as BasicProperties;
      assert.deepEqual(decodeBasicProperties(encodeBasicProperties(one)), one, key);
    }
    assert.deepEqual(encodeBasicProperties({}), Buffer.from([0, 0]));
  });

  it('sets flag bits in spec order: content-type bit 15 … cluster-id bit 2', () => {
    assert.equal(encodeBasicProperties({ contentType: 'a' }).readUInt16BE(0), 0x8000);
    assert.equal(encodeBasicProperties({ headers: new Map() }).readUInt16BE(0), 0x2000);
    assert.equal(encodeBasicProperties({ deliveryMode: 2 }).readUInt16BE(0), 0x1000);
    assert.equal(encodeBasicProperties({ expiration: '1' }).readUInt16BE(0), 0x0100);
    assert.equal(encodeBasicProperties({ timestamp: 1 }).readUInt16BE(0), 0x0040);
    assert.equal(encodeBasicProperties({ clusterId: 'c' }).readUInt16BE(0), 0x0004);
    assert.equal(encodeBasicProperties(fullProperties()).readUInt16BE(0), 0xfffc);
  });

  it('refuses a shortstr over 255 bytes on encode', () => {
    assert.throws(() => encodeBasicProperties({ messageId: 'é'.repeat(128) }), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
    assert.doesNotThrow(() => encodeBasicProperties({ messageId: 'a'.repeat(255) }));
  });

  it('reads a further flags word that only continues, and refuses one naming unknown properties', () => {
    const cont = Buffer.from([0x80, 0x01, 0x00, 0x00, 1, 0x61]);
    assert.deepEqual(decodeBasicProperties(cont), { contentType: 'a' });
    assert.equal(readPropertySummary(cont).expirationMs, -1);
    assert.throws(() => decodeBasicProperties(Buffer.from([0x00, 0x01, 0x80, 0x00])), malformed);
    assert.throws(() => readPropertySummary(Buffer.from([0x00, 0x02])), malformed);
  });

  it('summarises persistence, priority and expiration without decoding headers', () => {
    assert.deepEqual(readPropertySummary(encodeBasicProperties(fullProperties())), { persistent: true, priority: 9, expirationMs: 60000 });
    assert.deepEqual(readPropertySummary(encodeBasicProperties({})), { persistent: false, priority: 0, expirationMs: -1 });
    assert.deepEqual(readPropertySummary(encodeBasicProperties({ deliveryMode: 1, expiration: '0' })), { persistent: false, priority: 0, expirationMs: 0 });
  });

  it('refuses an expiration that is not a non-negative integer string with PRECONDITION_FAILED (406)', () => {
    for (const expiration of ['', '-1', '1.5', ' 1', '1e3', 'abc', '99999999999999999999']) {
      assert.throws(() => readPropertySummary(encodeBasicProperties({ expiration })), (e: unknown) => isWharfError(e, 'WHARF_ERR_PRECONDITION_FAILED') && (e as { replyCode?: number }).replyCode === 406, expiration);
    }
  });

  it('returns the same buffer for delivery unless the headers hold L or s', () => {
    const plain = encodeBasicProperties(fullProperties());
    assert.equal(normalizePropertiesForDelivery(plain), plain);
    const none = encodeBasicProperties({ deliveryMode: 2 });
    assert.equal(normalizePropertiesForDelivery(none), none);
    const legacy = legacyProperties();
    const normalised = normalizePropertiesForDelivery(legacy);
    assert.notEqual(normalised, legacy);
    assert.deepEqual(readHeaders(normalised), new Map<string, unknown>([
      ['a', { tag: 'l', value: 5 }],
      ['b', { tag: 'A', value: [{ tag: 'I', value: 7 }] }],
    ]));
    assert.deepEqual(readPropertySummary(normalised), { persistent: true, priority: 0, expirationMs: 1000 });
    assert.equal(decodeBasicProperties(normalised).appId, 'app', 'the properties after the headers are kept');
    assert.equal(normalizePropertiesForDelivery(normalised), normalised, 'normalising twice changes nothing');
  });

  it('reads headers, and replaces or removes them keeping every other property byte-identical', () => {
    const p = fullProperties();
    const buf = encodeBasicProperties(p);
    assert.deepEqual(readHeaders(buf), p.headers);
    assert.equal(readHeaders(encodeBasicProperties({ deliveryMode: 2 })), null);
    const xDeath = tableFromPlain({ 'x-death': [{ count: 1, reason: 'rejected', queue: 'q' }] });
    const replaced = withHeaders(buf, xDeath);
    assert.deepEqual(decodeBasicProperties(replaced), { ...p, headers: xDeath });
    assert.deepEqual(replaced, encodeBasicProperties({ ...p, headers: xDeath }));
    const removed = withHeaders(buf, null);
    const { headers: _h, ...rest } = p;
    assert.deepEqual(removed, encodeBasicProperties(rest));
    // Added where there were none: after content-type/encoding, before delivery-mode.
    const added = withHeaders(encodeBasicProperties({ contentType: 'a', deliveryMode: 2, appId: 'x' }), xDeath);
    assert.deepEqual(added, encodeBasicProperties({ contentType: 'a', headers: xDeath, deliveryMode: 2, appId: 'x' }));
    assert.deepEqual(withHeaders(encodeBasicProperties({}), new Map()), encodeBasicProperties({ headers: new Map() }));
  });

  it('sets reply-to for direct reply-to, present or not', () => {
    const p = fullProperties();
    assert.deepEqual(withReplyTo(encodeBasicProperties(p), 'amq.rabbitmq.reply-to.g2dk'), encodeBasicProperties({ ...p, replyTo: 'amq.rabbitmq.reply-to.g2dk' }));
    assert.deepEqual(withReplyTo(encodeBasicProperties({ headers: new Map(), clusterId: 'c' }), 'r'), encodeBasicProperties({ headers: new Map(), replyTo: 'r', clusterId: 'c' }));
    assert.deepEqual(withReplyTo(encodeBasicProperties({}), ''), encodeBasicProperties({ replyTo: '' }));
    assert.throws(() => withReplyTo(encodeBasicProperties({}), 'x'.repeat(256)), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
  });

  it('normalises L and s in headers on a full encode too', () => {
    const t = everyTagTable();
    assert.deepEqual(decodeBasicProperties(encodeBasicProperties({ headers: t })).headers, everyTagTableNormalised());
  });

  it('throws MALFORMED for every truncation, in every reader', () => {
    for (const buf of [encodeBasicProperties(fullProperties()), legacyProperties()]) {
      for (let end = 0; end < buf.length; end++) {
        const cut = buf.subarray(0, end);
        assert.throws(() => decodeBasicProperties(cut), malformed, `decode cut at ${end}`);
        assert.throws(() => readPropertySummary(cut), malformed, `summary cut at ${end}`);
        assert.throws(() => normalizePropertiesForDelivery(cut), malformed, `normalise cut at ${end}`);
        assert.throws(() => readHeaders(cut), malformed, `headers cut at ${end}`);
        assert.throws(() => withReplyTo(cut, 'r'), malformed, `reply-to cut at ${end}`);
      }
      assert.throws(() => decodeBasicProperties(Buffer.concat([buf, Buffer.from([0])])), malformed, 'trailing byte');
      assert.throws(() => readPropertySummary(Buffer.concat([buf, Buffer.from([0])])), malformed, 'trailing byte');
    }
  });

  it('survives seeded byte flips with only typed errors (seed printed on failure)', () => {
    const original = encodeBasicProperties(fullProperties());
    const typed = (e: unknown) => malformed(e) || isWharfError(e, 'WHARF_ERR_PRECONDITION_FAILED');
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = seededRandom(seed);
      const buf = Buffer.from(original);
      for (let i = 0, n = 1 + Math.floor(rnd() * 3); i < n; i++) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
      for (const read of [decodeBasicProperties, readPropertySummary, normalizePropertiesForDelivery, readHeaders]) {
        try {
          read(buf);
        } catch (e) {
          assert.ok(typed(e), `seed ${seed}, ${read.name}: ${String(e)}`);
        }
      }
    }
  });
});

/** delivery-mode 2, expiration "1000", app-id "app", headers {a: L 5, b: [s 7]} written by hand. */
function legacyProperties(): Buffer {
  const entries = Buffer.from([1, 0x61, 0x4c, 0, 0, 0, 0, 0, 0, 0, 5, 1, 0x62, 0x41, 0, 0, 0, 3, 0x73, 0, 7]);
  const headers = Buffer.concat([Buffer.alloc(4), entries]);
  headers.writeUInt32BE(entries.length, 0);
  return Buffer.concat([
    Buffer.from([0x31, 0x08]), // headers, delivery-mode, expiration, app-id
    headers, Buffer.from([2]), Buffer.from([4]), Buffer.from('1000'), Buffer.from([3]), Buffer.from('app'),
  ]);
}
