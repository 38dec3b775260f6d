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

from confluent_kafka import Producer

from confluent_read import read_to_end


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
    for m in read_to_end(bootstrap, 'wharf-it-idempotent', topic, partitions, 60):
        out({'partition': m.partition(), 'offset': m.offset(), 'value': m.value().decode()})


COMMANDS = {'produce': produce, 'consume': consume}

if __name__ == '__main__':
    COMMANDS[sys.argv[2]](sys.argv[1], *sys.argv[3:])
