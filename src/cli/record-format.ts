// How `wharf consume` prints a record.
//   text   partition=0 offset=7 timestamp=2024-05-01T10:00:00.000Z key=user-1 headers={source=cli} value=hello
//          for people: control characters are escaped (\n, \t, \x1b…) so a record is one line
//          and cannot drive the terminal; value is last so it may hold spaces.
//   json   one JSON object per line, for scripts: key, value and header values as UTF-8 strings
//          (null stays null), the timestamp in ms since the epoch.
//   value  the value's bytes as they are, then "\n": what `wharf produce` reads back.
import type { ConsumedRecord } from '../client/topic-fetcher.js';

export const RECORD_FORMATS = ['text', 'json', 'value'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

const NULL_TEXT = '(null)';

// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\x00-\x1f\x7f]/g;

export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function text(b: Buffer | null): string {
  return b === null ? NULL_TEXT : escapeControl(b.toString('utf8'));
}

function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) || ms < 0 ? String(ms) : d.toISOString();
}

/** The record in `format`, newline included. */
export function formatRecord(topic: string, r: ConsumedRecord, format: RecordFormat): string | Buffer {
  switch (format) {
    case 'value':
      return r.value === null ? '\n' : Buffer.concat([r.value, Buffer.from('\n')]);
    case 'json':
      return JSON.stringify({
        topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key === null ? null : r.key.toString('utf8'),
        value: r.value === null ? null : r.value.toString('utf8'),
        headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') })),
      }) + '\n';
    case 'text': {
      const headers = r.headers.map((h) => `${escapeControl(h.key)}=${text(h.value)}`).join(', ');
      return `partition=${r.partition} offset=${r.offset} timestamp=${isoTime(r.timestamp)} key=${text(r.key)} headers={${headers}} value=${text(r.value)}\n`;
    }
  }
}
