#!/usr/bin/python3
"""confluent-kafka (librdkafka) client driven by bench/kafka-bench.ts (`npm run bench:kafka`).

Run with /usr/bin/python3, which has the Debian confluent-kafka package. One JSON object per
line on stdout is the protocol with the bench:

  {"event": "ready"}       connected, metadata known; waits for a line on stdin before the timed part
  {"event": "done", ...}   timed part over: records, bytes, seconds (own clock), and per mode extras
  then waits for stdin to close, so the bench can read /proc/<pid>/stat of a still living process.

Modes:
  produce BOOTSTRAP TOPIC PARTITION RECORDS RECORD_BYTES ACKS [key=value librdkafka settings...]
  consume BOOTSTRAP TOPIC PARTITION RECORDS [key=value ...]
  latency BOOTSTRAP TOPIC PARTITION RATE SECONDS RECORD_BYTES ACKS [key=value ...]
  group   BOOTSTRAP TOPIC GROUP_ID END_OFFSETS_JSON [key=value ...]
          a consumer-group member (subscribe); END_OFFSETS_JSON maps partition to the offset that
          completes it ({} for none). Reads stdin after "go": "stop" or "leave" closes the consumer
          cleanly (LeaveGroup). Extra events: assigned / revoked {partitions}, resumed {partition}
          (first record of a partition since its assignment), partition-done {partition}.
  stream  BOOTSTRAP TOPIC PARTITIONS RATE RECORD_BYTES ACKS [key=value ...]
          produces RATE records/s round-robin over partitions 0..PARTITIONS-1 until "stop".
"""
import json
import queue
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING


def emit(event, **fields):
    sys.stdout.write(json.dumps(dict(event=event, **fields)) + "\n")
    sys.stdout.flush()


def handshake():
    """Announces readiness and blocks until the bench says go."""
    emit("ready")
    if sys.stdin.readline() == "":
        sys.exit(2)


def finish(**fields):
    emit("done", **fields)
    sys.stdin.read()  # the bench closes stdin once it has read our CPU counters


def settings(pairs):
    conf = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        conf[key] = value
    return conf


