// Errors of the CLI's AMQP client. A broker that refuses something closes the channel (or the
// connection) with a reply code and RabbitMQ-style text ("NOT_FOUND - no queue 'x' in vhost
// '/'"); that becomes an AmqpClientError whose message says what was being done, gives the
// broker's text as it is, then what to do about it. Transport failures (cannot connect, closed,
// timeout, bytes that are not AMQP) reuse the client's ClientError codes.
import { METHOD_BY_ID, methodId } from '../../protocols/amqp/codec/index.js';
import { WharfError } from '../../util/wharf-error.js';

export const ERR_CLIENT_AMQP = 'WHARF_ERR_CLIENT_AMQP';

/** AMQP 0-9-1 §1.2 reply codes the client reacts to. */
export const AmqpReplyCode = {
  SUCCESS: 200,
  NO_ROUTE: 312,
  CONNECTION_FORCED: 320,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  RESOURCE_LOCKED: 405,
  PRECONDITION_FAILED: 406,
  RESOURCE_ERROR: 506,
  NOT_ALLOWED: 530,
} as const;

/** What the client was doing, so the message can name it and the hint can be specific. */
export interface OperationContext {
  /** "declaring queue orders". */
  readonly what: string;
  /** The method sent, e.g. 'queue.declare'. */
  readonly method: string;
  readonly queue?: string;
  readonly exchange?: string;
  readonly vhost?: string;
  /** For deletes: which of --if-unused / --if-empty was given. */
  readonly conditions?: string;
}

export class AmqpClientError extends WharfError {
  readonly replyCode: number;
  readonly replyText: string;
  /** The class and method the broker says failed (0 when it does not say). */
  readonly classId: number;
  readonly methodId: number;
  /** True when the broker closed the whole connection rather than one channel. */
  readonly connectionLevel: boolean;

  constructor(message: string, details: { replyCode: number; replyText: string; classId?: number; methodId?: number; connectionLevel?: boolean }) {
    super(ERR_CLIENT_AMQP, message);
    this.name = 'AmqpClientError';
    this.replyCode = details.replyCode;
    this.replyText = details.replyText;
    this.classId = details.classId ?? 0;
    this.methodId = details.methodId ?? 0;
    this.connectionLevel = details.connectionLevel ?? false;
  }
}

/** 'queue.declare' for (50, 10); '' when unknown. */
export function methodName(classId: number, methodIdInClass: number): string {
  return METHOD_BY_ID.get(methodId(classId, methodIdInClass)) ?? '';
}

const Q = (name: string | undefined): string => (name === undefined || name === '' ? 'NAME' : name);

function notFoundHint(text: string, ctx: OperationContext): string {
  if (/no queue/i.test(text) || (ctx.method.startsWith('queue.') && ctx.exchange === undefined) || ctx.method === 'basic.get') {
    return `check the queue name, or create the queue with \`wharf queues declare ${Q(ctx.queue)}\` (AMQP 0-9-1 cannot list queues; see docs/cli.md)`;
  }
  if (ctx.method === 'basic.publish') {
    return `create the exchange with \`wharf exchanges declare ${Q(ctx.exchange)} --type direct\`, or publish through the default exchange (--exchange "") with the queue name as --routing-key`;
  }
  if (/no exchange/i.test(text) || ctx.method.startsWith('exchange.')) {
    return `check the exchange name, or create it with \`wharf exchanges declare ${Q(ctx.exchange)} --type direct|fanout|topic|headers\``;
  }
  if (/no binding/i.test(text)) return 'no such binding: give the same exchange, queue, --routing-key and --arg values it was added with';
  return 'check the names';
}

function hint(code: number, text: string, ctx: OperationContext): string {
  switch (code) {
    case AmqpReplyCode.NOT_FOUND:
      return notFoundHint(text, ctx);
    case AmqpReplyCode.PRECONDITION_FAILED:
      if (ctx.method.endsWith('.delete') && ctx.conditions !== undefined) return `it is not ${ctx.conditions === '--if-empty' ? 'empty' : ctx.conditions === '--if-unused' ? 'unused' : 'unused and empty'}; leave out ${ctx.conditions} to delete it anyway`;
      if (ctx.method.endsWith('.declare')) {
        const kind = ctx.method.startsWith('queue') ? 'queues' : 'exchanges';
        return `it exists with other settings: declare it with the flags and --arg values it has, or delete it first with \`wharf ${kind} delete ${Q(ctx.method.startsWith('queue') ? ctx.queue : ctx.exchange)}\``;
      }
      if (ctx.method === 'basic.publish') return 'the broker refused the message (a property such as --expiration may be invalid, or a full queue rejects publishes)';
      return 'the broker refused it as the text says';
    case AmqpReplyCode.ACCESS_REFUSED:
      if (ctx.method === 'connection.start-ok') {
        return 'check the user name and password in --url; the default user guest/guest may log in only from the broker\'s own machine, and `wharf serve --amqp-users NAME:PASSWORD` sets others';
      }
      if (/amq\./.test(text)) return 'names starting with "amq." are reserved for the broker; pick another name';
      return `the user in --url may not do this in vhost ${ctx.vhost ?? '/'}`;
    case AmqpReplyCode.RESOURCE_LOCKED:
      return 'the queue is exclusive to another connection; wait for that client to go away or use another queue';
    case AmqpReplyCode.NOT_ALLOWED:
      if (ctx.method === 'connection.open') {
        return `vhost "${ctx.vhost ?? '/'}" does not exist or the user may not use it: check --vhost or the path of --url (the vhost "/" is written amqp://HOST:PORT/); \`wharf serve --amqp-vhosts\` creates vhosts`;
      }
      return 'the broker does not allow it';
    case AmqpReplyCode.CONNECTION_FORCED:
      return 'the broker is shutting down; run the command again once it is back';
    case AmqpReplyCode.RESOURCE_ERROR:
      return 'the broker is short of a resource (memory, disk or channels); check its log';
    default:
      return code >= 500
        ? 'the client and the broker disagree about the protocol; please report it with this message'
        : 'see the broker\'s text above';
  }
}

/** The error for a channel.close or connection.close the broker sent while `ctx` was in progress. */
export function closeError(ctx: OperationContext, replyCode: number, replyText: string, classId: number, methodIdInClass: number, connectionLevel: boolean): AmqpClientError {
  const text = replyText === '' ? `reply code ${replyCode}` : replyText;
  const message = `${ctx.what} failed: ${text} (${replyCode}); ${hint(replyCode, text, ctx)}`;
  return new AmqpClientError(message, { replyCode, replyText, classId, methodId: methodIdInClass, connectionLevel });
}
