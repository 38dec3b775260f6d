"""py-amqp 5.1 (the transport under kombu and Celery) publishing and reading headers.

Usage: py_amqp_client.py PORT publish QUEUE HEADERS_JSON | get QUEUE; prints JSON lines.
py-amqp writes ints outside int32 as 'L' (signed int64) and floats as 'd' (protocol-matrix 3.6).
"""
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

import json
import time

import amqp

from field_json import table_from_json, table_to_json

PORT = int(sys.argv[1])


def connect():
    conn = amqp.Connection('127.0.0.1:%d' % PORT, userid='guest', password='guest', login_method='PLAIN')
    conn.connect()
    return conn


def cmd_publish(queue, headers_json):
    with connect() as conn:
        ch = conn.channel()
        ch.queue_declare(queue, auto_delete=False)
        msg = amqp.Message(b'from py-amqp', application_headers=table_from_json(json.loads(headers_json)),
                           content_type='text/plain', correlation_id='py-amqp-1')
        ch.basic_publish(msg, exchange='', routing_key=queue)
        print(json.dumps({'published': True, 'frame_max': conn.frame_max, 'heartbeat': conn.heartbeat}), flush=True)


def cmd_get(queue):
    with connect() as conn:
        ch = conn.channel()
        deadline = time.monotonic() + 20
        msg = None
        while msg is None:
            if time.monotonic() > deadline:
                raise TimeoutError('no message in ' + queue)
            msg = ch.basic_get(queue, no_ack=True)
        print(json.dumps({'headers': table_to_json(msg.headers), 'body': msg.body.decode()}), flush=True)


if __name__ == '__main__':
    {'publish': cmd_publish, 'get': cmd_get}[sys.argv[2]](*sys.argv[3:])
