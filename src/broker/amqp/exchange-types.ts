// The four AMQP exchange types as routers over bindings. Each keeps the index its type needs
// (direct: a map by key, fanout: a list, topic: a trie, headers: compiled patterns), so routing a
// message never scans bindings it cannot match, except headers, which must test each pattern.
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { messageHeaders } from './message-headers.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import type { Message } from './types.js';
import { TopicMatcher } from './topic-matcher.js';
import { compileHeadersPattern, headersMatch, type HeadersPattern } from './headers-match.js';
import { ConsistentHashRouter } from './consistent-hash-exchange.js';

export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers' | 'x-consistent-hash';

/** Where a binding leads: a queue or an exchange. `routeMark` lets one publish count it once. */
export interface RouteTarget {
  routeMark: number;
}

export interface RouteBinding {
  readonly target: RouteTarget;
  readonly routingKey: string;
  readonly arguments: FieldTable;
  /** Stable text naming the binding (Binding.identity); the consistent-hash ring seeds its points with it. */
  readonly identity?: string;
}

export interface RouteSink {
  add(target: RouteTarget): void;
}

export interface ExchangeRouter {
  /** Throws PRECONDITION_FAILED when the binding's arguments are invalid for this type. */
  validate(binding: RouteBinding): void;
  add(binding: RouteBinding): void;
  remove(binding: RouteBinding): void;
  /** Hands every matching binding's target to the sink; returns how many matched. */
  route(routingKey: string, message: Message, sink: RouteSink): number;
}

class DirectRouter implements ExchangeRouter {
  private readonly byKey = new Map<string, RouteBinding[]>();

  validate(): void {}

  add(binding: RouteBinding): void {
    const list = this.byKey.get(binding.routingKey);
    if (list === undefined) this.byKey.set(binding.routingKey, [binding]);
    else list.push(binding);
  }

  remove(binding: RouteBinding): void {
    const list = this.byKey.get(binding.routingKey);
    if (list === undefined) return;
    removeFrom(list, binding);
    if (list.length === 0) this.byKey.delete(binding.routingKey);
  }

  route(routingKey: string, _message: Message, sink: RouteSink): number {
    const list = this.byKey.get(routingKey);
    if (list === undefined) return 0;
    for (let i = 0; i < list.length; i++) sink.add((list[i] as RouteBinding).target);
    return list.length;
  }
}

class FanoutRouter implements ExchangeRouter {
  private readonly all: RouteBinding[] = [];

  validate(): void {}

  add(binding: RouteBinding): void {
    this.all.push(binding);
  }

  remove(binding: RouteBinding): void {
    removeFrom(this.all, binding);
  }

  route(_routingKey: string, _message: Message, sink: RouteSink): number {
    const all = this.all;
    for (let i = 0; i < all.length; i++) sink.add((all[i] as RouteBinding).target);
    return all.length;
  }
}

class TopicRouter implements ExchangeRouter {
  private readonly matcher = new TopicMatcher<RouteBinding>();

  validate(): void {}

  add(binding: RouteBinding): void {
    this.matcher.add(binding.routingKey, binding);
  }

  remove(binding: RouteBinding): void {
    this.matcher.remove(binding.routingKey, binding);
  }

  route(routingKey: string, _message: Message, sink: RouteSink): number {
    const matched = this.matcher.match(routingKey);
    for (let i = 0; i < matched.length; i++) sink.add((matched[i] as RouteBinding).target);
    return matched.length;
  }
}

class HeadersRouter implements ExchangeRouter {
  private readonly bindings: RouteBinding[] = [];
  private readonly patterns: HeadersPattern[] = [];

  validate(binding: RouteBinding): void {
    compileHeadersPattern(binding.arguments);
  }

  add(binding: RouteBinding): void {
    this.patterns.push(compileHeadersPattern(binding.arguments));
    this.bindings.push(binding);
  }

  remove(binding: RouteBinding): void {
    const at = this.bindings.indexOf(binding);
    if (at < 0) return;
    this.bindings.splice(at, 1);
    this.patterns.splice(at, 1);
  }

  route(_routingKey: string, message: Message, sink: RouteSink): number {
    if (this.bindings.length === 0) return 0;
    const headers = messageHeaders(message);
    let matched = 0;
    for (let i = 0; i < this.bindings.length; i++) {
      if (headersMatch(this.patterns[i] as HeadersPattern, headers)) {
        sink.add((this.bindings[i] as RouteBinding).target);
        matched++;
      }
    }
    return matched;
  }
}

function removeFrom(list: RouteBinding[], binding: RouteBinding): void {
  const at = list.indexOf(binding);
  if (at >= 0) list.splice(at, 1);
}

export function isExchangeType(type: string): type is ExchangeType {
  return type === 'direct' || type === 'fanout' || type === 'topic' || type === 'headers' || type === 'x-consistent-hash';
}

/** INVALID_ARGUMENT for a type Wharf does not have (the session answers 503 command-invalid). */
export function checkExchangeType(type: string): ExchangeType {
  if (!isExchangeType(type)) throw brokerError(BrokerErrorCode.INVALID_ARGUMENT, `invalid exchange type '${type}'`);
  return type;
}

/** `args` and `where` are used by types that read exchange arguments (x-consistent-hash: hash-header, hash-property). */
export function createRouter(type: ExchangeType, args: FieldTable = new Map(), where = 'the exchange'): ExchangeRouter {
  switch (type) {
    case 'direct': return new DirectRouter();
    case 'fanout': return new FanoutRouter();
    case 'topic': return new TopicRouter();
    case 'headers': return new HeadersRouter();
    case 'x-consistent-hash': return new ConsistentHashRouter(args, where);
  }
}
