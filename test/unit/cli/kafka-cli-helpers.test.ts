// Pure parts of the Kafka commands: stdin line splitting, --from parsing, record output formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrom } from '../../../src/cli/consume-command.js';
import { parsePairs } from '../../../src/cli/kafka-options.js';
import { readLines } from '../../../src/cli/line-reader.js';
import { formatRecord } from '../../../src/cli/record-format.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

async function lines(chunks: Buffer[], max?: number): Promise<string[]> {
  const out: string[] = [];
  async function* source(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  for await (const batch of readLines(source(), max)) for (const l of batch) out.push(l.toString());
  return out;
}

test('lines split the same wherever the input is cut into chunks', async () => {
  const input = Buffer.from('k1:first\n\nsecond line\r\nü€\nlast without newline');
  const expected = ['k1:first', '', 'second line\r', 'ü€', 'last without newline'];
  assert.deepEqual(await lines([input]), expected);
  for (let cut = 0; cut <= input.length; cut++) {
    assert.deepEqual(await lines([input.subarray(0, cut), input.subarray(cut)]), expected, `cut at ${cut}`);
  }
  assert.deepEqual(await lines([...input].map((b) => Buffer.from([b]))), expected, 'one byte at a time');
  assert.deepEqual(await lines([Buffer.from('a\n')]), ['a'], 'a final newline adds no empty record');
  await assert.rejects(lines([Buffer.from('x'.repeat(20))], 10), (err: unknown) => isWharfError(err, 'WHARF_ERR_CLI_USAGE'));
});

test('--from accepts beginning, end, offsets and ISO date-times, and explains anything else', () => {
  assert.deepEqual(parseFrom('beginning'), { kind: 'beginning' });
  assert.deepEqual(parseFrom('end'), { kind: 'end' });
  assert.deepEqual(parseFrom('1500'), { kind: 'offset', offset: 1500 });
  assert.deepEqual(parseFrom('2024-05-01T10:00:00Z'), { kind: 'time', timestampMs: Date.UTC(2024, 4, 1, 10) });
  assert.deepEqual(parseFrom('2024-05-01'), { kind: 'time', timestampMs: Date.UTC(2024, 4, 1) });
  for (const bad of ['-5', 'yesterday', '2024-13-45T99:00:00Z', '1e3', '']) {
    assert.throws(() => parseFrom(bad), (err: unknown) => isWharfError(err, 'WHARF_ERR_CLI_USAGE') && /beginning, end, an offset or an ISO date-time/.test(err.message), bad);
  }
});

test('KEY=VALUE pairs split at the first "=" and refuse empty or repeated keys', () => {
  assert.deepEqual(parsePairs(['a=1', 'b=x=y', 'c='], '--config'), { a: '1', b: 'x=y', c: '' });
  assert.throws(() => parsePairs(['=1'], '--config'), /--config expects KEY=VALUE/);
  assert.throws(() => parsePairs(['a=1', 'a=2'], '--config'), /--config a is given twice/);
});

test('records print as labelled text (control characters escaped), JSON or the bare value', () => {
  const r = { partition: 2, offset: 7, timestamp: Date.UTC(2024, 4, 1, 10), key: Buffer.from('user 1'), value: Buffer.from('hi\tthere\n\x1b[31m'), headers: [{ key: 'src', value: Buffer.from('cli') }, { key: 'n', value: null }] };
  assert.equal(formatRecord('t', r, 'text'),
    'partition=2 offset=7 timestamp=2024-05-01T10:00:00.000Z key=user 1 headers={src=cli, n=(null)} value=hi\\tthere\\n\\x1b[31m\n');
  assert.deepEqual(JSON.parse(formatRecord('t', r, 'json').toString()), {
    topic: 't', partition: 2, offset: 7, timestamp: Date.UTC(2024, 4, 1, 10), key: 'user 1', value: 'hi\tthere\n\x1b[31m',
    headers: [{ key: 'src', value: 'cli' }, { key: 'n', value: null }],
  });
  assert.deepEqual(formatRecord('t', r, 'value'), Buffer.from('hi\tthere\n\x1b[31m\n'));
  const empty = { ...r, key: null, value: null, headers: [] };
  assert.match(formatRecord('t', empty, 'text').toString(), /key=\(null\) headers=\{\} value=\(null\)\n$/);
  assert.equal(formatRecord('t', empty, 'value'), '\n');
});
