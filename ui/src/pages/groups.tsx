// Consumer groups: the list with state, members and total lag; a group's members, assignments and
// lag per partition; resetting offsets (only while the group has no members) and deleting it.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, get, seg } from '../api';
import { PagedList } from '../components/list';
import { Action, ActionForm, ErrorBox, Field, Link, Loading, PageHead, Select, Table, Text } from '../components/ui';
import { num } from '../format';
import { usePoll } from '../hooks';
import { href, navigate } from '../router';
import type { GroupDetail, GroupRow } from '../types';

export function GroupsPage(): JSX.Element {
  return (
    <div>
      <PageHead title="Consumer groups" sub="Kafka consumer groups and how far behind they are" />
      <PagedList<GroupRow> path="/groups" what="groups" testId="groups" rowKey={(g) => g.group_id} columns={[
        { title: 'Group', cell: (g) => <Link href={href('groups', g.group_id)}>{g.group_id}</Link> },
        { title: 'State', cell: (g) => <span class={`badge ${g.state.toLowerCase()}`}>{g.state}</span> },
        { title: 'Protocol', cell: (g) => g.protocol ?? g.protocol_type ?? '–' },
        { title: 'Members', cell: (g) => g.members, num: true },
        { title: 'Lag', cell: (g) => num(g.lag), num: true },
      ]} />
    </div>
  );
}

function ResetOffsets(props: { group: GroupDetail; onDone: () => void }): JSX.Element {
  const topics = [...new Set(props.group.partitions.map((p) => p.topic))];
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [to, setTo] = useState('earliest');
  const [offset, setOffset] = useState('0');
  const [when, setWhen] = useState('');
  const empty = props.group.members.length === 0;
  const run = async (): Promise<string> => {
    let target: unknown = to;
    if (to === 'offset') target = { offset: Number(offset) };
    if (to === 'timestamp') {
      const ms = new Date(when).getTime();
      if (Number.isNaN(ms)) throw new Error('Pick a date and time to reset to.');
      target = { timestamp: ms };
    }
    await api('POST', `/groups/${seg(props.group.group_id)}/reset-offsets`, { topic, to: target });
    props.onDone();
    return `Offsets of ${topic} reset.`;
  };
  return (
    <ActionForm title="Reset offsets" submit="Reset offsets" run={run} disabled={!empty || topic === ''} testId="reset-offsets">
      {!empty && <p class="muted wide">Stop the group's consumers first: offsets can only be reset while the group has no members.</p>}
      <Field label="Topic"><Select name="reset-topic" value={topic} set={setTopic} options={topics} /></Field>
      <Field label="To"><Select name="reset-to" value={to} set={setTo} options={[['earliest', 'earliest'], ['latest', 'latest'], ['offset', 'an offset'], ['timestamp', 'a time']]} /></Field>
      {to === 'offset' && <Field label="Offset"><Text name="reset-offset" type="number" min={0} value={offset} set={setOffset} /></Field>}
      {to === 'timestamp' && <Field label="Time (local)"><input name="reset-time" type="datetime-local" step="1" value={when} onInput={(e) => setWhen((e.target as HTMLInputElement).value)} /></Field>}
    </ActionForm>
  );
}

export function GroupPage(props: { id: string }): JSX.Element {
  const { data, error, reload } = usePoll(() => get<GroupDetail>(`/groups/${seg(props.id)}`), [props.id]);
  if (data === undefined) return <><PageHead title={`Group ${props.id}`} /><ErrorBox error={error} />{error === undefined && <Loading what="the group" />}</>;
  const lag = data.partitions.reduce((s, p) => s + (p.lag ?? 0), 0);
  return (
    <div data-testid="group">
      <PageHead title={<>Group <span class="mono">{data.group_id}</span></>} sub={`${data.state} · ${data.members.length} members · lag ${num(lag)}`}>
        <Action label="Delete group" danger disabled={data.members.length > 0} title="Only a group with no members can be deleted" confirm={`Delete group ${data.group_id} and its committed offsets?`} run={() => api('DELETE', `/groups/${seg(data.group_id)}`)} onDone={() => navigate('/groups')} />
      </PageHead>
      <ErrorBox error={error} />
      <div class="card">
        <h3>Members</h3>
        <Table rows={data.members} rowKey={(m) => m.member_id} empty="No members: the group is empty." columns={[
          { title: 'Member', cell: (m) => <span class="mono small">{m.member_id}</span> },
          { title: 'Client id', cell: (m) => m.client_id },
          { title: 'Host', cell: (m) => m.client_host },
          { title: 'Assignment', cell: (m) => (m.assignments ?? []).map((a) => <div key={a.topic}>{a.topic}: {a.partitions.join(', ')}</div>) },
        ]} />
      </div>
      <div class="card">
        <h3>Lag per partition</h3>
        <Table testId="lag" rows={data.partitions} rowKey={(p) => `${p.topic}/${p.partition}`} empty="No committed offsets." columns={[
          { title: 'Topic', cell: (p) => <Link href={href('topics', p.topic)}>{p.topic}</Link> },
          { title: 'Partition', cell: (p) => p.partition, num: true },
          { title: 'Committed', cell: (p) => num(p.committed_offset), num: true },
          { title: 'High watermark', cell: (p) => num(p.high_watermark), num: true },
          { title: 'Lag', cell: (p) => <b>{num(p.lag)}</b>, num: true },
        ]} />
      </div>
      <ResetOffsets group={data} onDone={reload} />
    </div>
  );
}
