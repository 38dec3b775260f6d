// Connections: AMQP and Kafka clients, with a button to close one (the client is told why).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { PagedList } from '../components/list';
import { Action, PageHead } from '../components/ui';
import { time } from '../format';
import type { ConnectionRow } from '../types';

function clientName(c: ConnectionRow): string {
  const p = c.client_properties ?? {};
  const name = p.connection_name ?? p.product ?? p.client_id;
  return typeof name === 'string' ? name : '';
}

export function ConnectionsPage(): JSX.Element {
  const [refresh, setRefresh] = useState(0);
  return (
    <div>
      <PageHead title="Connections" sub="AMQP 0-9-1 and Kafka clients connected now" />
      <PagedList<ConnectionRow> path="/connections" what="connections" refresh={refresh} testId="connections" rowKey={(c) => c.name} columns={[
        { title: 'Name', cell: (c) => <span class="mono small">{c.name}</span> },
        { title: 'Protocol', cell: (c) => c.protocol },
        { title: 'Client', cell: (c) => clientName(c) },
        { title: 'User', cell: (c) => (c.user === undefined || c.user === '' ? '–' : c.user) },
        { title: 'Vhost', cell: (c) => (c.vhost === undefined || c.vhost === '' ? '–' : c.vhost) },
        { title: 'Peer', cell: (c) => `${c.peer_host ?? '?'}:${String(c.peer_port ?? '?')}` },
        { title: 'Channels', cell: (c) => c.channels ?? '–', num: true },
        { title: 'Connected', cell: (c) => time(c.connected_at) },
        { title: 'State', cell: (c) => c.state ?? 'running' },
        { title: '', cell: (c) => <Action label="Close" danger confirm={`Close connection ${c.name}?`} run={() => api('DELETE', `/connections/${seg(c.name)}`, undefined, { 'x-reason': 'Closed from the Wharf console' })} onDone={() => setRefresh((r) => r + 1)} /> },
      ]} />
    </div>
  );
}
