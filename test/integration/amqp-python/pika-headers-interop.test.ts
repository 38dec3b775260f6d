// Header tables across clients through a real Wharf process: pika and py-amqp publish every value
// type they write (strings, ints beyond 2^31 as 'l'/'L', negative int64, bool, None, bytes,
// decimal, timestamp, nested arrays and tables) and pika, py-amqp and amqplib read them back, and
// the other way round (protocol-matrix §3.6). Values travel as typed JSON (clients/field_json.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import amqplib from 'amqplib';
import { pyJson, startAmqpBroker } from '../../helpers/amqp-python-clients.js';

type Typed =
  | { t: 'none'; v: null } | { t: 'bool'; v: boolean } | { t: 'int' | 'str' | 'bytes' | 'decimal'; v: string }
  | { t: 'float' | 'timestamp'; v: number } | { t: 'list'; v: Typed[] } | { t: 'table'; v: TypedTable };
type TypedTable = { [k: string]: Typed };

const int = (v: number | bigint): Typed => ({ t: 'int', v: String(v) });
const str = (v: string): Typed => ({ t: 'str', v });

/** What pika can write, within what amqplib reads exactly (ints below 2^53, non-negative decimals). */
const PIKA_HEADERS: TypedTable = {
  s: str('text ü ✓'),
  i: int(7),
  neg: int(-42),
  big: int(5_000_000_000),
  bigNeg: int(-5_000_000_000),
  yes: { t: 'bool', v: true },
  no: { t: 'bool', v: false },
  nothing: { t: 'none', v: null },
  raw: { t: 'bytes', v: '00ff10' },
  dec: { t: 'decimal', v: '3.14' },
  ts: { t: 'timestamp', v: 1_700_000_000 },
  arr: { t: 'list', v: [int(1), str('two'), { t: 'none', v: null }, { t: 'list', v: [{ t: 'bool', v: true }] }] },
  tab: { t: 'table', v: { inner: { t: 'table', v: { deep: int(6_000_000_000) } }, empty: { t: 'table', v: {} } } },
};

