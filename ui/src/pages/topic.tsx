// One topic: partitions with offsets and sizes, its configs, a message browser (from an offset or
// a timestamp, per partition) and a form to produce a test record.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, get, seg } from '../api';
import { Action, ActionForm, ErrorBox, Field, KeyValues, Loading, PageHead, Select, Table, Text, TextArea } from '../components/ui';
import { bytes, num, parseHeaders, rate, time } from '../format';
import { usePoll } from '../hooks';
import { navigate } from '../router';
import type { BrowseResult, BrowsedRecord, TopicDetail } from '../types';

function Encoded(props: { value: string | null; encoding?: string; truncated?: boolean; size?: number }): JSX.Element {
  if (props.value === null) return <span class="muted">null</span>;
  const base64 = props.encoding === 'base64';
  return (
    <span class={base64 ? 'mono b64' : 'mono'} title={base64 ? 'binary, shown as base64' : undefined}>
      {props.value}
      {props.truncated === true && <span class="muted"> … ({bytes(props.size)})</span>}
    </span>
  );
}

function Browser(props: { topic: TopicDetail }): JSX.Element {
  const parts = props.topic.partitions.map((p) => p.partition);
  const [partition, setPartition] = useState(String(parts[0] ?? 0));
  const [mode, setMode] = useState('latest');
  const [offset, setOffset] = useState('0');
  const [when, setWhen] = useState('');
  const [limit, setLimit] = useState('50');
  const [result, setResult] = useState<BrowseResult | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const fetchFrom = async (from: { offset?: number; timestamp?: number }): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const q = new URLSearchParams({ limit });
      if (from.offset !== undefined) q.set('offset', String(from.offset));
      if (from.timestamp !== undefined) q.set('timestamp', String(from.timestamp));
      setResult(await get<BrowseResult>(`/topics/${seg(props.topic.name)}/partitions/${seg(partition)}/messages?${q.toString()}`));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: Event): void => {
    e.preventDefault();
    if (mode === 'offset') void fetchFrom({ offset: Number(offset) });
    else if (mode === 'timestamp') {
      const ms = new Date(when).getTime();
      if (Number.isNaN(ms)) setError('Pick a date and time to read from.');
      else void fetchFrom({ timestamp: ms });
    } else void fetchFrom({});
  };
  const n = Number(limit);
  return (
    <div class="card" data-testid="browser">
      <h3>Message browser</h3>
      <form class="fields" onSubmit={submit}>
        <Field label="Partition"><Select name="browse-partition" value={partition} set={setPartition} options={parts.map(String)} /></Field>
        <Field label="From"><Select name="browse-mode" value={mode} set={setMode} options={[['latest', 'latest records'], ['offset', 'offset'], ['timestamp', 'timestamp']]} /></Field>
        {mode === 'offset' && <Field label="Offset"><Text name="browse-offset" type="number" min={0} value={offset} set={setOffset} /></Field>}
        {mode === 'timestamp' && <Field label="Time (local)"><input name="browse-time" type="datetime-local" step="1" value={when} onInput={(e) => setWhen((e.target as HTMLInputElement).value)} /></Field>}
        <Field label="Limit"><Select name="browse-limit" value={limit} set={setLimit} options={['10', '50', '200']} /></Field>
        <div class="form-end"><button type="submit" class="primary" disabled={busy}>Show records</button></div>
      </form>
      <ErrorBox error={error} />
      {result !== undefined && (
        <>
          <div class="toolbar">
            <span class="muted">Partition {result.partition}: offsets {num(result.from_offset)}–{num(result.next_offset - 1)} of high watermark {num(result.high_watermark)}</span>
            <button type="button" disabled={busy || result.from_offset <= 0} onClick={() => void fetchFrom({ offset: Math.max(0, result.from_offset - n) })}>‹ Older</button>
            <button type="button" disabled={busy || result.next_offset >= result.high_watermark} onClick={() => void fetchFrom({ offset: result.next_offset })}>Newer ›</button>
          </div>
          <Table<BrowsedRecord> testId="records" rows={result.messages} rowKey={(m) => String(m.offset)} empty="No records in this range." columns={[
            { title: 'Offset', cell: (m) => m.offset, num: true },
            { title: 'Timestamp', cell: (m) => time(m.timestamp) },
            { title: 'Key', cell: (m) => <Encoded value={m.key} encoding={m.key_encoding} /> },
            { title: 'Headers', cell: (m) => Object.entries(m.headers ?? {}).map(([k, v]) => <div key={k} class="mono small">{k}={v}</div>) },
            { title: 'Value', cell: (m) => <Encoded value={m.value} encoding={m.value_encoding} truncated={m.truncated} size={m.value_bytes} /> },
          ]} />
        </>
      )}
    </div>
  );
}

