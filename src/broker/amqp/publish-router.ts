// Routing one publish through a vhost's exchanges, as rabbit_exchange:route does: the exchange's
// bindings give queues and exchanges; each exchange reached is routed in turn once; an exchange
// whose own bindings matched nothing adds its alternate exchange. Every queue and exchange gets
// the message at most once per publish: a target is marked with the publish's epoch when first
// reached, so deduplication needs no set. The arrays are reused, so a publish allocates only its
// outcome.
import type { Exchange } from './exchange.js';
import type { RouteSink, RouteTarget } from './exchange-types.js';
import type { QueueTarget } from './bindings.js';
import type { ModelQueue } from './model-queue.js';
import type { Message, PublishOutcome } from './types.js';
import type { TopicRouting, TopicTarget } from '../interop/topic-routing.js';

type Target<Q> = Exchange | QueueTarget<Q> | TopicTarget;

export class PublishRouter<Q extends ModelQueue> implements RouteSink {
  private readonly exchanges: ReadonlyMap<string, Exchange>;
  private readonly queues: ReadonlyMap<string, QueueTarget<Q>>;
  private epoch = 0;
  /** Exchanges still to route this publish. */
  private readonly work: Exchange[] = [];
  /**
   * Matched queues, one array per nesting depth: enqueueing can dead-letter synchronously
   * (x-max-length drop-head), which routes again while the outer publish still iterates.
   */
  private readonly results: QueueTarget<Q>[][] = [];
  private depth = 0;
  private current: QueueTarget<Q>[] = [];
  /** Matched Kafka topics (bindings with x-destination-type=topic), per nesting depth like `results`. */
  private readonly topicResults: TopicTarget[][] = [];
  private currentTopics: TopicTarget[] = [];
  private readonly topicRouting: TopicRouting | undefined;

  constructor(exchanges: ReadonlyMap<string, Exchange>, queues: ReadonlyMap<string, QueueTarget<Q>>, topicRouting?: TopicRouting) {
    this.exchanges = exchanges;
    this.queues = queues;
    this.topicRouting = topicRouting;
  }

  add(target: RouteTarget): void {
    if (target.routeMark === this.epoch) return;
    target.routeMark = this.epoch;
    const t = target as Target<Q>;
    if (t.kind === 'queue') this.current.push(t);
    else if (t.kind === 'topic') this.currentTopics.push(t);
    else this.work.push(t);
  }

  /**
   * Routes from `start` (undefined: the default exchange, which routes to the queue named by the
   * key) and enqueues on every matched queue.
   */
  publish(start: Exchange | undefined, routingKey: string, message: Message): PublishOutcome {
    const depth = this.depth++;
    let out = this.results[depth];
    if (out === undefined) {
      out = [];
      this.results[depth] = out;
    }
    let topics = this.topicResults[depth];
    if (topics === undefined) {
      topics = [];
      this.topicResults[depth] = topics;
    }
    try {
      this.collect(start, routingKey, message, out, topics);
      const outcome = enqueueAll(out, message);
      return topics.length === 0 || this.topicRouting === undefined ? outcome : withTopics(outcome, this.topicRouting.publish(topics, message));
    } finally {
      out.length = 0;
      topics.length = 0;
      this.depth--;
    }
  }

  /** The queues a publish would reach, by name, without enqueueing (management, tests). */
  resolve(start: Exchange | undefined, routingKey: string, message: Message): string[] {
    const out: QueueTarget<Q>[] = [];
    this.collect(start, routingKey, message, out, []);
    return out.map((t) => t.queue.definition.name);
  }

  private collect(start: Exchange | undefined, routingKey: string, message: Message, out: QueueTarget<Q>[], topics: TopicTarget[]): void {
    if (start === undefined) {
      const q = this.queues.get(routingKey);
      if (q !== undefined) out.push(q);
      return;
    }
    const epoch = ++this.epoch;
    this.current = out;
    this.currentTopics = topics;
    start.routeMark = epoch;
    const work = this.work;
    work.push(start);
    for (let i = 0; i < work.length; i++) {
      const x = work[i] as Exchange;
      const matched = x.router.route(routingKey, message, this);
      if (matched === 0 && x.alternateExchange !== undefined) {
        const alternate = this.exchanges.get(x.alternateExchange);
        if (alternate !== undefined) this.add(alternate);
      }
    }
    work.length = 0;
  }
}

function enqueueAll<Q extends ModelQueue>(targets: readonly QueueTarget<Q>[], message: Message): PublishOutcome {
  let rejected = false;
  let stored: Promise<void> | undefined;
  let several: Promise<void>[] | undefined;
  for (let i = 0; i < targets.length; i++) {
    const r = (targets[i] as QueueTarget<Q>).queue.enqueue(message);
    if (!r.accepted) rejected = true;
    if (r.stored !== undefined) {
      if (stored === undefined) stored = r.stored;
      else (several ??= [stored]).push(r.stored);
    }
  }
  return {
    routed: targets.length > 0,
    rejected,
    stored: several === undefined ? stored : Promise.all(several).then(noop),
  };
}

/** A topic append counts as routing, and a publisher confirm waits for it too. */
function withTopics(outcome: PublishOutcome, appended: Promise<void> | undefined): PublishOutcome {
  if (appended === undefined) return outcome;
  return {
    routed: true,
    rejected: outcome.rejected,
    stored: outcome.stored === undefined ? appended : Promise.all([outcome.stored, appended]).then(noop),
  };
}

function noop(): void {}