def payload(size):
    """One record value; the same bytes every time (no compression is configured)."""
    return (b"wharf-bench-" * (size // 12 + 1))[:size]


class Failures:
    def __init__(self):
        self.count = 0
        self.first = None

    def on_delivery(self, err, _msg):
        if err is not None:
            self.count += 1
            if self.first is None:
                self.first = str(err)


def warm_up(producer, topic):
    md = producer.list_topics(topic, timeout=10)
    if md.topics[topic].error is not None:
        raise KafkaException(md.topics[topic].error)


def produce(bootstrap, topic, partition, records, record_bytes, acks, extra):
    failures = Failures()
    conf = {"bootstrap.servers": bootstrap, "acks": acks, "delivery.report.only.error": True,
            "on_delivery": failures.on_delivery}
    conf.update(extra)
    producer = Producer(conf)
    warm_up(producer, topic)
    value = payload(record_bytes)
    partition = int(partition)
    handshake()
    started = time.perf_counter()
    send = producer.produce
    poll = producer.poll
    for i in range(records):
        while True:
            try:
                send(topic, value, partition=partition)
                break
            except BufferError:  # local queue full: let librdkafka drain it
                poll(0.005)
        if i & 1023 == 0:
            poll(0)
    left = producer.flush(120)
    seconds = time.perf_counter() - started
    finish(records=records, bytes=records * record_bytes, seconds=seconds,
           failed=failures.count + left, firstError=failures.first)


def consume(bootstrap, topic, partition, records, extra):
    # librdkafka stops prefetching while more than queued.min.messages wait in its queue and only
    # looks again after a backoff (about a second): raised so Python's pace never stalls the fetches.
    conf = {"bootstrap.servers": bootstrap, "group.id": "wharf-bench-unused",
            "enable.auto.commit": False, "enable.partition.eof": False,
            "queued.min.messages": 10000000, "queued.max.messages.kbytes": 2097151}
    conf.update(extra)
    consumer = Consumer(conf)
    md = consumer.list_topics(topic, timeout=10)
    if md.topics[topic].error is not None:
        raise KafkaException(md.topics[topic].error)
    handshake()
    started = time.perf_counter()
    # assign() with an explicit offset never joins a group (docs/kafka.md).
    consumer.assign([TopicPartition(topic, int(partition), OFFSET_BEGINNING)])
    seen = 0
    total = 0
    deadline = started + 300
    while seen < records and time.perf_counter() < deadline:
        for msg in consumer.consume(num_messages=10000, timeout=1.0):
            if msg.error() is not None:
                raise KafkaException(msg.error())
            seen += 1
            total += len(msg)
    seconds = time.perf_counter() - started
    consumer.close()
    finish(records=seen, bytes=total, seconds=seconds)


def latency(bootstrap, topic, partition, rate, duration, record_bytes, acks, extra):
    """Sends at a fixed rate, in 1 ms ticks, and keeps librdkafka's produce-to-ack latency."""
    latencies = []
    failures = Failures()

    def on_delivery(err, msg):
        if err is not None:
            failures.on_delivery(err, msg)
        else:
            latencies.append(msg.latency())

    conf = {"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 0, "on_delivery": on_delivery}
    conf.update(extra)
    producer = Producer(conf)
    warm_up(producer, topic)
    value = payload(record_bytes)
    partition = int(partition)
    total = int(rate * duration)
    handshake()
    started = time.perf_counter()
    sent = 0
    lag_max = 0.0
    while sent < total:
        now = time.perf_counter()
        due = min(total, int((now - started) * rate) + 1)
        if due > sent:
            # Being late by more than one tick means the client could not keep the rate.
            lag_max = max(lag_max, now - started - sent / rate)
        while sent < due:
            producer.produce(topic, value, partition=partition)
            sent += 1
        producer.poll(0.001)
    producer.flush(60)
    seconds = time.perf_counter() - started
    finish(records=total, bytes=total * record_bytes, seconds=seconds, latenciesMs=[x * 1000 for x in latencies],
           sendLagMaxMs=lag_max * 1000, failed=failures.count, firstError=failures.first)


class Commands:
    """Lines from stdin after the handshake, read by a thread so a poll loop can check them."""

    def __init__(self):
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in sys.stdin:
            self.lines.put(line.strip())
        self.lines.put("eof")

    def get(self):
        try:
            return self.lines.get_nowait()
        except queue.Empty:
            return None

    def wait_eof(self):
        while self.lines.get() != "eof":
            pass


def group(bootstrap, topic, group_id, end_offsets, extra):
    ends = {int(p): int(o) for p, o in json.loads(end_offsets).items()}
    # Kafka's smallest session timeout (group.min.session.timeout.ms), so a killed member is
    # noticed as soon as the broker allows; heartbeats every second.
    conf = {"bootstrap.servers": bootstrap, "group.id": group_id, "auto.offset.reset": "earliest",
            "enable.auto.commit": True, "auto.commit.interval.ms": 1000,
            "session.timeout.ms": 6000, "heartbeat.interval.ms": 1000, "enable.partition.eof": False,
            "queued.min.messages": 10000000, "queued.max.messages.kbytes": 2097151}
    conf.update(extra)
    consumer = Consumer(conf)
    md = consumer.list_topics(topic, timeout=10)
    if md.topics[topic].error is not None:
        raise KafkaException(md.topics[topic].error)
    fresh = set()

    def on_assign(_c, parts):
        fresh.clear()
        fresh.update(p.partition for p in parts)
        emit("assigned", partitions=sorted(fresh))

    def on_revoke(_c, parts):
        emit("revoked", partitions=[p.partition for p in parts])

    handshake()
    commands = Commands()
    started = time.perf_counter()
    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    seen = 0
    total = 0
    done = set()
    while commands.get() not in ("stop", "leave", "eof"):
        msgs = consumer.consume(num_messages=10000, timeout=0.05)
        if not msgs:
            continue
        for msg in msgs:
            if msg.error() is not None:
                raise KafkaException(msg.error())
            total += len(msg)
        seen += len(msgs)
        if fresh:
            for msg in msgs:
                p = msg.partition()
                if p in fresh:
                    fresh.discard(p)
                    emit("resumed", partition=p, offset=msg.offset())
                    if not fresh:
                        break
        if len(done) < len(ends):
            for tp in consumer.position(consumer.assignment()):
                if tp.partition not in done and tp.offset >= ends.get(tp.partition, float("inf")):
                    done.add(tp.partition)
                    emit("partition-done", partition=tp.partition)
    seconds = time.perf_counter() - started
    consumer.close()  # commits and sends LeaveGroup
    emit("done", records=seen, bytes=total, seconds=seconds)
    commands.wait_eof()


def stream(bootstrap, topic, partitions, rate, record_bytes, acks, extra):
    failures = Failures()
    conf = {"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 5, "on_delivery": failures.on_delivery,
            "delivery.report.only.error": True}
    conf.update(extra)
    producer = Producer(conf)
    warm_up(producer, topic)
    value = payload(record_bytes)
    handshake()
    commands = Commands()
    started = time.perf_counter()
    sent = 0
    while commands.get() not in ("stop", "eof"):
        due = int((time.perf_counter() - started) * rate)
        while sent < due:
            try:
                producer.produce(topic, value, partition=sent % partitions)
                sent += 1
            except BufferError:
                break
        producer.poll(0.001)
    left = producer.flush(60)
    emit("done", records=sent, bytes=sent * record_bytes, seconds=time.perf_counter() - started,
         failed=failures.count + left, firstError=failures.first)
    commands.wait_eof()


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "produce" and len(argv) >= 8:
        produce(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), argv[7], settings(argv[8:]))
    elif mode == "consume" and len(argv) >= 6:
        consume(argv[2], argv[3], argv[4], int(argv[5]), settings(argv[6:]))
    elif mode == "latency" and len(argv) >= 9:
        latency(argv[2], argv[3], argv[4], float(argv[5]), float(argv[6]), int(argv[7]), argv[8], settings(argv[9:]))
    elif mode == "group" and len(argv) >= 6:
        group(argv[2], argv[3], argv[4], argv[5], settings(argv[6:]))
    elif mode == "stream" and len(argv) >= 8:
        stream(argv[2], argv[3], int(argv[4]), float(argv[5]), int(argv[6]), argv[7], settings(argv[8:]))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
