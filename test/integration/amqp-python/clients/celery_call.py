"""A Celery client: calls the tasks of celery_tasks with .delay()/.apply_async() and waits for
each result over rpc://. Usage: celery_call.py COMMAND; prints JSON lines."""
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

import json

from celery_tasks import add, app, fail

TIMEOUT_S = 30


def out(**obj):
    print(json.dumps(obj), flush=True)


def cmd_calls():
    first = add.delay(2, 3).get(timeout=TIMEOUT_S)
    # The second call re-declares the same rpc reply queue (kombu: can_cache_declaration=False).
    second = add.delay(10, 20).get(timeout=TIMEOUT_S)
    many = [add.delay(i, i) for i in range(20)]
    results = [r.get(timeout=TIMEOUT_S) for r in many]
    eta = add.apply_async((100, 1), countdown=1).get(timeout=TIMEOUT_S)
    try:
        fail.delay('boom').get(timeout=TIMEOUT_S)
        failed = None
    except ValueError as e:
        failed = str(e)
    out(first=first, second=second, many=results, eta=eta, failed=failed, reply_queue=app.backend.oid)


def cmd_add():
    out(sum=add.delay(40, 2).get(timeout=TIMEOUT_S))


def cmd_ping():
    replies = app.control.inspect(timeout=5).ping() or {}
    out(nodes=sorted(replies.keys()), replies=replies)


if __name__ == '__main__':
    {'calls': cmd_calls, 'add': cmd_add, 'ping': cmd_ping}[sys.argv[1]]()
