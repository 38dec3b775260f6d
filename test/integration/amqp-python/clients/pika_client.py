"""pika 1.2 (BlockingConnection, PLAIN) scenarios against an AMQP broker on 127.0.0.1.

Usage: pika_client.py PORT COMMAND [ARGS...]; prints one JSON object per line and exits 0, or
raises (non-zero exit, traceback on stderr). Run with the Debian /usr/bin/python3.
"""
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

import json
import time
import uuid

import pika
from pika.exceptions import ChannelClosedByBroker, UnroutableError

from field_json import table_from_json, table_to_json

PORT = int(sys.argv[1])
WAIT_S = 20.0


def connect(**kw):
    params = pika.ConnectionParameters('127.0.0.1', PORT, '/', pika.PlainCredentials('guest', 'guest'), **kw)
    return pika.BlockingConnection(params)


def out(**obj):
    print(json.dumps(obj), flush=True)


def wait_until(conn, predicate, what):
    """Processes I/O on conn until predicate() holds; fails after WAIT_S seconds."""
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError('timed out waiting for ' + what)
        conn.process_data_events(time_limit=0.05)


def queue_exists(conn, name):
    """Passive declare on a throwaway channel: the message count, or None on 404."""
    ch = conn.channel()
    try:
        count = ch.queue_declare(name, passive=True).method.message_count
    except ChannelClosedByBroker as e:
        if e.reply_code != 404:
            raise
        return None
    ch.close()
    return count


def routable(ch, queue):
    """Whether the default exchange still routes to `queue`: a mandatory publish on a confirm channel
    (unlike a passive declare, a publish is not a use that restarts x-expires)."""
    try:
        ch.basic_publish('', queue, b'probe', mandatory=True)
    except UnroutableError:
        return False
    return True


def get_all(ch, queue):
    bodies = []
    while True:
        method, _props, body = ch.basic_get(queue, auto_ack=True)
        if method is None:
            return bodies
        bodies.append(body.decode())


def cmd_handshake():
    conn = connect()
    impl = conn._impl
    out(frame_max=impl.params.frame_max, channel_max=impl.params.channel_max, heartbeat=impl.params.heartbeat,
        product=impl.server_properties.get('product'), capabilities=impl.server_properties.get('capabilities'))
    conn.close()


def cmd_routing(prefix):
    """One exchange of each type, queues bound to them, messages that must land in exactly the right queues."""
    conn = connect()
    ch = conn.channel()
    x = {t: '%s.%s' % (prefix, t) for t in ('direct', 'fanout', 'topic', 'headers')}
    for t, name in x.items():
        ch.exchange_declare(name, t, durable=True)
    q = {n: ch.queue_declare('%s.%s' % (prefix, n), durable=True).method.queue
         for n in ('d-red', 'd-blue', 'f1', 'f2', 't-stock', 't-all-us', 'h-all', 'h-any', 'e2e')}
    ch.queue_bind(q['d-red'], x['direct'], 'red')
    ch.queue_bind(q['d-blue'], x['direct'], 'blue')
    ch.queue_bind(q['f1'], x['fanout'], 'ignored')
    ch.queue_bind(q['f2'], x['fanout'])
    ch.queue_bind(q['t-stock'], x['topic'], 'stock.*.nyse')
    ch.queue_bind(q['t-all-us'], x['topic'], '#.us')
    ch.queue_bind(q['h-all'], x['headers'], arguments={'x-match': 'all', 'format': 'pdf', 'type': 'report'})
    ch.queue_bind(q['h-any'], x['headers'], arguments={'x-match': 'any', 'format': 'pdf', 'type': 'log'})
    # exchange-to-exchange (RabbitMQ extension): fanout -> a second direct exchange -> e2e.
    ch.exchange_declare(prefix + '.inner', 'direct', auto_delete=False)
    ch.exchange_bind(prefix + '.inner', x['fanout'], '')
    ch.queue_bind(q['e2e'], prefix + '.inner', 'whatever')

    pub = ch.basic_publish
    pub(x['direct'], 'red', b'direct-red')
    pub(x['direct'], 'blue', b'direct-blue')
    pub(x['direct'], 'green', b'direct-green-dropped')
    pub(x['fanout'], 'whatever', b'fanout-1')
    pub(x['topic'], 'stock.ibm.nyse', b'topic-ibm-nyse')
    pub(x['topic'], 'stock.ibm.nasdaq', b'topic-nasdaq-dropped')
    pub(x['topic'], 'weather.west.us', b'topic-weather-us')
    pub(x['topic'], 'us', b'topic-us')
    pub(x['headers'], '', b'headers-pdf-report', pika.BasicProperties(headers={'format': 'pdf', 'type': 'report'}))
    pub(x['headers'], '', b'headers-pdf-log', pika.BasicProperties(headers={'format': 'pdf', 'type': 'log'}))
    pub(x['headers'], '', b'headers-zip', pika.BasicProperties(headers={'format': 'zip', 'type': 'x'}))
    pub('', q['d-red'], b'default-exchange')
    conn.process_data_events(time_limit=0)
    # A round trip on the same channel: everything published before it has been routed.
    ch.queue_declare(q['d-red'], passive=True)
    out(**{n: get_all(ch, name) for n, name in q.items()})
    conn.close()


