"""confluent-kafka 1.7 (librdkafka 2.0.2) idempotent producer (enable.idempotence=True, KIP-98)
driven from Wharf's idempotent-producer integration tests.

Usage: confluent_kafka_idempotent.py BOOTSTRAP COMMAND ARGS...
  produce TOPIC COUNT PARTITIONS      value i goes to partition i % PARTITIONS; up to 5 requests in
                                      flight per connection; prints one {"value", "partition",
                                      "offset"} per delivery report ({"failed", "value"} on failure),
                                      then {"done": true, "fatal": ...}
  consume TOPIC PARTITIONS            assign() from the beginning to the high watermarks (no group
                                      APIs); prints one {"partition", "offset", "value"} per record
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition


def out(obj):
    print(json.dumps(obj), flush=True)


def produce(bootstrap, topic, count, partitions, *options):
    fatal = []

    def on_error(err):
        # librdkafka reports connection drops here too; only a fatal error ends idempotence.
        if err.fatal():
            fatal.append(str(err))

    def report(err, msg):
        if err is not None:
            out({'failed': str(err), 'value': msg.value().decode()})
        else:
            out({'value': msg.value().decode(), 'partition': msg.partition(), 'offset': msg.offset()})

    config = {'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'linger.ms': 2, 'batch.num.messages': 50,
              'max.in.flight.requests.per.connection': 5, 'message.timeout.ms': 90000, 'retry.backoff.ms': 50,
              'reconnect.backoff.ms': 20, 'reconnect.backoff.max.ms': 200, 'socket.timeout.ms': 5000,
              'error_cb': on_error}
    for option in options:
        key, value = option.split('=', 1)
        config[key] = value
    p = Producer(config)
    partitions = int(partitions)
    for i in range(int(count)):
        value = f'{i:07d}-' + ('v' * (i % 53))
        while True:
            try:
                p.produce(topic, value=value.encode(), partition=i % partitions, on_delivery=report)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    left = p.flush(120)
    out({'done': True, 'left': left, 'fatal': fatal})


def consume(bootstrap, topic, partitions):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'wharf-it-idempotent', 'enable.auto.commit': False,
                  'enable.auto.offset.store': False, 'enable.partition.eof': True})
    tps = [TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(int(partitions))]
    c.assign(tps)
    done = set()
    deadline = time.time() + 60
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
        out({'partition': m.partition(), 'offset': m.offset(), 'value': m.value().decode()})
    c.close()


COMMANDS = {'produce': produce, 'consume': consume}

if __name__ == '__main__':
    COMMANDS[sys.argv[2]](sys.argv[1], *sys.argv[3:])
