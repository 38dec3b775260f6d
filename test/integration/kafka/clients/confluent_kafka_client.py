"""confluent-kafka 1.7 (Debian python3-confluent-kafka, librdkafka 2.0.2) driven from the Wharf
integration tests.

Usage: confluent_kafka_client.py BOOTSTRAP COMMAND ARGS...
  produce TOPIC COUNT CODEC            acks=all, compression CODEC, keyed messages with headers;
                                       prints one {"key", "value", "partition", "offset"} per delivery report
  produce-forever TOPIC COUNT          acks=all, retries across broker restarts; prints one JSON line per
                                       successful delivery report, {"failed": ...} per failed one
  consume TOPIC PARTITIONS             group.id set but no group APIs used: assign() with explicit
                                       beginning offsets, enable.auto.commit false; reads to the high
                                       watermarks; prints one {"partition", "offset", "key", "value", "headers"} per record
"""
import json
import sys
import time

from confluent_kafka import Producer

from confluent_read import read_to_end


def out(obj):
    print(json.dumps(obj), flush=True)


def report(err, msg):
    if err is not None:
        out({'failed': str(err), 'value': msg.value().decode()})
    else:
        out({'key': msg.key().decode(), 'value': msg.value().decode(), 'partition': msg.partition(), 'offset': msg.offset()})


def produce(bootstrap, topic, count, codec):
    p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'compression.type': codec, 'linger.ms': 10})
    for i in range(int(count)):
        p.produce(topic, key=f'key-{i % 5}'.encode(), value=f'{codec}-{i}-{"y" * 100}'.encode(), headers={'seq': str(i).encode()}, on_delivery=report)
        p.poll(0)
    if p.flush(30) != 0:
        raise SystemExit('messages left undelivered')


def produce_forever(bootstrap, topic, count):
    # Retries ride out broker restarts; a short backoff keeps the test fast. Not idempotent
    # (confluent_kafka_idempotent.py is), so a retry may store a message twice.
    p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 2, 'message.timeout.ms': 60000,
                  'retry.backoff.ms': 50, 'reconnect.backoff.ms': 20, 'reconnect.backoff.max.ms': 200,
                  'socket.timeout.ms': 5000, 'compression.type': 'lz4'})
    for i in range(int(count)):
        value = f'msg-{i:06d}-' + ('z' * (i % 97))
        while True:
            try:
                p.produce(topic, key=f'k{i % 11}'.encode(), value=value.encode(), on_delivery=report)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
        if i % 50 == 0:
            time.sleep(0.01)
    if p.flush(90) != 0:
        raise SystemExit('messages left undelivered')


def consume(bootstrap, topic, partitions):
    for m in read_to_end(bootstrap, 'wharf-it-no-group', topic, partitions, 30):
        out({'partition': m.partition(), 'offset': m.offset(), 'key': m.key().decode() if m.key() else None,
             'value': m.value().decode(), 'headers': {k: v.decode() for k, v in (m.headers() or [])}})


COMMANDS = {'produce': produce, 'produce-forever': produce_forever, 'consume': consume}

if __name__ == '__main__':
    COMMANDS[sys.argv[2]](sys.argv[1], *sys.argv[3:])
