// A broker for the WebSocket and SSE tests: the real server (Kafka, AMQP, and HTTP once it is
// wired) on free ports with a temporary data directory, plus — when a test needs options the
// listener does not expose (a short heartbeat) or the HTTP listener is not there — the gateway
// mounted on a node:http server of the test's own. Clients: `ws` sockets that collect frames,
// amqplib connections, a kafkajs producer; everything is closed when the test ends.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import amqp, { type ChannelModel } from 'amqplib';
import { WebSocket, type ClientOptions } from 'ws';
import type { WharfConfig } from '../../../src/config/config-keys.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { createWsGateway } from '../../../src/protocols/http/ws/ws-gateway.js';
import { createSseHandler } from '../../../src/protocols/http/sse.js';
import { waitFor } from '../../helpers/wait-for.js';

export interface WsTestBrokerOptions {
  config?: Partial<WharfConfig>;
  /** Mounts the gateway on a server of the test's own, with these options. */
  ownGateway?: { heartbeatIntervalMs?: number };
}

export interface WsTestBroker {
  readonly server: RunningServer;
  readonly config: WharfConfig;
  readonly httpBase: string;
  readonly wsUrl: string;
  readonly amqpUrl: string;
  readonly kafkaBroker: string;
  connect(options?: ClientOptions): Promise<WsClient>;
  amqp(): Promise<ChannelModel>;
}

export type Frame = Record<string, unknown> & { op: string };

/** A ws client that keeps every frame it received, in order, and waits for the ones a test wants. */
export class WsClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private readonly waiters = new Set<() => void>();

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const w of this.waiters) w();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = String(reason);
      for (const w of this.waiters) w();
    });
    ws.on('error', () => undefined);
  }

  send(op: object): void {
    this.ws.send(JSON.stringify(op));
  }

  /** Frames matching `match`, waiting until there are `count` of them. */
  async take(match: (f: Frame) => boolean, count = 1, timeoutMs = 5_000): Promise<Frame[]> {
    return waitFor(() => {
      const found = this.frames.filter(match);
      return found.length >= count ? found.slice(0, count) : undefined;
    }, timeoutMs, `${count} frame(s) matching ${match.toString()}; have ${JSON.stringify(this.frames).slice(0, 600)}`);
  }

  async one(match: (f: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    return (await this.take(match, 1, timeoutMs))[0] as Frame;
  }

  /** Sends `op` and waits for the answer carrying its ref (or id). */
  async call(op: { ref?: unknown; id?: unknown } & Record<string, unknown>, timeoutMs = 5_000): Promise<Frame> {
    const before = this.frames.length;
    this.send(op);
    const key = op.ref !== undefined ? 'ref' : 'id';
    const value = op.ref !== undefined ? op.ref : op.id;
    return waitFor(() => this.frames.slice(before).find((f) => f[key] === value && f.op !== 'message' && f.op !== 'record'), timeoutMs, `an answer to ${JSON.stringify(op).slice(0, 200)}`);
  }

  count(match: (f: Frame) => boolean): number {
    return this.frames.filter(match).length;
  }

  async closed(timeoutMs = 10_000): Promise<number> {
    return waitFor(() => this.closeCode ?? undefined, timeoutMs, 'the socket to close');
  }
}

export async function withWsBroker(t: TestContext, options: WsTestBrokerOptions = {}): Promise<WsTestBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-ws-'));
  const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', kafkaPort: 0, amqpPort: 0, httpPort: 0, ...options.config, dataDir } });
  const logger = silentLogger();
  const server = await startServer(config, logger);
  const cleanups: Array<() => Promise<void>> = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  let httpBase: string;
  if (server.addresses.http !== undefined && options.ownGateway === undefined) {
    httpBase = `http://${server.addresses.http.host}:${server.addresses.http.port}`;
  } else {
    const deps = { broker: server.broker, config, logger };
    const gateway = createWsGateway(deps, options.ownGateway ?? {});
    const sse = createSseHandler(deps);
    const http: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/v1/sse') sse(req, res, url);
      else res.writeHead(404).end();
    });
    http.on('upgrade', (req, socket, head) => {
      if (req.url?.startsWith('/ws') === true) gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await gateway.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const address = http.address();
    if (address === null || typeof address === 'string') throw new Error('no http address');
    httpBase = `http://127.0.0.1:${address.port}`;
  }
  const amqpAddress = server.addresses.amqp;
  const kafkaAddress = server.addresses.kafka;
  if (amqpAddress === undefined || kafkaAddress === undefined) throw new Error('the server has no AMQP or Kafka listener');
  const amqpUrl = `amqp://guest:guest@${amqpAddress.host}:${amqpAddress.port}`;
  const wsUrl = `${httpBase.replace(/^http/, 'ws')}/ws`;
  return {
    server, config, httpBase, wsUrl, amqpUrl, kafkaBroker: `${kafkaAddress.host}:${kafkaAddress.port}`,
    async connect(clientOptions) {
      const ws = new WebSocket(wsUrl, clientOptions);
      const client = new WsClient(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      cleanups.push(async () => {
        ws.terminate();
      });
      return client;
    },
    async amqp() {
      const conn = await amqp.connect(amqpUrl);
      conn.on('error', () => undefined);
      cleanups.push(async () => {
        await Promise.race([conn.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      });
      return conn;
    },
  };
}
