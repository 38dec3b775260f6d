// The value model of AMQP 0-9-1 field tables and basic properties, shared by the AMQP codec, the
// broker model (routing on headers, queue arguments, x-death) and later the interop mapping.
// Every value keeps the type tag it arrived with, so a table re-encodes to the same bytes; the
// deliberate exceptions are 'L' (amqplib cannot read it: written as 'l' or 'I' unless negative beyond int32), and 's', written
// as 'I' because py-amqp reads 's' as a short string (protocol-matrix §3.6).

/** Type tags as RabbitMQ reads them ('s' is int16, as amqplib and pika write it). */
export type FieldTag =
  | 't' // boolean
  | 'b' | 'B' // int8, uint8
  | 's' | 'u' // int16, uint16
  | 'I' | 'i' // int32, uint32
  | 'l' | 'L' // int64; 'L' is read as *signed* 64-bit like RabbitMQ and py-amqp do (bigint outside Number's safe range)
  | 'f' | 'd' // float32, float64
  | 'D' // decimal
  | 'S' // long string (bytes)
  | 'x' // byte array
  | 'A' // array
  | 'T' // timestamp (seconds since the epoch, uint64; bigint outside Number's safe range)
  | 'F' // nested table
  | 'V'; // void

export interface Decimal {
  scale: number;
  /** int32 unscaled value. */
  value: number;
}

export type FieldValue =
  | { tag: 't'; value: boolean }
  | { tag: 'b' | 'B' | 's' | 'u' | 'I' | 'i' | 'f' | 'd'; value: number }
  | { tag: 'l' | 'L' | 'T'; value: number | bigint }
  | { tag: 'D'; value: Decimal }
  | { tag: 'S' | 'x'; value: Buffer }
  | { tag: 'A'; value: FieldValue[] }
  | { tag: 'F'; value: FieldTable }
  | { tag: 'V'; value: null };

/** Insertion order is wire order. */
export type FieldTable = Map<string, FieldValue>;

/** The basic class's content-header properties; absent fields are undefined. */
export interface BasicProperties {
  contentType?: string;
  contentEncoding?: string;
  headers?: FieldTable;
  /** 1 transient, 2 persistent. */
  deliveryMode?: number;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  /** Per-message TTL in ms, as a decimal string (RabbitMQ's rule). */
  expiration?: string;
  messageId?: string;
  /** Seconds since the epoch. */
  timestamp?: number;
  type?: string;
  userId?: string;
  appId?: string;
  clusterId?: string;
}
