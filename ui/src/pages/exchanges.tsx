// Exchanges: the list (paginated), declare and delete; an exchange's bindings (add, remove) and a
// form to publish a test message through it.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, exchangeSeg, get, seg } from '../api';
import { BindForm, PublishForm, useVhosts } from '../components/amqp-forms';
import { PagedList } from '../components/list';
import { Action, ActionForm, Check, ErrorBox, Field, KeyValues, Link, Loading, PageHead, Select, Table, Text } from '../components/ui';
import { parseArgs } from '../format';
import { usePoll } from '../hooks';
import { href, navigate } from '../router';
import type { BindingRow, ExchangeRow } from '../types';

const display = (name: string): string => (name === '' ? '(AMQP default)' : name);

function DeclareExchange(props: { onDone: () => void }): JSX.Element {
  const vhosts = useVhosts();
  const [vhost, setVhost] = useState('/');
  const [name, setName] = useState('');
  const [type, setType] = useState('direct');
  const [durable, setDurable] = useState(true);
  const [autoDelete, setAutoDelete] = useState(false);
  const [internal, setInternal] = useState(false);
  const [args, setArgs] = useState('');
  const run = async (): Promise<string> => {
    await api('PUT', `/exchanges/${seg(vhost)}/${seg(name)}`, { type, durable, auto_delete: autoDelete, internal, arguments: parseArgs(args) });
    props.onDone();
    const declared = name;
    setName('');
    return `Declared exchange ${declared}.`;
  };
  return (
    <ActionForm title="Declare an exchange" submit="Declare exchange" run={run} testId="declare-exchange">
      <Field label="Virtual host"><Select name="exchange-vhost" value={vhost} set={setVhost} options={vhosts} /></Field>
      <Field label="Name"><Text name="exchange-name" value={name} set={setName} required placeholder="events" /></Field>
      <Field label="Type"><Select name="exchange-type" value={type} set={setType} options={['direct', 'fanout', 'topic', 'headers']} /></Field>
      <Field label="Arguments (JSON)"><Text name="exchange-args" value={args} set={setArgs} placeholder='{"alternate-exchange": "unrouted"}' /></Field>
      <Check name="exchange-durable" checked={durable} set={setDurable} label="Durable" />
      <Check name="exchange-auto-delete" checked={autoDelete} set={setAutoDelete} label="Auto-delete" />
      <Check name="exchange-internal" checked={internal} set={setInternal} label="Internal" />
    </ActionForm>
  );
}

export function ExchangesPage(): JSX.Element {
  const [refresh, setRefresh] = useState(0);
  const bump = (): void => setRefresh((r) => r + 1);
  return (
    <div>
      <PageHead title="Exchanges" sub="AMQP exchanges; open one to see and edit its bindings" />
      <PagedList<ExchangeRow> path="/exchanges" what="exchanges" refresh={refresh} testId="exchanges" rowKey={(x) => `${x.vhost}\u0000${x.name}`} columns={[
        { title: 'Vhost', cell: (x) => x.vhost },
        { title: 'Name', cell: (x) => <Link href={href('exchanges', x.vhost, x.name === '' ? 'amq.default' : x.name)}>{display(x.name)}</Link> },
        { title: 'Type', cell: (x) => x.type },
        { title: 'Features', cell: (x) => [x.durable ? 'D' : '', x.auto_delete ? 'AD' : '', x.internal === true ? 'I' : ''].filter((f) => f !== '').join(' ') },
        { title: '', cell: (x) => (x.name === '' || x.name.startsWith('amq.') ? null : <Action label="Delete" danger confirm={`Delete exchange ${x.name}?`} run={() => api('DELETE', `/exchanges/${seg(x.vhost)}/${seg(x.name)}`)} onDone={bump} />) },
      ]} />
      <DeclareExchange onDone={bump} />
    </div>
  );
}

export function ExchangePage(props: { vhost: string; name: string }): JSX.Element {
  const name = props.name === 'amq.default' ? '' : props.name;
  const base = `/exchanges/${seg(props.vhost)}/${exchangeSeg(name)}`;
  const { data, error } = usePoll(() => get<ExchangeRow>(base), [base]);
  const bindings = usePoll(() => get<BindingRow[]>(`${base}/bindings/source`), [base]);
  if (data === undefined) return <><PageHead title={`Exchange ${display(name)}`} /><ErrorBox error={error} />{error === undefined && <Loading what="the exchange" />}</>;
  const builtIn = name === '' || name.startsWith('amq.');
  return (
    <div data-testid="exchange">
      <PageHead title={<>Exchange <span class="mono">{display(data.name)}</span></>} sub={`vhost ${data.vhost} · ${data.type}`}>
        {!builtIn && <Action label="Delete exchange" danger confirm={`Delete exchange ${data.name}?`} run={() => api('DELETE', base)} onDone={() => navigate('/exchanges')} />}
      </PageHead>
      <div class="cols">
        <div class="card grow">
          <h3>Bindings from this exchange</h3>
          <ErrorBox error={bindings.error} />
          <Table rows={bindings.data ?? []} rowKey={(b) => `${b.destination_type}/${b.destination}/${b.properties_key}`} empty={name === '' ? 'The default exchange routes to the queue named by the routing key.' : 'No bindings.'} columns={[
            { title: 'To', cell: (b) => (b.destination_type === 'queue' ? <Link href={href('queues', b.vhost, b.destination)}>{b.destination}</Link> : <Link href={href('exchanges', b.vhost, b.destination)}>{b.destination}</Link>) },
            { title: 'Kind', cell: (b) => b.destination_type },
            { title: 'Routing key', cell: (b) => <span class="mono">{b.routing_key}</span> },
            { title: 'Arguments', cell: (b) => <span class="mono small">{JSON.stringify(b.arguments ?? {})}</span> },
            { title: '', cell: (b) => <Action label="Unbind" run={() => api('DELETE', `/bindings/${seg(b.vhost)}/e/${exchangeSeg(b.source)}/${b.destination_type === 'queue' ? 'q' : 'e'}/${seg(b.destination)}/${seg(b.properties_key)}`)} onDone={bindings.reload} /> },
          ]} />
        </div>
        <div class="card side-card">
          <h3>Details</h3>
          <KeyValues rows={[
            ['type', data.type],
            ['durable', String(data.durable)],
            ['auto-delete', String(data.auto_delete)],
            ['internal', String(data.internal ?? false)],
            ...Object.entries(data.arguments ?? {}).map(([k, v]): [string, string] => [k, JSON.stringify(v)]),
          ]} />
        </div>
      </div>
      {name !== '' && <BindForm vhost={data.vhost} source={name} onDone={bindings.reload} />}
      <PublishForm vhost={data.vhost} exchange={name} />
    </div>
  );
}
