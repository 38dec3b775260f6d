// Kafka topic configs Wharf honours, their defaults and how they map onto a partition log.
import { WharfError } from '../util/wharf-error.js';

export const ERR_INVALID_CONFIG = 'WHARF_ERR_INVALID_CONFIG';

export interface TopicConfigDef {
  readonly name: string;
  readonly kind: 'long' | 'int' | 'enum';
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly doc: string;
}

export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  { name: 'retention.ms', kind: 'long', min: -1, doc: 'delete sealed segments whose newest record is older than this; -1 = forever' },
  { name: 'retention.bytes', kind: 'long', min: -1, doc: 'delete the oldest sealed segments while a partition is larger than this; -1 = no limit' },
  { name: 'segment.bytes', kind: 'int', min: 1024, doc: 'roll to a new segment file past this size' },
  { name: 'segment.ms', kind: 'long', min: 1, doc: 'roll a segment older than this at the next append' },
  { name: 'max.message.bytes', kind: 'int', min: 0, max: 1024 * 1024 * 1024, doc: 'largest record batch a producer may send to this topic' },
  // Compaction is not implemented: accepting "compact" would silently keep every record.
  { name: 'cleanup.policy', kind: 'enum', choices: ['delete'], doc: 'only "delete" (time/size retention) is supported' },
];

const DEFS_BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

/** Broker-wide defaults a topic inherits for every config it does not set. */
export interface TopicConfigDefaults {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
}

export function defaultTopicConfigs(d: TopicConfigDefaults): Record<string, string> {
  return {
    'retention.ms': String(d.retentionMs),
    'retention.bytes': String(d.retentionBytes),
    'segment.bytes': String(d.segmentBytes),
    'segment.ms': String(d.segmentMs),
    'max.message.bytes': String(d.maxMessageBytes),
    'cleanup.policy': 'delete',
  };
}

/** Checks one config value; throws WHARF_ERR_INVALID_CONFIG naming the config and what is accepted. */
export function validateTopicConfig(name: string, value: string | null): void {
  const def = DEFS_BY_NAME.get(name);
  if (def === undefined) {
    throw new WharfError(ERR_INVALID_CONFIG, `unknown or unsupported topic config ${name}; supported: ${TOPIC_CONFIG_DEFS.map((x) => x.name).join(', ')}`);
  }
  if (value === null) return;
  if (def.kind === 'enum') {
    if (!def.choices?.includes(value)) throw new WharfError(ERR_INVALID_CONFIG, `invalid value ${value} for ${name}: ${def.doc}`);
    return;
  }
  if (!/^-?\d+$/.test(value)) throw new WharfError(ERR_INVALID_CONFIG, `invalid value ${value} for ${name}: expected a whole number`);
  const n = Number(value);
  const max = def.max ?? (def.kind === 'int' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER);
  if (!Number.isSafeInteger(n) || n > max || (def.min !== undefined && n < def.min)) {
    throw new WharfError(ERR_INVALID_CONFIG, `invalid value ${value} for ${name}: expected a number from ${def.min ?? 0} to ${max}`);
  }
}

export function numericConfig(configs: Readonly<Record<string, string>>, name: string): number {
  const v = configs[name];
  if (v === undefined) throw new Error(`topic config ${name} has no value`);
  return Number(v);
}