/** amqplib's decoded header value in the typed JSON form. */
function fromAmqplib(v: unknown): Typed {
  if (v === null) return { t: 'none', v: null };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : { t: 'float', v };
  if (Buffer.isBuffer(v)) return { t: 'bytes', v: v.toString('hex') };
  if (Array.isArray(v)) return { t: 'list', v: v.map(fromAmqplib) };
  if (typeof v === 'object') {
    const o = v as { '!'?: string; value?: unknown };
    if (o['!'] === 'timestamp') return { t: 'timestamp', v: o.value as number };
    if (o['!'] === 'decimal') {
      const { places, digits } = o.value as { places: number; digits: number };
      const s = String(digits).padStart(places + 1, '0');
      return { t: 'decimal', v: places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}` };
    }
    return { t: 'table', v: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromAmqplib(x)])) };
  }
  throw new Error(`no typed form for ${String(v)}`);
}

async function amqplibGet(url: string, queue: string): Promise<amqplib.GetMessage> {
  const conn = await amqplib.connect(url);
  try {
    const ch = await conn.createChannel();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (m !== false) return m;
      if (Date.now() > deadline) throw new Error(`no message in ${queue}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await conn.close();
  }
}

interface PikaGot {
  headers: TypedTable; body: string; content_type: string; correlation_id: string; message_id: string; priority: number; timestamp: number;
  type: string; app_id: string; delivery_mode: number; reply_to: string | null; content_encoding: string | null; routing_key: string;
}

test('headers round-trip between pika, py-amqp and amqplib unchanged', { timeout: 120_000 }, async (t) => {
  const broker = await startAmqpBroker(t);
  const port = String(broker.port);
  const pika = <T>(...args: string[]): Promise<T> => pyJson<T>('pika_client.py', [port, ...args]);
  const pyAmqp = <T>(...args: string[]): Promise<T> => pyJson<T>('py_amqp_client.py', [port, ...args]);

  await t.test('pika → pika: every value type and every basic property, int64 beyond 2^53 included', async () => {
    const headers: TypedTable = { ...PIKA_HEADERS, huge: int(9_007_199_254_740_993n) };
    await pika('headers-publish', 'h-pika', JSON.stringify(headers));
    const got = await pika<PikaGot>('headers-get', 'h-pika');
    // pika reads 'l' as unsigned 64-bit (pika/data.py), so its own negative int64 comes back as
    // 2^64 - n, exactly as through RabbitMQ, which passes the bytes on untouched.
    assert.deepEqual(got.headers, { ...headers, bigNeg: int(2n ** 64n - 5_000_000_000n) });
    assert.deepEqual({ ...got, headers: undefined }, {
      headers: undefined, body: '{"with":"headers"}', content_type: 'application/json', correlation_id: 'corr-1', message_id: 'msg-1',
      priority: 3, timestamp: 1_700_000_000, type: 'kind', app_id: 'pika-test', delivery_mode: 2,
      reply_to: null, content_encoding: null, routing_key: 'h-pika',
    });
  });

  await t.test('pika → amqplib: amqplib decodes the same values', async () => {
    await pika('headers-publish', 'h-amqplib', JSON.stringify(PIKA_HEADERS));
    const m = await amqplibGet(broker.url, 'h-amqplib');
    const got = fromAmqplib(m.properties.headers ?? {});
    assert.deepEqual(got, { t: 'table', v: PIKA_HEADERS }, 'amqplib reads pika\'s signed int64 as signed');
    assert.equal(m.properties.correlationId, 'corr-1');
    assert.equal(m.content.toString(), '{"with":"headers"}');
  });

  await t.test('amqplib → pika: pika decodes what amqplib wrote (its b/s/I/l by magnitude included)', async () => {
    const conn = await amqplib.connect(broker.url);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('h-from-amqplib');
    ch.sendToQueue('h-from-amqplib', Buffer.from('from amqplib'), {
      correlationId: 'al-1',
      headers: {
        byte: 100, short: 1000, shortNeg: -1000, int: 100_000, intNeg: -100_000, long: 6_000_000_000, longNeg: -6_000_000_000,
        str: 'ü', yes: true, nothing: null, raw: Buffer.from([1, 2]), dbl: 2.5,
        dec: { '!': 'decimal', value: { places: 2, digits: 314 } }, ts: { '!': 'timestamp', value: 1_700_000_000 },
        arr: [1, 'a', [false]], tab: { x: { y: 'z' } },
      },
    });
    await ch.waitForConfirms();
    await conn.close();
    const got = await pika<PikaGot>('headers-get', 'h-from-amqplib');
    assert.equal(got.correlation_id, 'al-1');
    // amqplib writes 's' for 1000; Wharf widens it to 'I' for py-amqp's sake, which pika reads alike.
    // pika reads 'd' through long() (pika/data.py), so 2.5 arrives as 2, as it would from RabbitMQ.
    assert.deepEqual(got.headers, {
      byte: int(100), short: int(1000), shortNeg: int(-1000), int: int(100_000), intNeg: int(-100_000),
      long: int(6_000_000_000), longNeg: int(2n ** 64n - 6_000_000_000n), str: str('ü'), yes: { t: 'bool', v: true },
      nothing: { t: 'none', v: null }, raw: { t: 'bytes', v: '0102' }, dbl: int(2), dec: { t: 'decimal', v: '3.14' },
      ts: { t: 'timestamp', v: 1_700_000_000 }, arr: { t: 'list', v: [int(1), str('a'), { t: 'list', v: [{ t: 'bool', v: false }] }] },
      tab: { t: 'table', v: { x: { t: 'table', v: { y: str('z') } } } },
    });
  });

  await t.test("py-amqp 'L' int64 keeps its sign for py-amqp and pika; amqplib reads all but negatives beyond int32", async () => {
    const headers: TypedTable = {
      big: int(5_000_000_000), neg: int(-5_000_000_000), small: int(-7), int32Min: int(-2_147_483_648), dbl: { t: 'float', v: 2.5 },
      arr: { t: 'list', v: [int(-6_000_000_000), int(6_000_000_000)] }, tab: { t: 'table', v: { n: int(-9_000_000_000) } },
    };
    await pyAmqp('publish', 'h-py-amqp', JSON.stringify(headers));
    const back = await pyAmqp<{ headers: TypedTable }>('get', 'h-py-amqp');
    assert.deepEqual(back.headers, headers, 'py-amqp reads "l" as unsigned, so a negative "L" must stay "L"');

    await pyAmqp('publish', 'h-py-amqp', JSON.stringify(headers));
    const viaPika = await pika<PikaGot>('headers-get', 'h-py-amqp');
    assert.deepEqual(viaPika.headers, { ...headers, dbl: int(2) }, 'pika reads "L" as signed');

    // amqplib cannot decode an 'L' tag at all; Wharf writes non-negative 'L' values as 'l' and
    // negative ones within int32 (py-amqp sends -2^31 as 'L') as 'I'.
    const readable: TypedTable = {
      big: int(5_000_000_000), arr: { t: 'list', v: [int(6_000_000_000)] }, small: int(-7), int32Min: int(-2_147_483_648), dbl: { t: 'float', v: 2.5 },
    };
    await pyAmqp('publish', 'h-py-amqp', JSON.stringify(readable));
    const m = await amqplibGet(broker.url, 'h-py-amqp');
    assert.deepEqual(fromAmqplib(m.properties.headers ?? {}), { t: 'table', v: readable });
  });
});