function Produce(props: { topic: TopicDetail; onDone: () => void }): JSX.Element {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [headers, setHeaders] = useState('');
  const [partition, setPartition] = useState('');
  const run = async (): Promise<string> => {
    const body: Record<string, unknown> = { key: key === '' ? null : key, value, headers: parseHeaders(headers) };
    if (partition !== '') body.partition = Number(partition);
    const r = await api<{ partition: number; offset: number }>('POST', `/topics/${seg(props.topic.name)}/messages`, body);
    props.onDone();
    return `Written to partition ${r.partition} at offset ${r.offset}.`;
  };
  return (
    <ActionForm title="Produce a test record" submit="Produce" run={run} testId="produce">
      <Field label="Key"><Text name="produce-key" value={key} set={setKey} placeholder="(none)" /></Field>
      <Field label="Partition"><Select name="produce-partition" value={partition} set={setPartition} options={[['', 'by key / any'], ...props.topic.partitions.map((p): [string, string] => [String(p.partition), String(p.partition)])]} /></Field>
      <Field label="Value" wide><TextArea name="produce-value" value={value} set={setValue} placeholder='{"hello": "world"}' /></Field>
      <Field label="Headers (key=value per line)" wide><TextArea name="produce-headers" value={headers} set={setHeaders} rows={2} /></Field>
    </ActionForm>
  );
}

export function TopicPage(props: { name: string }): JSX.Element {
  const { data, error, reload } = usePoll(() => get<TopicDetail>(`/topics/${seg(props.name)}`), [props.name]);
  if (data === undefined) return <><PageHead title={`Topic ${props.name}`} /><ErrorBox error={error} />{error === undefined && <Loading what="the topic" />}</>;
  const total = data.partitions.reduce((s, p) => s + (p.high_watermark - p.log_start_offset), 0);
  const size = data.partitions.reduce((s, p) => s + (p.size_bytes ?? 0), 0);
  return (
    <div data-testid="topic">
      <PageHead title={<>Topic <span class="mono">{data.name}</span></>} sub={`${data.partitions.length} partitions · ${num(total)} records · ${bytes(size)}`}>
        <Action label="Delete topic" danger confirm={`Delete topic ${data.name} and all its records?`} run={() => api('DELETE', `/topics/${seg(data.name)}`)} onDone={() => navigate('/topics')} />
      </PageHead>
      <ErrorBox error={error} />
      <div class="cols">
        <div class="card grow">
          <h3>Partitions</h3>
          <Table testId="partitions" rows={data.partitions} rowKey={(p) => String(p.partition)} columns={[
            { title: 'Partition', cell: (p) => p.partition, num: true },
            { title: 'Start offset', cell: (p) => num(p.log_start_offset), num: true },
            { title: 'High watermark', cell: (p) => num(p.high_watermark), num: true },
            { title: 'Records', cell: (p) => num(p.high_watermark - p.log_start_offset), num: true },
            { title: 'Size', cell: (p) => bytes(p.size_bytes), num: true },
            { title: 'Segments', cell: (p) => num(p.segments), num: true },
            { title: 'In', cell: (p) => rate(p.records_in_rate), num: true },
          ]} />
        </div>
        <div class="card side-card">
          <h3>Configuration</h3>
          <KeyValues rows={[
            ['topic id', <span class="mono small">{data.topic_id ?? '–'}</span>],
            ...Object.entries(data.configs ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]): [string, string] => [k, v ?? '–']),
          ]} />
        </div>
      </div>
      <Browser topic={data} />
      <Produce topic={data} onDone={reload} />
    </div>
  );
}