def cmd_acks_prefetch(queue):
    """prefetch 3 holds back the 4th delivery until an ack; a live basic.qos raises it for the existing consumer."""
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue)
    for i in range(10):
        ch.basic_publish('', queue, str(i).encode(), pika.BasicProperties(delivery_mode=2))
    ch.basic_qos(prefetch_count=3)
    got = []
    ch.basic_consume(queue, lambda _c, m, _p, b: got.append((m.delivery_tag, b.decode())))
    wait_until(conn, lambda: len(got) >= 3, '3 deliveries')
    # A synchronous round trip: had the broker sent more than 3 they would have arrived before it.
    ready_at_3 = ch.queue_declare(queue, passive=True).method.message_count
    conn.process_data_events(time_limit=0)
    held = len(got)
    ch.basic_ack(got[0][0])
    wait_until(conn, lambda: len(got) >= 4, 'the 4th delivery after one ack')
    # Wharf applies basic.qos(global=false) to existing consumers too (protocol-matrix 3.5, option B).
    ch.basic_qos(prefetch_count=6)
    wait_until(conn, lambda: len(got) >= 7, '3 more after raising prefetch to 6')
    ready_after_raise = ch.queue_declare(queue, passive=True).method.message_count
    ch.basic_ack(got[-1][0], multiple=True)
    wait_until(conn, lambda: len(got) >= 10, 'the last delivery')
    ch.basic_ack(got[-1][0], multiple=True)
    ready_end = ch.queue_declare(queue, passive=True).method.message_count
    out(held_at_prefetch_3=held, ready_at_3=ready_at_3, ready_after_raise=ready_after_raise,
        ready_end=ready_end, bodies=[b for _t, b in got])
    conn.close()


def cmd_nack(queue):
    """basic.nack(requeue) comes back redelivered; basic.reject(requeue=False) drops it."""
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue)
    ch.basic_publish('', queue, b'again', pika.BasicProperties(message_id='m-1'))
    ch.basic_publish('', queue, b'drop-me')
    first = []
    ch.basic_consume(queue, lambda _c, m, p, b: first.append((m, p, b)), consumer_tag='nacker')
    wait_until(conn, lambda: len(first) >= 2, 'two deliveries')
    m0, _p0, _b0 = first[0]
    ch.basic_nack(m0.delivery_tag, requeue=True)
    wait_until(conn, lambda: len(first) >= 3, 'the redelivery')
    m2, p2, b2 = first[2]
    ch.basic_ack(m2.delivery_tag)
    ch.basic_reject(first[1][0].delivery_tag, requeue=False)
    ch.basic_cancel('nacker')
    left = ch.queue_declare(queue, passive=True).method.message_count
    out(first_redelivered=m0.redelivered, again_body=b2.decode(), again_redelivered=m2.redelivered,
        again_message_id=p2.message_id, left=left)
    conn.close()


def cmd_confirms(queue):
    """confirm_delivery(): an unroutable mandatory publish raises UnroutableError; routable ones are confirmed."""
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue)
    ch.confirm_delivery()
    ch.basic_publish('', queue, b'routed', mandatory=True)
    unroutable = None
    try:
        ch.basic_publish('amq.direct', 'no-such-binding', b'lost', mandatory=True)
    except UnroutableError as e:
        unroutable = [(r.method.reply_code, r.method.reply_text, r.body.decode()) for r in e.messages]
    ch.basic_publish('amq.direct', 'no-such-binding', b'dropped-silently')  # not mandatory: just confirmed
    missing = None
    try:
        ch.basic_publish('no-such-exchange', 'k', b'x')
    except ChannelClosedByBroker as e:
        missing = e.reply_code
    ch2 = conn.channel()
    left = ch2.queue_declare(queue, passive=True).method.message_count
    out(unroutable=unroutable, missing_exchange_code=missing, routed_count=left)
    conn.close()


