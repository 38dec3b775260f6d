"""kafka-python 2.0.2 (Debian python3-kafka) driven from the Wharf integration tests.

Usage: kafka_python_client.py BOOTSTRAP COMMAND ARGS...
  create TOPIC PARTITIONS [KEY=VALUE...]   admin CreateTopics; prints {"created": TOPIC}
  delete TOPIC                             admin DeleteTopics; prints {"deleted": TOPIC}
  topics                                   prints {"topics": [...]}
  produce TOPIC COUNT                      keyed messages with headers, acks='all', flush;
                                           prints one {"key", "value", "partition", "offset"} per ack
  consume TOPIC [OFFSET]                   group_id=None, assign every partition, seek to OFFSET
                                           (default: beginning), read to the end offsets;
                                           prints one {"partition", "offset", "key", "value", "headers"} per record
Every line of output is one JSON object.
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic


def out(obj):
    print(json.dumps(obj), flush=True)


def admin(bootstrap):
    return KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)


def create(bootstrap, topic, partitions, *configs):
    a = admin(bootstrap)
    cfg = dict(c.split('=', 1) for c in configs)
    res = a.create_topics([NewTopic(topic, int(partitions), 1, topic_configs=cfg)])
    errors = [e for (_t, e, *_rest) in res.topic_errors if e != 0]
    if errors:
        raise SystemExit(f'create failed: {res}')
    a.close()
    out({'created': topic})


def delete(bootstrap, topic):
    a = admin(bootstrap)
    res = a.delete_topics([topic])
    if any(e != 0 for (_t, e) in res.topic_error_codes):
        raise SystemExit(f'delete failed: {res}')
    a.close()
    out({'deleted': topic})


def topics(bootstrap):
    a = admin(bootstrap)
    out({'topics': sorted(a.list_topics())})
    a.close()


def produce(bootstrap, topic, count):
    p = KafkaProducer(bootstrap_servers=bootstrap, acks='all', retries=5, linger_ms=5)
    futures = []
    for i in range(int(count)):
        key = f'key-{i % 7}'
        value = f'value-{i}'
        futures.append((key, value, p.send(topic, key=key.encode(), value=value.encode(), headers=[('seq', str(i).encode())])))
    p.flush(timeout=20)
    for key, value, f in futures:
        md = f.get(timeout=20)
        out({'key': key, 'value': value, 'partition': md.partition, 'offset': md.offset})
    p.close()


def consume(bootstrap, topic, offset=None):
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, consumer_timeout_ms=5000)
    parts = sorted(c.partitions_for_topic(topic) or [])
    tps = [TopicPartition(topic, p) for p in parts]
    c.assign(tps)
    if offset is None:
        c.seek_to_beginning(*tps)
    else:
        for tp in tps:
            c.seek(tp, int(offset))
    end = c.end_offsets(tps)
    remaining = {tp for tp in tps if c.position(tp) < end[tp]}
    while remaining:
        batch = c.poll(timeout_ms=2000)
        if not batch:
            raise SystemExit(f'no records before the end offsets {end}')
        for tp, records in batch.items():
            for r in records:
                out({'partition': r.partition, 'offset': r.offset, 'key': r.key.decode() if r.key is not None else None,
                     'value': r.value.decode(), 'headers': {k: v.decode() for k, v in r.headers}})
        remaining = {tp for tp in remaining if c.position(tp) < end[tp]}
    c.close()


COMMANDS = {'create': create, 'delete': delete, 'topics': topics, 'produce': produce, 'consume': consume}

if __name__ == '__main__':
    COMMANDS[sys.argv[2]](sys.argv[1], *sys.argv[3:])
