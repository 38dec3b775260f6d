import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackAddress } from '../../../../src/broker/amqp/users.js';
import { errorWith, openModel } from './model-fakes.js';

const refused = errorWith('WHARF_ERR_ACCESS_REFUSED', 'Login was refused using authentication mechanism PLAIN. For details see the broker logfile.');

test('without configured users, guest/guest logs in from loopback only, as an administrator of every vhost', async () => {
  const { broker } = await openModel({ vhosts: ['/', 'other'] });
  for (const addr of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
    const user = broker.authenticate('PLAIN', 'guest', 'guest', addr);
    assert.deepEqual(user.tags, ['administrator']);
  }
  assert.throws(() => broker.authenticate('PLAIN', 'guest', 'guest', '10.0.0.5'), refused);
  assert.throws(() => broker.authenticate('PLAIN', 'guest', 'guest', '::ffff:10.0.0.5'), refused);
  assert.throws(() => broker.authenticate('PLAIN', 'guest', 'wrong', '127.0.0.1'), refused);
  const guest = broker.authenticate('AMQPLAIN', 'guest', 'guest', '127.0.0.1');
  assert.equal(broker.openVhost(guest, 'other').name, 'other');
});

test('configured users replace guest; vhost lists limit access', async () => {
  const { broker } = await openModel({ vhosts: ['/', 'a', 'b'], users: [{ name: 'app', password: 's3cret', vhosts: ['a'] }, { name: 'ops', password: 'pw' }] });
  assert.throws(() => broker.authenticate('PLAIN', 'guest', 'guest', '127.0.0.1'), refused);
  assert.throws(() => broker.authenticate('PLAIN', 'app', 's3cre', '10.1.1.1'), refused);
  assert.throws(() => broker.authenticate('PLAIN', 'nobody', 's3cret', '10.1.1.1'), refused);
  const app = broker.authenticate('PLAIN', 'app', 's3cret', '10.1.1.1');
  assert.equal(broker.openVhost(app, 'a').name, 'a');
  assert.throws(() => broker.openVhost(app, 'b'), errorWith('WHARF_ERR_ACCESS_REFUSED', "access to vhost 'b' refused for user 'app'"));
  assert.throws(() => broker.openVhost(app, 'zzz'), errorWith('WHARF_ERR_NOT_ALLOWED', "vhost 'zzz' not found"));
  const ops = broker.authenticate('PLAIN', 'ops', 'pw', '10.1.1.1');
  assert.equal(broker.openVhost(ops, 'b').name, 'b');
  assert.equal(broker.openVhost(ops, '/').name, '/');
});

test('loopback addresses', () => {
  assert.equal(isLoopbackAddress('127.0.0.1'), true);
  assert.equal(isLoopbackAddress('::1'), true);
  assert.equal(isLoopbackAddress('::ffff:127.1.2.3'), true);
  assert.equal(isLoopbackAddress('128.0.0.1'), false);
  assert.equal(isLoopbackAddress('::2'), false);
  assert.equal(isLoopbackAddress('fe80::1'), false);
});
