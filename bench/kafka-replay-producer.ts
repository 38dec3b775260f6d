// A Kafka producer that costs its process almost nothing: it encodes one Produce request (v3,
// acks=1, one partition, one ~1 MB batch of 1 KiB records, as librdkafka's batch.size sends)
// once, then sends those bytes again and again, pipelined, changing only the correlation id.
// The broker still checks every batch's CRC, assigns offsets and writes and syncs it, so what
// the broker can take per second shows without a real client's CPU in the way
// (`npm run bench:kafka-ceiling`). Prints one JSON line at the end.
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { createRecord, createRecordBatch, encodeRecordBatch } from '../src/records/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    topic: { type: 'string', default: 'ceiling' },
    partition: { type: 'string', default: '0' },
    'total-mb': { type: 'string', default: '4000' },
    'record-bytes': { type: 'string', default: '1024' },
    'batch-bytes': { type: 'string', default: '1000000' },
    'in-flight': { type: 'string', default: '4' },
    acks: { type: 'string', default: '1' },
  },
});

const port = Number(values.port);
const recordBytes = Number(values['record-bytes']);
const batchRecords = Math.max(1, Math.floor(Number(values['batch-bytes']) / (recordBytes + 10)));
const inFlight = Number(values['in-flight']);
const totalBytes = Number(values['total-mb']) * 1_000_000;
const acks = Number(values.acks);

function produceRequest(topic: string, partition: number, batch: Buffer): Buffer {
  const clientId = Buffer.from('wharf-replay');
  const name = Buffer.from(topic);
  const bodyBytes = 2 + 2 + 4 + 4 + 4 + 2 + name.length + 4 + 4 + 4 + batch.length;
  const headerBytes = 2 + 2 + 4 + 2 + clientId.length;
  const buf = Buffer.alloc(4 + headerBytes + bodyBytes);
  let p = 0;
  p = buf.writeInt32BE(headerBytes + bodyBytes, p);
  p = buf.writeInt16BE(0, p); // Produce
  p = buf.writeInt16BE(3, p);
  p = buf.writeInt32BE(0, p); // correlation id, rewritten per send
  p = buf.writeInt16BE(clientId.length, p);
  p += clientId.copy(buf, p);
  p = buf.writeInt16BE(-1, p); // transactional id: null
  p = buf.writeInt16BE(acks, p);
  p = buf.writeInt32BE(30_000, p);
  p = buf.writeInt32BE(1, p);
  p = buf.writeInt16BE(name.length, p);
  p += name.copy(buf, p);
  p = buf.writeInt32BE(1, p);
  p = buf.writeInt32BE(partition, p);
  p = buf.writeInt32BE(batch.length, p);
  batch.copy(buf, p);
  return buf;
}

const value = Buffer.alloc(recordBytes, 0x61);
const records = Array.from({ length: batchRecords }, (_, i) => createRecord({ offsetDelta: i, value }));
const batch = encodeRecordBatch(createRecordBatch({ baseTimestamp: Date.now(), records }), { deriveLastOffsetDelta: true, deriveMaxTimestamp: true });
const request = produceRequest(values.topic, Number(values.partition), batch);
const payloadPerRequest = batchRecords * recordBytes;
const requests = Math.ceil(totalBytes / payloadPerRequest);
const topicBytes = Buffer.byteLength(values.topic);

const socket: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
await new Promise<void>((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('error', reject);
});

let sent = 0;
let answered = 0;
let errors = 0;
let nextCorrelation = 1;
const started = process.hrtime.bigint();

function sendMore(): void {
  while (sent < requests && sent - answered < inFlight) {
    // Node may still hold the previous write of these bytes; each send gets its own copy of the
    // 4-byte header slot only by writing the correlation id into a fresh small buffer.
    const id = Buffer.allocUnsafe(12);
    request.copy(id, 0, 0, 12);
    id.writeInt32BE(nextCorrelation++, 8);
    socket.write(id);
    socket.write(request.subarray(12));
    sent++;
  }
}

let pending: Buffer = Buffer.alloc(0);
const done = new Promise<void>((resolve) => {
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      // correlation(4) responses(4) topic(2+n) partitions(4) partition(4) error(2)
      const errorAt = 4 + 4 + 4 + 2 + topicBytes + 4 + 4;
      if (pending.readInt16BE(errorAt) !== 0) errors++;
      pending = pending.subarray(4 + size);
      answered++;
    }
    if (answered >= requests) resolve();
    else sendMore();
  });
});
sendMore();
await done;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
socket.end();
const bytes = answered * payloadPerRequest;
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ done: true, requests: answered, errors, bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, recordsPerRequest: batchRecords, requestBytes: request.length })}\n`);
