"""confluent-kafka 1.7 (librdkafka 2.0.2) as one member of a consumer group, for the group tests.

Usage: confluent_kafka_group.py BOOTSTRAP GROUP TOPIC [KEY=VALUE...]
  session_ms=N      session.timeout.ms (default 6000); heartbeat.interval.ms is a sixth of it
  instance=ID       group.instance.id (static membership, JoinGroup v5)
  strategy=NAME     partition.assignment.strategy (default range,roundrobin; cooperative-sticky)
  delay_ms=N        wait this long after each record (so a test can stop a member mid-topic)
  client_id=ID      client.id

Subscribes to TOPIC with enable.auto.commit off and auto.offset.reset earliest, and commits each
record's offset synchronously before reporting it, so a reported record is a committed one. After a
refused commit the partition's later records are skipped until it is assigned again (from the
committed offset), so nothing past an uncommitted record is ever reported.
Prints one JSON object per line:
  {"event": "assigned"|"revoked", "partitions": [...], "assignment": [...], "incremental": bool}
      from the rebalance callbacks; "assignment" is the member's whole assignment afterwards
  {"event": "record", "partition": P, "offset": O, "value": V}
  {"event": "uncommitted", "partition": P, "offset": O, "error": NAME}   commit refused (rebalance)
  {"event": "error", "name": NAME, "fatal": bool, "message": TEXT}
  {"event": "closed"}
"stop" on stdin (or stdin closing) closes the consumer (LeaveGroup) and exits 0.
"""
import json
import os
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaError, KafkaException


def out(obj):
    print(json.dumps(obj), flush=True)


def main(bootstrap, group, topic, *options):
    opts = dict(o.split('=', 1) for o in options)
    session_ms = int(opts.get('session_ms', '6000'))
    strategy = opts.get('strategy', 'range,roundrobin')
    incremental = strategy.startswith('cooperative')
    delay = int(opts.get('delay_ms', '0')) / 1000.0
    config = {
        'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False, 'auto.offset.reset': 'earliest',
        'session.timeout.ms': session_ms, 'heartbeat.interval.ms': max(100, session_ms // 6),
        'max.poll.interval.ms': max(session_ms, 10000), 'partition.assignment.strategy': strategy,
        'client.id': opts.get('client_id', 'wharf-it-rdkafka'),
        'error_cb': lambda err: on_error(err),
    }
    if 'instance' in opts:
        config['group.instance.id'] = opts['instance']
    fatal = threading.Event()

    def on_error(err):
        # librdkafka reports a fatal error (a fenced static member, FENCED_INSTANCE_ID) as _FATAL.
        is_fatal = err.fatal() or err.code() == KafkaError._FATAL
        out({'event': 'error', 'name': err.name(), 'fatal': is_fatal, 'message': err.str()})
        if is_fatal:
            fatal.set()

    consumer = Consumer(config)
    owned = set()
    blocked = set()

    def on_assign(_consumer, partitions):
        added = sorted(p.partition for p in partitions)
        blocked.difference_update(added)
        if not incremental:
            owned.clear()
        owned.update(added)
        out({'event': 'assigned', 'partitions': added, 'assignment': sorted(owned), 'incremental': incremental})

    def on_revoke(_consumer, partitions):
        removed = sorted(p.partition for p in partitions)
        if incremental:
            owned.difference_update(removed)
        else:
            owned.clear()
        out({'event': 'revoked', 'partitions': removed, 'assignment': sorted(owned), 'incremental': incremental})

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    stop = threading.Event()

    def watch_stdin():
        for line in sys.stdin:
            if line.strip() == 'stop':
                break
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while not stop.is_set() and not fatal.is_set():
        m = consumer.poll(0.1)
        if m is None:
            continue
        if m.error():
            on_error(m.error())
            continue
        if m.partition() in blocked:
            out({'event': 'uncommitted', 'partition': m.partition(), 'offset': m.offset(), 'error': 'skipped'})
            continue
        try:
            consumer.commit(message=m, asynchronous=False)
        except KafkaException as e:
            out({'event': 'uncommitted', 'partition': m.partition(), 'offset': m.offset(), 'error': e.args[0].name()})
            blocked.add(m.partition())
            continue
        out({'event': 'record', 'partition': m.partition(), 'offset': m.offset(), 'value': m.value().decode()})
        if delay > 0:
            time.sleep(delay)
    if fatal.is_set():
        # A fenced or otherwise fatally failed consumer cannot leave the group cleanly.
        out({'event': 'closed'})
        os._exit(3)
    consumer.close()
    out({'event': 'closed'})


if __name__ == '__main__':
    main(*sys.argv[1:])
