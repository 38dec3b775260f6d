// A bare Kafka client on a TCP socket, built on Wharf's own codec, for tests that need exact
// requests: pipelining, versions a library would not pick, garbage and truncated frames.
import { connect, type Socket } from 'node:net';
import { FrameAssembler } from '../../src/protocols/kafka/framing.js';
import { decodeResponse, encodeRequest } from '../../src/protocols/kafka/messages.js';
import type { ApiSchema, RequestInput, ResponseData } from '../../src/protocols/kafka/schema/api-schema.js';

interface Waiter {
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
}

export class WireClient {
  readonly socket: Socket;
  /** Settles when the broker (or we) closed the connection. */
  readonly closed: Promise<void>;
  private readonly frames = new FrameAssembler({ requestBytesMax: 0x7fff_ffff });
  private readonly arrived: Buffer[] = [];
  private readonly waiters: Waiter[] = [];
  private correlationId = 1;
  private ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(chunk);
      for (let f = this.frames.next(); f !== null; f = this.frames.next()) {
        const w = this.waiters.shift();
        if (w === undefined) this.arrived.push(f);
        else w.resolve(f);
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed by the broker'));
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Writes one request; returns its correlation id. */
  send<A extends ApiSchema>(schema: A, version: number, body: RequestInput<A>, correlationId = this.correlationId++): number {
    for (const b of encodeRequest(schema, version, correlationId, 'wharf-wire-test', body)) this.socket.write(b);
    return correlationId;
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame (without its size prefix), in arrival order. */
  nextFrame(): Promise<Buffer> {
    const f = this.arrived.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.ended) return Promise.reject(new Error('connection closed by the broker'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Reads the next response as `schema`/`version`, checking it answers `correlationId`. */
  async response<A extends ApiSchema>(schema: A, version: number, correlationId: number): Promise<ResponseData<A>> {
    const frame = await this.nextFrame();
    const decoded = decodeResponse(schema, version, frame);
    if (decoded.correlationId !== correlationId) throw new Error(`expected the response to ${correlationId}, got ${decoded.correlationId}`);
    return decoded.body as ResponseData<A>;
  }

  async request<A extends ApiSchema>(schema: A, version: number, body: RequestInput<A>): Promise<ResponseData<A>> {
    return this.response(schema, version, this.send(schema, version, body));
  }

  close(): void {
    this.socket.destroy();
  }
}
