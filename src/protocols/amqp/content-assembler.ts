// Collects basic.publish's content: the method, then one content header frame, then body frames
// until body-size bytes arrived (AMQP 0-9-1 §4.2.6). Properties and body land in one buffer
// allocated once per message (small ones come from Node's shared pool), so a queued message never
// pins the socket chunk it arrived in.
import { decodeContentHeader } from './codec/index.js';
import { AmqpCloseError, ReplyCode } from './reply-codes.js';

export interface AssembledContent {
  exchange: string;
  routingKey: string;
  mandatory: boolean;
  properties: Buffer;
  body: Buffer;
}

const BASIC_CLASS = 60;

export class ContentAssembler {
  private active = false;
  private haveHeader = false;
  private exchange = '';
  private routingKey = '';
  private mandatory = false;
  private properties: Buffer = Buffer.alloc(0);
  private body: Buffer = Buffer.alloc(0);
  private received = 0;
  private readonly bodyBytesMax: number;

  constructor(bodyBytesMax: number) {
    this.bodyBytesMax = bodyBytesMax;
  }

  /** True between basic.publish and its last body frame: only content frames may come now. */
  get expectingContent(): boolean {
    return this.active;
  }

  start(exchange: string, routingKey: string, mandatory: boolean): void {
    this.active = true;
    this.haveHeader = false;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.mandatory = mandatory;
    this.received = 0;
  }

  /** Returns the message when its body is empty, else null (body frames follow). */
  header(payload: Buffer): AssembledContent | null {
    if (!this.active || this.haveHeader) throw new AmqpCloseError(ReplyCode.UNEXPECTED_FRAME, 'content header frame without a basic.publish before it');
    const h = decodeContentHeader(payload);
    if (h.classId !== BASIC_CLASS) throw new AmqpCloseError(ReplyCode.UNEXPECTED_FRAME, `content header for class ${h.classId}, expected basic (60)`);
    if (h.bodySize > this.bodyBytesMax) {
      this.active = false;
      throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, `message size ${h.bodySize} is larger than configured max size ${this.bodyBytesMax}`);
    }
    const all = Buffer.allocUnsafe(h.properties.length + h.bodySize);
    h.properties.copy(all, 0);
    this.properties = all.subarray(0, h.properties.length);
    this.body = all.subarray(h.properties.length);
    this.haveHeader = true;
    return h.bodySize === 0 ? this.finish() : null;
  }

  /** Returns the message once its last body frame is in, else null. */
  bodyFrame(payload: Buffer): AssembledContent | null {
    if (!this.active || !this.haveHeader) throw new AmqpCloseError(ReplyCode.UNEXPECTED_FRAME, 'content body frame without a content header before it');
    if (this.received + payload.length > this.body.length) {
      throw new AmqpCloseError(ReplyCode.FRAME_ERROR, `content body frames carry more than the ${this.body.length} bytes the header announced`);
    }
    payload.copy(this.body, this.received);
    this.received += payload.length;
    return this.received === this.body.length ? this.finish() : null;
  }

  /** Drops a half-received message (the channel is closing). */
  reset(): void {
    this.active = false;
    this.properties = this.body = Buffer.alloc(0);
  }

  private finish(): AssembledContent {
    this.active = false;
    const out = { exchange: this.exchange, routingKey: this.routingKey, mandatory: this.mandatory, properties: this.properties, body: this.body };
    this.properties = this.body = Buffer.alloc(0);
    return out;
  }
}
