// The shapes of the management API (/api, docs/management-api.md) that the console reads.
export interface Rate { rate: number }

export interface Overview {
  product_name?: string;
  product_version?: string;
  node?: string;
  cluster_name?: string;
  listeners?: { protocol: string; port: number; ip_address: string }[];
  object_totals?: Partial<Record<'connections' | 'channels' | 'exchanges' | 'queues' | 'consumers' | 'topics' | 'consumer_groups', number>>;
  queue_totals?: { messages?: number; messages_ready?: number; messages_unacknowledged?: number };
  message_stats?: Partial<Record<'publish' | 'deliver_get' | 'ack' | 'redeliver', number>> &
    Partial<Record<'publish_details' | 'deliver_get_details' | 'ack_details' | 'redeliver_details', Rate>>;
  kafka_stats?: Partial<Record<'records_in' | 'bytes_in' | 'records_out' | 'bytes_out', number>> &
    Partial<Record<'records_in_details' | 'bytes_in_details' | 'records_out_details' | 'bytes_out_details', Rate>>;
}

export interface Page<T> {
  items: T[];
  page: number;
  page_size: number;
  page_count: number;
  item_count: number;
  filtered_count: number;
  total_count: number;
}

export interface TopicRow {
  name: string;
  partitions: number;
  internal?: boolean;
  messages?: number;
  size_bytes?: number;
  records_in_rate?: number;
  bytes_in_rate?: number;
  records_out_rate?: number;
  bytes_out_rate?: number;
  configs?: Record<string, string | null>;
}

export interface PartitionRow {
  partition: number;
  log_start_offset: number;
  high_watermark: number;
  size_bytes?: number;
  segments?: number;
  records_in_rate?: number;
  bytes_in_rate?: number;
}

export interface TopicDetail {
  name: string;
  topic_id?: string;
  partitions: PartitionRow[];
  configs?: Record<string, string | null>;
}

export interface BrowsedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  key_encoding?: string;
  headers?: Record<string, string>;
  value: string | null;
  value_encoding?: string;
  value_bytes?: number;
  truncated?: boolean;
}

export interface BrowseResult {
  partition: number;
  from_offset: number;
  next_offset: number;
  high_watermark: number;
  messages: BrowsedRecord[];
}

export interface GroupRow {
  group_id: string;
  state: string;
  protocol_type?: string;
  protocol?: string;
  members: number;
  lag: number | null;
}

export interface GroupDetail {
  group_id: string;
  state: string;
  protocol_type?: string;
  protocol?: string;
  members: { member_id: string; client_id: string; client_host: string; assignments: { topic: string; partitions: number[] }[] | null }[];
  partitions: { topic: string; partition: number; committed_offset: number | null; high_watermark: number; lag: number | null }[];
}

export interface MessageStats {
  publish?: number;
  publish_details?: Rate;
  deliver_get?: number;
  deliver_get_details?: Rate;
  ack?: number;
  ack_details?: Rate;
}

export interface QueueRow {
  name: string;
  vhost: string;
  durable: boolean;
  auto_delete: boolean;
  exclusive?: boolean;
  arguments?: Record<string, unknown>;
  type?: string;
  state?: string;
  messages?: number;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
  message_bytes?: number;
  message_stats?: MessageStats;
}

export interface ExchangeRow {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal?: boolean;
  arguments?: Record<string, unknown>;
}

export interface BindingRow {
  source: string;
  vhost: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  arguments?: Record<string, unknown>;
  properties_key: string;
}

export interface ConnectionRow {
  name: string;
  protocol: string;
  user?: string;
  vhost?: string;
  peer_host?: string;
  peer_port?: number;
  channels?: number;
  connected_at?: number;
  client_properties?: Record<string, unknown>;
  state?: string;
}

export interface GotMessage {
  payload_bytes: number;
  redelivered: boolean;
  exchange: string;
  routing_key: string;
  message_count: number;
  properties: Record<string, unknown>;
  payload: string;
  payload_encoding: string;
}

export interface Whoami { name: string; tags: string | string[] }
export interface Vhost { name: string }
