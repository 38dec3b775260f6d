import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress, parseAddress, parseAddressList } from '../../../src/client/broker-address.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

test('HOST:PORT, [IPv6]:PORT and comma-separated lists parse; the rest says what is expected', () => {
  assert.deepEqual(parseAddress('localhost:9092'), { host: 'localhost', port: 9092 });
  assert.deepEqual(parseAddress(' 10.0.0.1:19092 '), { host: '10.0.0.1', port: 19092 });
  assert.deepEqual(parseAddress('[::1]:9092'), { host: '::1', port: 9092 });
  assert.equal(formatAddress({ host: '::1', port: 9092 }), '[::1]:9092');
  assert.deepEqual(parseAddressList('a:1, b:2,'), [{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
  for (const bad of ['localhost', 'localhost:', ':9092', 'h:0', 'h:70000', '::1:9092', 'h:p', '']) {
    assert.throws(() => parseAddressList(bad), (err: unknown) => isWharfError(err, 'WHARF_ERR_CLIENT_BAD_ADDRESS') && /--bootstrap/.test(err.message), bad);
  }
});
