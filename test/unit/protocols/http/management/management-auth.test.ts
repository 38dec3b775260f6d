// The management API's authentication and authorisation rules, without a server: Basic parsing,
// guest only from loopback (RabbitMQ's loopback_users), administrators write, others only read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserRegistry } from '../../../../../src/broker/amqp/users.js';
import { authenticate, authorize, basicCredentials } from '../../../../../src/protocols/http/management/auth.js';
import { MgmtError } from '../../../../../src/protocols/http/management/mgmt-error.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function status(f: () => unknown): number {
  try {
    f();
    return 200;
  } catch (err) {
    assert.ok(err instanceof MgmtError, String(err));
    return err.status;
  }
}

test('Basic credentials parse, including passwords with colons; anything else is no credentials', () => {
  assert.deepEqual(basicCredentials(basic('a', 'b:c')), { username: 'a', password: 'b:c' });
  assert.equal(basicCredentials(undefined), null);
  assert.equal(basicCredentials('Bearer xyz'), null);
  assert.equal(basicCredentials(`Basic ${Buffer.from('no-colon').toString('base64')}`), null);
});

test('guest/guest is accepted from loopback only, as RabbitMQ does', () => {
  const users = new UserRegistry([]);
  for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal(authenticate(users, basic('guest', 'guest'), address).name, 'guest');
  for (const address of ['10.0.0.5', '::ffff:192.168.1.2', '']) assert.equal(status(() => authenticate(users, basic('guest', 'guest'), address)), 401);
  assert.equal(status(() => authenticate(users, basic('guest', 'wrong'), '127.0.0.1')), 401);
  assert.equal(status(() => authenticate(users, undefined, '127.0.0.1')), 401);
});

test('configured users log in from anywhere; only administrators may write or read admin-only resources', () => {
  const users = new UserRegistry([{ name: 'ops', password: 'p', tags: ['administrator'] }, { name: 'mon', password: 'm', tags: ['monitoring'] }, { name: 'plain', password: 'x' }]);
  const ops = authenticate(users, basic('ops', 'p'), '10.1.2.3');
  const mon = authenticate(users, basic('mon', 'm'), '10.1.2.3');
  const plain = authenticate(users, basic('plain', 'x'), '10.1.2.3');
  for (const method of ['GET', 'PUT', 'POST', 'DELETE']) assert.equal(status(() => authorize(ops, method, true)), 200);
  for (const user of [mon, plain]) {
    assert.equal(status(() => authorize(user, 'GET', false)), 200);
    assert.equal(status(() => authorize(user, 'HEAD', false)), 200);
    for (const method of ['PUT', 'POST', 'DELETE']) assert.equal(status(() => authorize(user, method, false)), 403);
    assert.equal(status(() => authorize(user, 'GET', true)), 403);
  }
});
