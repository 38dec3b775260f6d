// One queue: depth and rates, its bindings, get messages (ack or requeue), publish to it through
// the default exchange, purge and delete.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, exchangeSeg, get, seg } from '../api';
import { BindForm, PublishForm } from '../components/amqp-forms';
import { Action, ActionForm, ErrorBox, Field, KeyValues, Link, Loading, PageHead, Select, Stat, Table, Text } from '../components/ui';
import { bytes, num, rate } from '../format';
import { usePoll } from '../hooks';
import { href, navigate } from '../router';
import type { BindingRow, GotMessage, QueueRow } from '../types';

function GetMessages(props: { vhost: string; name: string; onDone: () => void }): JSX.Element {
  const [count, setCount] = useState('1');
  const [ackmode, setAckmode] = useState('ack_requeue_true');
  const [got, setGot] = useState<GotMessage[] | undefined>(undefined);
  const run = async (): Promise<string> => {
    const r = await api<GotMessage[]>('POST', `/queues/${seg(props.vhost)}/${seg(props.name)}/get`, { count: Number(count), ackmode, encoding: 'auto', truncate: 50_000 });
    setGot(r);
    props.onDone();
    return r.length === 0 ? 'The queue is empty.' : `Got ${r.length} message${r.length === 1 ? '' : 's'}.`;
  };
  return (
    <div>
      <ActionForm title="Get messages" submit="Get messages" run={run} testId="get-messages">
        <Field label="Mode"><Select name="get-ackmode" value={ackmode} set={setAckmode} options={[
          ['ack_requeue_true', 'Nack, requeue (peek)'], ['ack_requeue_false', 'Ack (remove)'], ['reject_requeue_true', 'Reject, requeue'], ['reject_requeue_false', 'Reject, drop'],
        ]} /></Field>
        <Field label="Messages"><Text name="get-count" type="number" min={1} value={count} set={setCount} /></Field>
      </ActionForm>
      {got !== undefined && got.length > 0 && (
        <div class="card">
          <Table testId="got" rows={got} rowKey={(m) => `${m.message_count}-${m.routing_key}-${m.payload.slice(0, 20)}`} columns={[
            { title: 'Exchange', cell: (m) => m.exchange === '' ? '(default)' : m.exchange },
            { title: 'Routing key', cell: (m) => m.routing_key },
            { title: 'Redelivered', cell: (m) => (m.redelivered ? 'yes' : 'no') },
            { title: 'Properties', cell: (m) => <pre class="mono small">{JSON.stringify(m.properties, null, 1)}</pre> },
            { title: 'Payload', cell: (m) => <span class="mono">{m.payload} <span class="muted">({bytes(m.payload_bytes)}{m.payload_encoding === 'base64' ? ', base64' : ''})</span></span> },
          ]} />
        </div>
      )}
    </div>
  );
}

export function QueuePage(props: { vhost: string; name: string }): JSX.Element {
  const base = `/queues/${seg(props.vhost)}/${seg(props.name)}`;
  const { data, error, reload } = usePoll(() => get<QueueRow>(base), [base]);
  const bindings = usePoll(() => get<BindingRow[]>(`${base}/bindings`), [base]);
  if (data === undefined) return <><PageHead title={`Queue ${props.name}`} /><ErrorBox error={error} />{error === undefined && <Loading what="the queue" />}</>;
  const stats = data.message_stats ?? {};
  const refresh = (): void => {
    reload();
    bindings.reload();
  };
  return (
    <div data-testid="queue">
      <PageHead title={<>Queue <span class="mono">{data.name}</span></>} sub={`vhost ${data.vhost} · ${data.type ?? 'classic'} · ${data.state ?? 'running'}`}>
        <Action label="Purge" confirm={`Remove every message of ${data.name}?`} run={() => api('DELETE', `${base}/contents`)} onDone={reload} />
        <Action label="Delete queue" danger confirm={`Delete queue ${data.name}?`} run={() => api('DELETE', base)} onDone={() => navigate('/queues')} />
      </PageHead>
      <ErrorBox error={error} />
      <div class="stats">
        <Stat label="Ready" value={num(data.messages_ready)} />
        <Stat label="Unacked" value={num(data.messages_unacknowledged)} />
        <Stat label="Total" value={num(data.messages)} />
        <Stat label="Bytes" value={bytes(data.message_bytes)} />
        <Stat label="Consumers" value={num(data.consumers)} />
        <Stat label="Publish" value={rate(stats.publish_details?.rate)} />
        <Stat label="Deliver/get" value={rate(stats.deliver_get_details?.rate)} />
        <Stat label="Ack" value={rate(stats.ack_details?.rate)} />
      </div>
      <div class="cols">
        <div class="card grow">
          <h3>Bindings</h3>
          <ErrorBox error={bindings.error} />
          <Table rows={bindings.data ?? []} rowKey={(b) => `${b.source}/${b.properties_key}`} empty="No bindings." columns={[
            { title: 'From exchange', cell: (b) => (b.source === '' ? '(default)' : <Link href={href('exchanges', b.vhost, b.source)}>{b.source}</Link>) },
            { title: 'Routing key', cell: (b) => <span class="mono">{b.routing_key}</span> },
            { title: 'Arguments', cell: (b) => <span class="mono small">{JSON.stringify(b.arguments ?? {})}</span> },
            { title: '', cell: (b) => b.source === '' ? null : <Action label="Unbind" run={() => api('DELETE', `/bindings/${seg(b.vhost)}/e/${exchangeSeg(b.source)}/q/${seg(b.destination)}/${seg(b.properties_key)}`)} onDone={refresh} /> },
          ]} />
        </div>
        <div class="card side-card">
          <h3>Details</h3>
          <KeyValues rows={[
            ['durable', String(data.durable)],
            ['auto-delete', String(data.auto_delete)],
            ['exclusive', String(data.exclusive ?? false)],
            ['published', num(stats.publish)],
            ['delivered', num(stats.deliver_get)],
            ...Object.entries(data.arguments ?? {}).map(([k, v]): [string, string] => [k, JSON.stringify(v)]),
          ]} />
        </div>
      </div>
      <BindForm vhost={data.vhost} queue={data.name} onDone={refresh} />
      <PublishForm vhost={data.vhost} exchange="" routingKey={data.name} title="Publish a message to this queue (default exchange)" onDone={reload} />
      <GetMessages vhost={data.vhost} name={data.name} onDone={reload} />
    </div>
  );
}
