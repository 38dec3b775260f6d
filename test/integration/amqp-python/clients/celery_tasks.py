"""The Celery 5.2 app the integration test runs a worker for: AMQP broker from WHARF_AMQP_URL,
results over the rpc:// backend (a reply queue per client, re-declared on every call)."""
import os

from celery import Celery

app = Celery('celery_tasks', broker=os.environ['WHARF_AMQP_URL'], backend='rpc://')
app.conf.update(
    broker_heartbeat=int(os.environ.get('WHARF_CELERY_HEARTBEAT', '120')),
    broker_connection_retry_on_startup=False,
    broker_connection_max_retries=3,
    result_expires=86400,
    task_acks_late=True,
    worker_hijack_root_logger=False,
)


@app.task
def add(x, y):
    return x + y


@app.task
def fail(text):
    raise ValueError(text)


@app.task
def echo_headers(**kw):
    return {'kwargs': kw}