def cmd_headers_publish(queue, headers_json):
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue)
    ch.confirm_delivery()
    props = pika.BasicProperties(headers=table_from_json(json.loads(headers_json)), content_type='application/json',
                                 delivery_mode=2, correlation_id='corr-1', message_id='msg-1', priority=3,
                                 timestamp=1700000000, type='kind', app_id='pika-test', expiration='600000')
    ch.basic_publish('', queue, b'{"with":"headers"}', props)
    out(published=True)
    conn.close()


def cmd_headers_get(queue):
    conn = connect()
    ch = conn.channel()
    method = None
    deadline = time.monotonic() + WAIT_S
    while method is None:
        if time.monotonic() > deadline:
            raise TimeoutError('no message in ' + queue)
        method, props, body = ch.basic_get(queue, auto_ack=True)
    out(headers=table_to_json(props.headers), body=body.decode(), content_type=props.content_type,
        correlation_id=props.correlation_id, message_id=props.message_id, priority=props.priority,
        timestamp=props.timestamp, type=props.type, app_id=props.app_id, delivery_mode=props.delivery_mode,
        reply_to=props.reply_to, content_encoding=props.content_encoding, routing_key=method.routing_key)
    conn.close()


def cmd_rpc_server(queue, count):
    """Answers `count` requests on `queue`: body n -> n*2, to reply_to with the request's correlation_id."""
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue)
    ch.basic_qos(prefetch_count=1)
    served = []

    def on_request(c, m, p, b):
        c.basic_publish('', p.reply_to, str(int(b) * 2).encode(), pika.BasicProperties(correlation_id=p.correlation_id))
        c.basic_ack(m.delivery_tag)
        served.append(p.reply_to)

    ch.basic_consume(queue, on_request)
    out(ready=True)
    wait_until(conn, lambda: len(served) >= int(count), '%s requests' % count)
    out(served=len(served), reply_to=sorted(set(served)))
    conn.close()


def rpc_call(conn, ch, queue, reply_to, numbers, replies):
    ids = {}
    for n in numbers:
        cid = str(uuid.uuid4())
        ids[cid] = n
        ch.basic_publish('', queue, str(n).encode(), pika.BasicProperties(reply_to=reply_to, correlation_id=cid))
    wait_until(conn, lambda: len(replies) >= len(numbers), 'rpc replies')
    return sorted([ids[cid], int(body)] for cid, body in replies)


def cmd_rpc_client(queue, mode):
    """mode 'queue': an exclusive server-named callback queue; 'direct': amq.rabbitmq.reply-to."""
    conn = connect()
    ch = conn.channel()
    replies = []
    on_reply = lambda _c, _m, p, b: replies.append((p.correlation_id, b.decode()))  # noqa: E731
    if mode == 'direct':
        ch.basic_consume('amq.rabbitmq.reply-to', on_reply, auto_ack=True)
        reply_to = 'amq.rabbitmq.reply-to'
    else:
        reply_to = ch.queue_declare('', exclusive=True).method.queue
        ch.basic_consume(reply_to, on_reply, auto_ack=True)
    pairs = rpc_call(conn, ch, queue, reply_to, [1, 2, 3, 21], replies)
    out(reply_to=reply_to, pairs=pairs)
    conn.close()


def cmd_direct_reply_without_consumer(queue):
    """Publishing with reply_to amq.rabbitmq.reply-to before consuming it is a channel error (RabbitMQ: 406)."""
    conn = connect()
    ch = conn.channel()
    code = None
    try:
        ch.basic_publish('', queue, b'x', pika.BasicProperties(reply_to='amq.rabbitmq.reply-to'))
        ch.queue_declare(queue, passive=True)
    except ChannelClosedByBroker as e:
        code = e.reply_code
    out(code=code)
    conn.close()


def cmd_expires(prefix):
    """x-expires counts from the last use: a consumed queue outlives it; an unused one is deleted after it."""
    conn = connect()
    ch = conn.channel()
    probe = conn.channel()
    probe.confirm_delivery()
    used, idle = prefix + '.used', prefix + '.idle'
    ch.queue_declare(used, arguments={'x-expires': 800})
    ch.queue_declare(idle, arguments={'x-expires': 800})
    ch.basic_consume(used, lambda *_a: None, auto_ack=True, consumer_tag='keeper')
    t0 = time.monotonic()
    wait_until(conn, lambda: not routable(probe, idle), 'the unused queue to expire')
    idle_gone_after_s = time.monotonic() - t0
    conn.process_data_events(time_limit=1.5)  # well past 800 ms with the consumer attached
    used_alive_while_consumed = routable(probe, used)
    ch.basic_cancel('keeper')
    wait_until(conn, lambda: not routable(probe, used), 'the queue to expire once unused')
    out(idle_gone=True, idle_gone_not_before_expiry=idle_gone_after_s >= 0.7, used_alive_while_consumed=used_alive_while_consumed)
    conn.close()


