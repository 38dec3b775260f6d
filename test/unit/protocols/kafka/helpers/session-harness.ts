// A KafkaSession over an in-memory duplex pair (STYLE 8.6: any Duplex is a connection), with a
// real broker on a temporary data directory behind it and a client side that frames responses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duplexPair, Writable, type Duplex } from 'node:stream';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { Broker } from '../../../../../src/broker/broker.js';
import { TopicAutoCreator } from '../../../../../src/broker/topic-auto-create.js';
import { defaultConfig } from '../../../../../src/config/config-keys.js';
import { BadInputLog } from '../../../../../src/protocols/bad-input-log.js';
import { FrameAssembler } from '../../../../../src/protocols/kafka/framing.js';
import type { KafkaServices } from '../../../../../src/protocols/kafka/handlers/handler.js';
import { createHandlerTable, type HandlerTable } from '../../../../../src/protocols/kafka/handlers/index.js';
import { decodeResponse, encodeRequest } from '../../../../../src/protocols/kafka/messages.js';
import type { ApiSchema, RequestInput, ResponseData } from '../../../../../src/protocols/kafka/schema/api-schema.js';
import { KafkaSession } from '../../../../../src/protocols/kafka/session.js';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface Harness {
  readonly broker: Broker;
  readonly services: KafkaServices;
  readonly logs: LogLine[];
  readonly badInput: BadInputLog;
  connect(options?: { handlers?: HandlerTable; inFlightMax?: number; requestBytesMax?: number }): SessionClient;
}

/** Opens a broker in a temporary directory for the test and returns a way to open sessions to it. */
export async function sessionHarness(t: TestContext): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-session-'));
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.length > 0) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const config = { ...defaultConfig(), dataDir: dir };
  const broker = await Broker.open({ ...config, logger });
  // The group coordinator's timers are unref'd (a broker process is kept alive by its listening
  // socket); in-memory sessions have none, so hold the event loop open while the test runs.
  const keepAlive = setInterval(() => undefined, 60_000);
  t.after(async () => {
    clearInterval(keepAlive);
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  });
  const defaultTable = createHandlerTable();
  const services: KafkaServices = {
    broker,
    registry: defaultTable.registry,
    clusterId: 'session-test-cluster-id',
    self: { nodeId: 0, host: '127.0.0.1', port: 9092 },
    autoCreateTopics: true,
    defaultPartitions: 1,
    topicCreator: new TopicAutoCreator(broker.topics, 1),
    brokerConfigs: [],
    logger,
  };
  const badInput = new BadInputLog(logger);
  let nextId = 1;
  return {
    broker,
    services,
    logs,
    badInput,
    connect(options = {}) {
      const [serverSide, clientSide] = duplexPair();
      const handlers = options.handlers ?? defaultTable;
      const session = new KafkaSession(serverSide, {
        id: nextId++,
        remoteAddress: 'memory',
        services: { ...services, registry: handlers.registry },
        handlers,
        requestBytesMax: options.requestBytesMax ?? 1024 * 1024,
        inFlightMax: options.inFlightMax,
        badInput,
      });
      const client = new SessionClient(clientSide, session);
      // A destroyed side of an in-memory pair does not tell the other side, as a TCP reset
      // would; do it here so the client sees the close.
      void session.closed.then(() => setImmediate(() => clientSide.destroy()));
      t.after(() => client.close());
      return client;
    },
  };
}

export class SessionClient {
  readonly session: KafkaSession;
  private readonly side: Duplex;
  private readonly frames = new FrameAssembler({ requestBytesMax: 0x7fff_ffff });
  private readonly arrived: Buffer[] = [];
  private readonly waiters: Array<(f: Buffer | null) => void> = [];
  private ended = false;
  private correlationId = 1;

  constructor(side: Duplex, session: KafkaSession) {
    this.side = side;
    this.session = session;
    side.on('data', (chunk: Buffer) => {
      this.frames.push(chunk);
      for (let f = this.frames.next(); f !== null; f = this.frames.next()) {
        const w = this.waiters.shift();
        if (w === undefined) this.arrived.push(f);
        else w(f);
      }
    });
    side.on('end', () => this.onEnd());
    side.on('close', () => this.onEnd());
    side.on('error', () => undefined);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Frames received so far and not yet read. */
  get unread(): number {
    return this.arrived.length;
  }

  send<A extends ApiSchema>(schema: A, version: number, body: RequestInput<A>): number {
    const id = this.correlationId++;
    for (const b of encodeRequest(schema, version, id, 'session-test', body)) this.side.write(b);
    return id;
  }

  sendRaw(bytes: Buffer): void {
    this.side.write(bytes);
  }

  /** Stops reading responses, so the session's writes back up as with a slow TCP peer. */
  pauseReading(): void {
    this.side.pause();
  }

  resumeReading(): void {
    this.side.resume();
  }

  /** The next response frame, or null once the session closed the connection. */
  next(): Promise<Buffer | null> {
    const f = this.arrived.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async response<A extends ApiSchema>(schema: A, version: number): Promise<{ correlationId: number; body: ResponseData<A> }> {
    const f = await this.next();
    if (f === null) throw new Error('the session closed the connection');
    const r = decodeResponse(schema, version, f);
    return { correlationId: r.correlationId, body: r.body as ResponseData<A> };
  }

  close(): void {
    this.side.destroy();
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(null);
  }
}
