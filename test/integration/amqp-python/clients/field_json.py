"""Field-table values <-> a typed JSON form shared with the TypeScript side (amqp-python/headers.ts).

Each value becomes {"t": kind, "v": value}: kinds are str, int (decimal string, so int64 survives
JSON), bool, none, bytes (hex), decimal (string), timestamp (seconds), list, table.
"""
import calendar
import datetime
import decimal


def to_json(v):
    if v is None:
        return {'t': 'none', 'v': None}
    if isinstance(v, bool):
        return {'t': 'bool', 'v': v}
    if isinstance(v, int):
        return {'t': 'int', 'v': str(v)}
    if isinstance(v, str):
        return {'t': 'str', 'v': v}
    if isinstance(v, (bytes, bytearray)):
        return {'t': 'bytes', 'v': bytes(v).hex()}
    if isinstance(v, decimal.Decimal):
        return {'t': 'decimal', 'v': str(v.normalize())}
    if isinstance(v, float):
        return {'t': 'float', 'v': v}
    if isinstance(v, datetime.datetime):
        return {'t': 'timestamp', 'v': calendar.timegm(v.utctimetuple())}
    if isinstance(v, (list, tuple)):
        return {'t': 'list', 'v': [to_json(x) for x in v]}
    if isinstance(v, dict):
        return {'t': 'table', 'v': {k: to_json(x) for k, x in v.items()}}
    raise TypeError('no JSON form for %r' % (v,))


def from_json(j):
    t, v = j['t'], j['v']
    if t in ('none', 'bool', 'str', 'float'):
        return v
    if t == 'int':
        return int(v)
    if t == 'bytes':
        return bytes.fromhex(v)
    if t == 'decimal':
        return decimal.Decimal(v)
    if t == 'timestamp':
        return datetime.datetime.fromtimestamp(v, datetime.timezone.utc).replace(tzinfo=None)
    if t == 'list':
        return [from_json(x) for x in v]
    if t == 'table':
        return {k: from_json(x) for k, x in v.items()}
    raise ValueError(t)


def table_to_json(table):
    return {k: to_json(v) for k, v in (table or {}).items()}


def table_from_json(j):
    return {k: from_json(v) for k, v in j.items()}
