// Queues: server-side pagination and search (never the whole list), declare, purge and delete.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { useVhosts } from '../components/amqp-forms';
import { PagedList } from '../components/list';
import { Action, ActionForm, Check, Field, Link, PageHead, Select, Text } from '../components/ui';
import { bytes, num, parseArgs, rate } from '../format';
import { href } from '../router';
import type { QueueRow } from '../types';

function DeclareQueue(props: { onDone: () => void }): JSX.Element {
  const vhosts = useVhosts();
  const [vhost, setVhost] = useState('/');
  const [name, setName] = useState('');
  const [type, setType] = useState('classic');
  const [durable, setDurable] = useState(true);
  const [autoDelete, setAutoDelete] = useState(false);
  const [args, setArgs] = useState('');
  const run = async (): Promise<string> => {
    const a = parseArgs(args);
    if (type !== 'classic') a['x-queue-type'] = type;
    await api('PUT', `/queues/${seg(vhost)}/${seg(name)}`, { durable, auto_delete: autoDelete, arguments: a });
    props.onDone();
    const declared = name;
    setName('');
    return `Declared queue ${declared}.`;
  };
  return (
    <ActionForm title="Declare a queue" submit="Declare queue" run={run} testId="declare-queue">
      <Field label="Virtual host"><Select name="queue-vhost" value={vhost} set={setVhost} options={vhosts} /></Field>
      <Field label="Name"><Text name="queue-name" value={name} set={setName} required placeholder="jobs" /></Field>
      <Field label="Type"><Select name="queue-type" value={type} set={setType} options={['classic', 'stream']} /></Field>
      <Field label="Arguments (JSON)"><Text name="queue-args" value={args} set={setArgs} placeholder='{"x-message-ttl": 60000}' /></Field>
      <Check name="queue-durable" checked={durable} set={setDurable} label="Durable" />
      <Check name="queue-auto-delete" checked={autoDelete} set={setAutoDelete} label="Auto-delete" />
    </ActionForm>
  );
}

export function QueuesPage(): JSX.Element {
  const [refresh, setRefresh] = useState(0);
  const bump = (): void => setRefresh((r) => r + 1);
  const path = (q: QueueRow): string => `/queues/${seg(q.vhost)}/${seg(q.name)}`;
  return (
    <div>
      <PageHead title="Queues" sub="AMQP queues, 50 per page; search asks the broker" />
      <PagedList<QueueRow> path="/queues" what="queues" refresh={refresh} testId="queues" rowKey={(q) => `${q.vhost}\u0000${q.name}`} columns={[
        { title: 'Vhost', cell: (q) => q.vhost },
        { title: 'Name', cell: (q) => <Link href={href('queues', q.vhost, q.name)}>{q.name}</Link> },
        { title: 'Type', cell: (q) => q.type ?? 'classic' },
        { title: 'Features', cell: (q) => [q.durable ? 'D' : '', q.auto_delete ? 'AD' : '', q.exclusive === true ? 'Excl' : ''].filter((f) => f !== '').join(' ') },
        { title: 'Ready', cell: (q) => num(q.messages_ready), num: true },
        { title: 'Unacked', cell: (q) => num(q.messages_unacknowledged), num: true },
        { title: 'Total', cell: (q) => num(q.messages), num: true },
        { title: 'Bytes', cell: (q) => bytes(q.message_bytes), num: true },
        { title: 'Consumers', cell: (q) => num(q.consumers), num: true },
        { title: 'Incoming', cell: (q) => rate(q.message_stats?.publish_details?.rate), num: true },
        { title: 'Deliver/get', cell: (q) => rate(q.message_stats?.deliver_get_details?.rate), num: true },
        { title: '', cell: (q) => (
          <span class="row-actions">
            <Action label="Purge" confirm={`Remove every message of ${q.name}?`} run={() => api('DELETE', `${path(q)}/contents`)} onDone={bump} />
            <Action label="Delete" danger confirm={`Delete queue ${q.name}?`} run={() => api('DELETE', path(q))} onDone={bump} />
          </span>
        ) },
      ]} />
      <DeclareQueue onDone={bump} />
    </div>
  );
}
