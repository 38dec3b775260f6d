// /api/topics: Wharf's Kafka side, shaped like the rest of the management API: partitions with
// their offsets, sizes and rates, effective configs; create, alter configs, add partitions,
// delete; and the message browser (topic-messages.ts).
import type { Topic } from '../../../broker/topics.js';
import { describe } from '../payload.js';
import { badRequest } from './mgmt-error.js';
import { integer, list, noContent, ok, readJsonObject, topicNamed, type MgmtAnswer, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';
import { rate as rounded } from './rates.js';
import { browseMessages, produceMessage } from './topic-messages.js';

function r2(v: number): number {
  return rounded(v).rate;
}

function topicJson(r: MgmtRequest, topic: Topic): Item {
  let messages = 0;
  let sizeBytes = 0;
  let recordsIn = 0;
  let bytesIn = 0;
  let recordsOut = 0;
  let bytesOut = 0;
  topic.partitions.forEach((log, p) => {
    messages += Math.max(0, log.highWatermark - log.logStartOffset);
    sizeBytes += log.sizeBytes;
    const counters = topic.counters[p];
    if (counters === undefined) return;
    const rates = r.deps.rates.partitionRates(counters);
    recordsIn += rates.recordsIn;
    bytesIn += rates.bytesIn;
    recordsOut += rates.recordsOut;
    bytesOut += rates.bytesOut;
  });
  return {
    name: topic.name, partitions: topic.partitions.length, internal: false, messages, size_bytes: sizeBytes,
    records_in_rate: r2(recordsIn), bytes_in_rate: r2(bytesIn), records_out_rate: r2(recordsOut), bytes_out_rate: r2(bytesOut),
    configs: { ...topic.definition.configs },
  };
}

function topicDetail(r: MgmtRequest): Item {
  const topic = topicNamed(r, r.params[0] as string);
  return {
    name: topic.name,
    topic_id: topic.definition.topicId,
    partitions: topic.partitions.map((log, p) => {
      const counters = topic.counters[p];
      const rates = counters === undefined ? undefined : r.deps.rates.partitionRates(counters);
      return {
        partition: p, log_start_offset: log.logStartOffset, high_watermark: log.highWatermark, size_bytes: log.sizeBytes, segments: log.segmentCount,
        records_in: counters?.recordsIn ?? 0, bytes_in: counters?.bytesIn ?? 0, records_out: counters?.recordsOut ?? 0, bytes_out: counters?.bytesOut ?? 0,
        records_in_rate: r2(rates?.recordsIn ?? 0), bytes_in_rate: r2(rates?.bytesIn ?? 0), records_out_rate: r2(rates?.recordsOut ?? 0), bytes_out_rate: r2(rates?.bytesOut ?? 0),
      };
    }),
    configs: r.deps.broker.topics.effectiveConfigs(topic),
    overrides: { ...topic.definition.configs },
  };
}

/** Topic configs as Kafka tools send them: string values (numbers are accepted), null to remove. */
function configsFrom(v: unknown, allowNull: boolean): Record<string, string | null> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`configs must be an object of config names to values, not ${describe(v)}`);
  const out: Record<string, string | null> = {};
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    if (value === null && allowNull) out[k] = null;
    else if (typeof value === 'string') out[k] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) out[k] = String(value);
    else throw badRequest(`configs.${k} must be a string${allowNull ? ' or null (back to the default)' : ''}, not ${describe(value)}`);
  }
  return out;
}

async function createTopic(r: MgmtRequest): Promise<MgmtAnswer> {
  const name = r.params[0] as string;
  const body = await readJsonObject(r, 'the topic body');
  const partitions = integer(body.partitions, 'partitions', 1, Number.MAX_SAFE_INTEGER, r.deps.config.defaultPartitions);
  await r.deps.broker.topics.create(name, partitions, configsFrom(body.configs, false));
  return { status: 201, headers: { location: `/api/topics/${encodeURIComponent(name)}` } };
}

async function alterConfigs(r: MgmtRequest): Promise<MgmtAnswer> {
  const name = r.params[0] as string;
  topicNamed(r, name);
  const body = await readJsonObject(r, 'the configs body');
  await r.deps.broker.topics.alterConfigs(name, configsFrom(body.configs, true), 'incremental');
  return noContent();
}

async function addPartitions(r: MgmtRequest): Promise<MgmtAnswer> {
  const name = r.params[0] as string;
  topicNamed(r, name);
  const body = await readJsonObject(r, 'the partitions body');
  await r.deps.broker.topics.createPartitions(name, integer(body.partitions, 'partitions', 1, Number.MAX_SAFE_INTEGER, 0));
  return noContent();
}

export const TOPIC_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'topics'], methods: { GET: (r) => list(r.deps.broker.topics.list().map((t) => topicJson(r, t))) } },
  {
    pattern: ['api', 'topics', ':name'],
    methods: {
      GET: (r) => ok(topicDetail(r)),
      PUT: createTopic,
      DELETE: async (r) => {
        await r.deps.broker.topics.delete(topicNamed(r, r.params[0] as string).name);
        return noContent();
      },
    },
  },
  { pattern: ['api', 'topics', ':name', 'configs'], methods: { PUT: alterConfigs } },
  { pattern: ['api', 'topics', ':name', 'partitions'], methods: { PUT: addPartitions } },
  { pattern: ['api', 'topics', ':name', 'partitions', ':partition', 'messages'], methods: { GET: browseMessages } },
  { pattern: ['api', 'topics', ':name', 'messages'], methods: { POST: produceMessage } },
];
