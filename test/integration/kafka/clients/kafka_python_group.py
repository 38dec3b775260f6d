"""kafka-python 2.0.2 as one member of a consumer group, for the group tests. kafka-python sends
fixed versions (protocol-matrix §1.6-A): FindCoordinator v0, JoinGroup v2, SyncGroup, Heartbeat
and LeaveGroup v1, OffsetCommit v2, OffsetFetch v1.

Usage: kafka_python_group.py BOOTSTRAP GROUP TOPIC [KEY=VALUE...]
  session_ms=N      session_timeout_ms (default 6000); heartbeat_interval_ms is a sixth of it
  delay_ms=N        wait this long after each record
  client_id=ID      client_id

Subscribes to TOPIC with enable_auto_commit off and auto_offset_reset earliest, and commits each
record's offset synchronously before reporting it (after a refused commit, the partition's later
records are skipped until it is assigned again). Prints the same JSON lines as
confluent_kafka_group.py (assigned, revoked, record, uncommitted, error, closed). "stop" on stdin
(or stdin closing) closes the consumer (LeaveGroup) and exits 0.
"""
import json
import sys
import threading
import time

from kafka import KafkaConsumer, OffsetAndMetadata
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import CommitFailedError, KafkaError


def out(obj):
    print(json.dumps(obj), flush=True)


class Listener(ConsumerRebalanceListener):
    def __init__(self):
        self.owned = set()
        self.blocked = set()

    def on_partitions_revoked(self, revoked):
        removed = sorted(tp.partition for tp in revoked)
        self.owned.clear()
        out({'event': 'revoked', 'partitions': removed, 'assignment': [], 'incremental': False})

    def on_partitions_assigned(self, assigned):
        added = sorted(tp.partition for tp in assigned)
        self.owned = set(added)
        self.blocked.difference_update(added)
        out({'event': 'assigned', 'partitions': added, 'assignment': added, 'incremental': False})


def main(bootstrap, group, topic, *options):
    opts = dict(o.split('=', 1) for o in options)
    session_ms = int(opts.get('session_ms', '6000'))
    delay = int(opts.get('delay_ms', '0')) / 1000.0
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, client_id=opts.get('client_id', 'wharf-it-kafka-python'),
        enable_auto_commit=False, auto_offset_reset='earliest', session_timeout_ms=session_ms,
        heartbeat_interval_ms=max(100, session_ms // 6), max_poll_interval_ms=max(session_ms, 10000))
    listener = Listener()
    consumer.subscribe([topic], listener=listener)
    stop = threading.Event()

    def watch_stdin():
        for line in sys.stdin:
            if line.strip() == 'stop':
                break
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while not stop.is_set():
        try:
            batch = consumer.poll(timeout_ms=100, max_records=1)
        except KafkaError as e:
            out({'event': 'error', 'name': type(e).__name__, 'fatal': False, 'message': str(e)})
            continue
        for tp, records in batch.items():
            for r in records:
                if r.partition in listener.blocked:
                    out({'event': 'uncommitted', 'partition': r.partition, 'offset': r.offset, 'error': 'skipped'})
                    continue
                try:
                    consumer.commit({tp: OffsetAndMetadata(r.offset + 1, None)})
                except (CommitFailedError, KafkaError) as e:
                    out({'event': 'uncommitted', 'partition': r.partition, 'offset': r.offset, 'error': type(e).__name__})
                    listener.blocked.add(r.partition)
                    continue
                out({'event': 'record', 'partition': r.partition, 'offset': r.offset, 'value': r.value.decode()})
                if delay > 0:
                    time.sleep(delay)
    consumer.close(autocommit=False)
    out({'event': 'closed'})


if __name__ == '__main__':
    main(*sys.argv[1:])
