// connection.start's server-properties. Each capability is true only because it is implemented;
// the product is Wharf, not "RabbitMQ", so kombu keeps AMQP's basic.qos semantics (global=false)
// and the channel applies them per consumer, updated live (protocol-matrix §3.5, option B).
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { tableFromPlain } from '../../formats/amqp/field-table.js';
import { packageVersion } from '../../util/package-version.js';

export const CAPABILITIES = [
  'publisher_confirms',
  'exchange_exchange_bindings',
  'basic.nack',
  'consumer_cancel_notify',
  'connection.blocked',
  'authentication_failure_close',
  'per_consumer_qos',
  'direct_reply_to',
  'consumer_priorities',
] as const;

export function serverProperties(clusterName: string): FieldTable {
  const capabilities: Record<string, boolean> = {};
  for (const c of CAPABILITIES) capabilities[c] = true;
  return tableFromPlain({
    product: 'Wharf',
    version: packageVersion(),
    platform: `Node.js ${process.version}`,
    copyright: 'Wharf contributors',
    information: 'Licensed under the Apache License 2.0; see https://www.apache.org/licenses/LICENSE-2.0',
    cluster_name: clusterName,
    capabilities,
  });
}

/** The capabilities a client declared in start-ok's client-properties. */
export function clientCapabilities(clientProperties: FieldTable): Set<string> {
  const out = new Set<string>();
  const caps = clientProperties.get('capabilities');
  if (caps?.tag !== 'F') return out;
  for (const [name, value] of caps.value) {
    if (value.tag === 't' && value.value) out.add(name);
  }
  return out;
}
