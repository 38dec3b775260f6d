// Overview: totals, listeners and live charts of AMQP message rates and Kafka throughput, from
// /api/overview polled every 5 s. The samples live for the tab's lifetime, so leaving the page
// and coming back keeps the charts' history.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { RateChart } from '../components/chart';
import { ErrorBox, Loading, PageHead, Stat, Table } from '../components/ui';
import { bytes, num } from '../format';
import { POLL_MS, usePoll } from '../hooks';
import type { Overview } from '../types';

const SLOTS = 61; // five minutes of 5 s samples
interface Sample { publish: number; deliver: number; ack: number; recIn: number; recOut: number; bytesIn: number; bytesOut: number }
const samples: Sample[] = [];
let lastSampleAt = 0;

function record(o: Overview): void {
  // One sample per poll interval even if several components ask at once.
  const now = Date.now();
  if (now - lastSampleAt < POLL_MS / 2) return;
  lastSampleAt = now;
  const m = o.message_stats ?? {};
  const k = o.kafka_stats ?? {};
  samples.push({
    publish: m.publish_details?.rate ?? 0,
    deliver: m.deliver_get_details?.rate ?? 0,
    ack: m.ack_details?.rate ?? 0,
    recIn: k.records_in_details?.rate ?? 0,
    recOut: k.records_out_details?.rate ?? 0,
    bytesIn: k.bytes_in_details?.rate ?? 0,
    bytesOut: k.bytes_out_details?.rate ?? 0,
  });
  if (samples.length > SLOTS) samples.splice(0, samples.length - SLOTS);
}

export function OverviewPage(): JSX.Element {
  const [, setVersion] = useState(0);
  const { data, error } = usePoll(() => get<Overview>('/overview'), []);
  useEffect(() => {
    if (data === undefined) return;
    record(data);
    setVersion((v) => v + 1);
  }, [data]);
  if (data === undefined) return <><ErrorBox error={error} />{error === undefined && <Loading what="the overview" />}</>;
  const t = data.object_totals ?? {};
  const q = data.queue_totals ?? {};
  const pick = (f: (s: Sample) => number): number[] => samples.map(f);
  return (
    <div data-testid="overview">
      <PageHead title="Overview" sub={`${data.product_name ?? 'Wharf'} ${data.product_version ?? ''} · ${data.node ?? ''}${data.cluster_name !== undefined ? ` · cluster ${data.cluster_name}` : ''}`} />
      <ErrorBox error={error} />
      <div class="stats">
        <Stat label="Connections" value={num(t.connections)} href="/connections" />
        <Stat label="Channels" value={num(t.channels)} />
        <Stat label="Topics" value={num(t.topics)} href="/topics" />
        <Stat label="Consumer groups" value={num(t.consumer_groups)} href="/groups" />
        <Stat label="Queues" value={num(t.queues)} href="/queues" />
        <Stat label="Exchanges" value={num(t.exchanges)} href="/exchanges" />
        <Stat label="Consumers" value={num(t.consumers)} />
        <Stat label="Messages ready" value={num(q.messages_ready)} />
        <Stat label="Unacked" value={num(q.messages_unacknowledged)} />
      </div>
      <div class="charts">
        <RateChart testId="chart-amqp" title="AMQP message rates" unit="/s" slots={SLOTS} stepSeconds={POLL_MS / 1000} series={[
          { label: 'Publish', color: '#2f6fdf', values: pick((s) => s.publish) },
          { label: 'Deliver/get', color: '#1a9c5b', values: pick((s) => s.deliver) },
          { label: 'Ack', color: '#d08a13', values: pick((s) => s.ack) },
        ]} />
        <RateChart testId="chart-kafka" title="Kafka records" unit="/s" slots={SLOTS} stepSeconds={POLL_MS / 1000} series={[
          { label: 'In', color: '#7a4fd0', values: pick((s) => s.recIn) },
          { label: 'Out', color: '#c2417a', values: pick((s) => s.recOut) },
        ]} />
        <RateChart testId="chart-bytes" title="Kafka throughput (bytes)" unit="B/s" slots={SLOTS} stepSeconds={POLL_MS / 1000} series={[
          { label: 'In', color: '#0f8f9c', values: pick((s) => s.bytesIn) },
          { label: 'Out', color: '#b85c1e', values: pick((s) => s.bytesOut) },
        ]} />
        <div class="card">
          <h3>Listeners</h3>
          <Table rows={data.listeners ?? []} rowKey={(l) => `${l.protocol}:${l.port}`} columns={[
            { title: 'Protocol', cell: (l) => l.protocol },
            { title: 'Address', cell: (l) => l.ip_address },
            { title: 'Port', cell: (l) => l.port, num: true },
          ]} />
          <h3>Totals</h3>
          <Table rows={[data]} rowKey={() => 'totals'} columns={[
            { title: 'Published', cell: (o) => num(o.message_stats?.publish), num: true },
            { title: 'Delivered', cell: (o) => num(o.message_stats?.deliver_get), num: true },
            { title: 'Records in', cell: (o) => num(o.kafka_stats?.records_in), num: true },
            { title: 'Bytes in', cell: (o) => bytes(o.kafka_stats?.bytes_in), num: true },
          ]} />
        </div>
      </div>
    </div>
  );
}
