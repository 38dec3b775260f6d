"""Reading whole partitions with confluent-kafka, shared by the integration test clients: assign()
every partition from its beginning (a group.id is required but no group API is used, and nothing
is committed) and yield records until each partition reports end-of-partition."""
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition


def read_to_end(bootstrap, group_id, topic, partitions, timeout_s):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group_id, 'enable.auto.commit': False,
                  'enable.auto.offset.store': False, 'enable.partition.eof': True})
    tps = [TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(int(partitions))]
    c.assign(tps)
    done = set()
    deadline = time.time() + timeout_s
    try:
        while len(done) < len(tps):
            if time.time() > deadline:
                raise SystemExit(f'timed out; partitions at end: {sorted(done)}')
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    done.add(m.partition())
                    continue
                raise SystemExit(f'consume error {m.error()}')
            done.discard(m.partition())
            yield m
    finally:
        c.close()