def cmd_message_ttl(queue):
    """x-message-ttl and the per-message expiration property: expired messages are never delivered."""
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue, arguments={'x-message-ttl': 300})
    ch.basic_publish('', queue, b'short-1')
    ch.basic_publish('', queue, b'short-2')
    ch.queue_declare(queue + '.long', arguments={'x-message-ttl': 600000})
    ch.basic_publish('', queue + '.long', b'per-message', pika.BasicProperties(expiration='200'))
    ch.basic_publish('', queue + '.long', b'kept')
    at_first = queue_exists(conn, queue)
    wait_until(conn, lambda: queue_exists(conn, queue) == 0, 'the queue TTL to drop both messages')
    wait_until(conn, lambda: queue_exists(conn, queue + '.long') == 1, 'the per-message expiration to drop one')
    out(at_first=at_first, after_ttl=get_all(ch, queue), long_queue=get_all(ch, queue + '.long'))
    conn.close()


def cmd_auto_delete(prefix):
    """auto_delete: deleted when its last consumer goes, not before it ever had one."""
    conn = connect()
    ch = conn.channel()
    q = ch.queue_declare(prefix + '.ad', auto_delete=True).method.queue
    never = ch.queue_declare(prefix + '.never-consumed', auto_delete=True).method.queue
    ch.basic_consume(q, lambda *_a: None, auto_ack=True, consumer_tag='a')
    ch.basic_consume(q, lambda *_a: None, auto_ack=True, consumer_tag='b')
    consumers = ch.queue_declare(q, passive=True).method.consumer_count
    ch.basic_cancel('a')
    alive_with_one = queue_exists(conn, q) is not None
    ch.basic_cancel('b')
    wait_until(conn, lambda: queue_exists(conn, q) is None, 'the auto-delete queue to go')
    out(consumer_count=consumers, alive_with_one=alive_with_one, deleted_after_last=True,
        never_consumed_alive=queue_exists(conn, never) is not None)
    conn.close()


def cmd_cancel_notify(queue):
    """Deleting a consumed queue sends basic.cancel to the consumer (consumer_cancel_notify)."""
    conn = connect()
    ch = conn.channel()
    ch.queue_declare(queue)
    cancelled = []
    ch.add_on_cancel_callback(lambda frame: cancelled.append(frame.method.consumer_tag))
    ch.basic_consume(queue, lambda *_a: None, auto_ack=True, consumer_tag='watched')
    other = connect()
    deleted = other.channel().queue_delete(queue).method.message_count
    other.close()
    wait_until(conn, lambda: len(cancelled) > 0, 'the server-sent basic.cancel')
    ch.basic_publish('', queue, b'after')  # the channel is still usable
    ch.queue_declare(queue + '.check')
    out(cancelled=cancelled, deleted_message_count=deleted, channel_open=ch.is_open)
    conn.close()


def cmd_redeclare(queue):
    """Identical re-declare is fine and counts consumers; an inequivalent one is 406 PRECONDITION_FAILED."""
    conn = connect()
    ch = conn.channel()
    args = {'x-expires': 86400000, 'x-message-ttl': 300000}
    ch.queue_declare(queue, auto_delete=True, arguments=args)
    ch.basic_consume(queue, lambda *_a: None, auto_ack=True)
    again = connect()
    ach = again.channel()
    ok = ach.queue_declare(queue, auto_delete=True, arguments=args).method
    code = None
    try:
        ach.queue_declare(queue, auto_delete=True, arguments={'x-expires': 1000})
    except ChannelClosedByBroker as e:
        code = e.reply_code
    again.close()
    out(consumer_count=ok.consumer_count, inequivalent_code=code)
    conn.close()


def cmd_bind(queue, exchange, routing_key):
    conn = connect()
    conn.channel().queue_bind(queue, exchange, routing_key)
    out(ok=True)
    conn.close()


def cmd_queue_info(queue):
    """Passive declare (404 -> exists false). Note: a passive declare is a use for x-expires."""
    conn = connect()
    ch = conn.channel()
    try:
        m = ch.queue_declare(queue, passive=True).method
        out(exists=True, messages=m.message_count, consumers=m.consumer_count)
    except ChannelClosedByBroker as e:
        if e.reply_code != 404:
            raise
        out(exists=False, messages=0, consumers=0)
    conn.close()


def cmd_delete_queue(queue):
    conn = connect()
    conn.channel().queue_delete(queue)
    out(ok=True)
    conn.close()


COMMANDS = {name[4:].replace('_', '-'): fn for name, fn in globals().items() if name.startswith('cmd_')}

if __name__ == '__main__':
    COMMANDS[sys.argv[2]](*sys.argv[3:])
