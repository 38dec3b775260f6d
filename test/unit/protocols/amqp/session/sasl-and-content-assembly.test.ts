import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFieldTable, tableFromPlain } from '../../../../../src/formats/amqp/field-table.js';
import { ContentAssembler } from '../../../../../src/protocols/amqp/content-assembler.js';
import { AmqpCloseError } from '../../../../../src/protocols/amqp/reply-codes.js';
import { parseSaslResponse } from '../../../../../src/protocols/amqp/sasl.js';
import { parseAmqpUsers, parseAmqpVhosts } from '../../../../../src/broker/amqp-settings.js';

test('PLAIN and AMQPLAIN responses give user and password; anything else is refused with 403', () => {
  assert.deepEqual(parseSaslResponse('PLAIN', Buffer.from('\0alice\0s3cret')), { mechanism: 'PLAIN', username: 'alice', password: 's3cret' });
  const table = encodeFieldTable(tableFromPlain({ LOGIN: 'bob', PASSWORD: 'pw' }));
  assert.deepEqual(parseSaslResponse('AMQPLAIN', table.subarray(4)), { mechanism: 'AMQPLAIN', username: 'bob', password: 'pw' });
  for (const [mech, bytes] of [['PLAIN', 'no-nuls'], ['AMQPLAIN', '\x01x'], ['EXTERNAL', '']] as const) {
    assert.throws(() => parseSaslResponse(mech, Buffer.from(bytes)), (e: unknown) => e instanceof AmqpCloseError && e.replyCode === 403);
  }
});

function header(bodySize: number, props: Buffer = Buffer.from([0x10, 0x00, 2])): Buffer {
  const b = Buffer.alloc(12 + props.length);
  b.writeUInt16BE(60, 0);
  b.writeUInt32BE(Math.floor(bodySize / 2 ** 32), 4);
  b.writeUInt32BE(bodySize % 2 ** 32, 8);
  props.copy(b, 12);
  return b;
}

test('content assembles from a header and body frames into one copied buffer', () => {
  const a = new ContentAssembler(1024);
  a.start('ex', 'rk', true);
  assert.equal(a.expectingContent, true);
  assert.equal(a.header(header(6)), null);
  const frame = Buffer.from('xxabcyy');
  assert.equal(a.bodyFrame(frame.subarray(2, 5)), null);
  frame.fill(0);
  const done = a.bodyFrame(Buffer.from('def'));
  assert.ok(done !== null);
  assert.equal(done.body.toString(), 'abcdef');
  assert.deepEqual([...done.properties], [0x10, 0x00, 2]);
  assert.equal(done.mandatory, true);
  assert.equal(a.expectingContent, false);
});

test('an empty body completes at the header; oversize, excess and out-of-order content are refused with the right codes', () => {
  const a = new ContentAssembler(10);
  a.start('', 'q', false);
  assert.equal(a.header(header(0))?.body.length, 0);
  const code = (fn: () => unknown): number => {
    try {
      fn();
    } catch (e) {
      return (e as AmqpCloseError).replyCode;
    }
    return 0;
  };
  assert.equal(code(() => a.header(header(1))), 505, 'header without publish');
  assert.equal(code(() => a.bodyFrame(Buffer.from('x'))), 505, 'body without publish');
  a.start('', 'q', false);
  assert.equal(code(() => a.header(header(11))), 406, 'larger than the limit');
  a.start('', 'q', false);
  a.header(header(2));
  assert.equal(code(() => a.bodyFrame(Buffer.from('abc'))), 501, 'more body than announced');
});

test('amqpUsers and amqpVhosts settings parse, and bad entries say what is wrong', () => {
  assert.deepEqual(parseAmqpUsers(''), []);
  assert.deepEqual(parseAmqpUsers('alice:pw:administrator, bob:x'), [
    { name: 'alice', password: 'pw', tags: ['administrator'] },
    { name: 'bob', password: 'x', tags: [] },
  ]);
  assert.throws(() => parseAmqpUsers('alice'), /name:password/);
  assert.throws(() => parseAmqpUsers('alice:pw:root'), /unknown tag 'root'/);
  assert.deepEqual(parseAmqpVhosts('/'), ['/']);
  assert.deepEqual(parseAmqpVhosts('dev, prod'), ['/', 'dev', 'prod']);
});
