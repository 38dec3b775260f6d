// /api/bindings and the binding views of exchanges and queues. A binding is named in paths by its
// properties key, as in RabbitMQ: the routing key ("~" when empty), plus "~" and a digest of the
// arguments when it has any, so two bindings that differ only in arguments have different keys.
import { createHash } from 'node:crypto';
import type { BindingInfo } from '../../../broker/amqp/vhost-definitions.js';
import { DESTINATION_TYPE_ARG } from '../../../broker/interop/topic-binding.js';
import { HTTP_CONNECTION_ID } from '../rest/queue-get.js';
import { argumentsFromJson, argumentsToJson } from './amqp-json.js';
import { exchangeName } from './exchanges.js';
import { badRequest, objectNotFound } from './mgmt-error.js';
import { list, noContent, ok, optionalString, readJsonObject, vhostOf, type MgmtAnswer, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';
import { queueNamed } from './queues.js';

// 't' (a Kafka topic, docs/interop.md) is Wharf's addition to RabbitMQ's q and e.
type Kind = 'queue' | 'exchange' | 'topic';

export function propertiesKey(routingKey: string, args: BindingInfo['arguments']): string {
  const key = routingKey === '' ? '' : encodeURIComponent(routingKey).replace(/~/g, '%7E');
  if (args.size === 0) return key === '' ? '~' : key;
  const digest = createHash('sha256').update(JSON.stringify(argumentsToJson(args))).digest('base64url').slice(0, 22);
  return `${key}~${digest}`;
}

function bindingJson(vhost: string, b: BindingInfo): Item {
  return {
    source: b.source, vhost, destination: b.destination, destination_type: b.destinationKind, routing_key: b.routingKey,
    arguments: argumentsToJson(b.arguments), properties_key: propertiesKey(b.routingKey, b.arguments),
  };
}

function bindingsOf(r: MgmtRequest, vhostNames: readonly string[], keep: (b: BindingInfo) => boolean = () => true): Item[] {
  const out: Item[] = [];
  for (const name of vhostNames) {
    for (const b of r.deps.broker.amqp.vhost(name)?.listBindings() ?? []) if (keep(b)) out.push(bindingJson(name, b));
  }
  return out;
}

function kindOf(char: string): Kind {
  if (char === 'q') return 'queue';
  if (char === 'e') return 'exchange';
  if (char === 't') return 'topic';
  throw objectNotFound(`binding destinations are q (queue), e (exchange) or t (Kafka topic), not '${char}'`);
}

/** [vhost, source, destination kind, destination] of /bindings/{vhost}/e/{source}/{q|e|t}/{destination}. */
function between(r: MgmtRequest): { vhost: string; source: string; kind: Kind; destination: string } {
  const [vhostName, source, char, destination] = r.params as [string, string, string, string];
  const vhost = vhostOf(r, vhostName);
  const kind = kindOf(char);
  if (kind === 'queue') queueNamed(vhost, destination);
  else if (kind === 'topic') {
    if (r.deps.broker.topics.get(destination) === undefined) throw objectNotFound(`no Kafka topic '${destination}'; create it first (PUT /api/topics/{name})`);
  } else if (!vhost.topology.exchanges.has(exchangeName(destination))) throw objectNotFound(`no exchange '${destination}' in vhost '${vhost.name}'`);
  if (exchangeName(source) !== '' && !vhost.topology.exchanges.has(source)) throw objectNotFound(`no exchange '${source}' in vhost '${vhost.name}'`);
  return { vhost: vhost.name, source: exchangeName(source), kind, destination: kind === 'exchange' ? exchangeName(destination) : destination };
}

function listBetween(r: MgmtRequest): MgmtAnswer {
  const w = between(r);
  return list(bindingsOf(r, [w.vhost], (b) => b.source === w.source && b.destinationKind === w.kind && b.destination === w.destination));
}

async function createBinding(r: MgmtRequest): Promise<MgmtAnswer> {
  const w = between(r);
  const vhost = vhostOf(r, w.vhost);
  const body = await readJsonObject(r, 'the binding body');
  const routingKey = optionalString(body.routing_key, 'routing_key', '');
  if (Buffer.byteLength(routingKey, 'utf8') > 255) throw badRequest('routing_key is longer than 255 bytes of UTF-8 (an AMQP short string)');
  const args = argumentsFromJson(body.arguments);
  if (w.kind === 'topic') args.set(DESTINATION_TYPE_ARG, { tag: 'S', value: Buffer.from('topic') });
  if (w.kind === 'exchange') await vhost.bindExchange(w.destination, w.source, routingKey, args);
  else await vhost.bindQueue(w.destination, w.source, routingKey, args, HTTP_CONNECTION_ID);
  const location = ['/api/bindings', w.vhost, 'e', w.source, w.kind.charAt(0), w.destination].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
  return { status: 201, headers: { location: `${location}/${encodeURIComponent(propertiesKey(routingKey, args))}` } };
}

function findBinding(r: MgmtRequest): { vhost: string; binding: BindingInfo } {
  const w = between(r);
  const props = r.params[4] as string;
  const binding = r.deps.broker.amqp.vhost(w.vhost)?.listBindings()
    .find((b) => b.source === w.source && b.destinationKind === w.kind && b.destination === w.destination && propertiesKey(b.routingKey, b.arguments) === props);
  if (binding === undefined) throw objectNotFound(`no binding '${props}' from exchange '${w.source}' to ${w.kind} '${w.destination}' in vhost '${w.vhost}'`);
  return { vhost: w.vhost, binding };
}

async function deleteBinding(r: MgmtRequest): Promise<MgmtAnswer> {
  const { vhost: vhostName, binding: b } = findBinding(r);
  const vhost = vhostOf(r, vhostName);
  if (b.source === '') throw badRequest('the default exchange\'s bindings are implicit and cannot be removed');
  if (b.destinationKind === 'exchange') await vhost.unbindExchange(b.destination, b.source, b.routingKey, b.arguments);
  else await vhost.unbindQueue(b.destination, b.source, b.routingKey, b.arguments, HTTP_CONNECTION_ID);
  return noContent();
}

function exchangeBindings(r: MgmtRequest, side: 'source' | 'destination'): MgmtAnswer {
  const vhost = vhostOf(r, r.params[0] as string);
  const name = exchangeName(r.params[1] as string);
  if (name !== '' && !vhost.topology.exchanges.has(name)) throw objectNotFound(`no exchange '${name}' in vhost '${vhost.name}'`);
  return list(bindingsOf(r, [vhost.name], (b) => (side === 'source' ? b.source === name : b.destinationKind === 'exchange' && b.destination === name)));
}

export const BINDING_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'bindings'], methods: { GET: (r) => list(bindingsOf(r, r.deps.broker.amqp.vhostNames())) } },
  { pattern: ['api', 'bindings', ':vhost'], methods: { GET: (r) => list(bindingsOf(r, [vhostOf(r, r.params[0] as string).name])) } },
  { pattern: ['api', 'bindings', ':vhost', 'e', ':source', ':kind', ':destination'], methods: { GET: listBetween, POST: createBinding } },
  {
    pattern: ['api', 'bindings', ':vhost', 'e', ':source', ':kind', ':destination', ':props'],
    methods: { GET: (r) => { const f = findBinding(r); return ok(bindingJson(f.vhost, f.binding)); }, DELETE: deleteBinding },
  },
  { pattern: ['api', 'exchanges', ':vhost', ':name', 'bindings', 'source'], methods: { GET: (r) => exchangeBindings(r, 'source') } },
  { pattern: ['api', 'exchanges', ':vhost', ':name', 'bindings', 'destination'], methods: { GET: (r) => exchangeBindings(r, 'destination') } },
  {
    pattern: ['api', 'queues', ':vhost', ':name', 'bindings'],
    methods: {
      GET: (r) => {
        const vhost = vhostOf(r, r.params[0] as string);
        const name = r.params[1] as string;
        queueNamed(vhost, name);
        return list(bindingsOf(r, [vhost.name], (b) => b.destinationKind === 'queue' && b.destination === name));
      },
    },
  },
];
