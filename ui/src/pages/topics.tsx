// Topics: the list with partitions, messages, size and rates; create and delete.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { PagedList } from '../components/list';
import { Action, ActionForm, Field, Link, PageHead, Select, Text } from '../components/ui';
import { bytes, num, rate } from '../format';
import { href } from '../router';
import type { TopicRow } from '../types';

const RETENTION: [string, string][] = [
  ['', 'broker default'],
  ['3600000', '1 hour'],
  ['86400000', '1 day'],
  ['604800000', '7 days'],
  ['2592000000', '30 days'],
  ['-1', 'forever'],
];

export function CreateTopic(props: { onCreated: () => void }): JSX.Element {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const [retention, setRetention] = useState('');
  const run = async (): Promise<string> => {
    const configs: Record<string, string> = {};
    if (retention !== '') configs['retention.ms'] = retention;
    await api('PUT', `/topics/${seg(name)}`, { partitions: Number(partitions), configs });
    props.onCreated();
    const created = name;
    setName('');
    return `Created topic ${created}.`;
  };
  return (
    <ActionForm title="Create a topic" submit="Create topic" run={run} testId="create-topic">
      <Field label="Name"><Text name="topic-name" value={name} set={setName} required placeholder="orders" /></Field>
      <Field label="Partitions"><Text name="topic-partitions" type="number" min={1} value={partitions} set={setPartitions} required /></Field>
      <Field label="Retention"><Select name="topic-retention" value={retention} set={setRetention} options={RETENTION} /></Field>
    </ActionForm>
  );
}

export function TopicsPage(): JSX.Element {
  const [refresh, setRefresh] = useState(0);
  const bump = (): void => setRefresh((r) => r + 1);
  return (
    <div>
      <PageHead title="Topics" sub="Kafka topics on the shared log" />
      <PagedList<TopicRow> path="/topics" what="topics" refresh={refresh} testId="topics" rowKey={(t) => t.name} columns={[
        { title: 'Name', cell: (t) => <Link href={href('topics', t.name)}>{t.name}</Link> },
        { title: 'Partitions', cell: (t) => t.partitions, num: true },
        { title: 'Messages', cell: (t) => num(t.messages), num: true },
        { title: 'Size', cell: (t) => bytes(t.size_bytes), num: true },
        { title: 'In', cell: (t) => rate(t.records_in_rate), num: true },
        { title: 'Out', cell: (t) => rate(t.records_out_rate), num: true },
        { title: 'Bytes in', cell: (t) => `${bytes(t.bytes_in_rate)}/s`, num: true },
        { title: '', cell: (t) => <Action label="Delete" danger confirm={`Delete topic ${t.name} and all its records?`} run={() => api('DELETE', `/topics/${seg(t.name)}`)} onDone={bump} /> },
      ]} />
      <CreateTopic onCreated={bump} />
      <p class="muted">Open a topic to browse its records and produce a test record. <Link href="/groups">Consumer groups</Link> show lag per partition.</p>
    </div>
  );
}
