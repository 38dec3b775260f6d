// AMQP forms used on several pages: publish a message, add a binding, and the vhost picker.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, exchangeSeg, get, seg } from '../api';
import { parseArgs, parseHeaders } from '../format';
import { usePoll } from '../hooks';
import type { Vhost } from '../types';
import { ActionForm, Check, Field, Select, Text, TextArea } from './ui';

export function useVhosts(): string[] {
  const { data } = usePoll(() => get<Vhost[]>('/vhosts'), [], 0);
  return data === undefined || data.length === 0 ? ['/'] : data.map((v) => v.name);
}

export function PublishForm(props: { vhost: string; exchange: string; routingKey?: string; title?: string; onDone?: () => void }): JSX.Element {
  const [routingKey, setRoutingKey] = useState(props.routingKey ?? '');
  const [payload, setPayload] = useState('');
  const [headers, setHeaders] = useState('');
  const [contentType, setContentType] = useState('');
  const [persistent, setPersistent] = useState(true);
  const run = async (): Promise<string> => {
    const properties: Record<string, unknown> = { delivery_mode: persistent ? 2 : 1, headers: parseHeaders(headers) };
    if (contentType !== '') properties.content_type = contentType;
    const r = await api<{ routed: boolean }>('POST', `/exchanges/${seg(props.vhost)}/${exchangeSeg(props.exchange)}/publish`, {
      routing_key: routingKey, payload, payload_encoding: 'string', properties,
    });
    props.onDone?.();
    if (!r.routed) throw new Error('Published, but no queue is bound for this routing key: the message was dropped.');
    return 'Message published and routed.';
  };
  return (
    <ActionForm title={props.title ?? 'Publish a message'} submit="Publish message" run={run} testId="publish">
      <Field label="Routing key"><Text name="publish-routing-key" value={routingKey} set={setRoutingKey} /></Field>
      <Field label="Content type"><Text name="publish-content-type" value={contentType} set={setContentType} placeholder="text/plain" /></Field>
      <Check name="publish-persistent" checked={persistent} set={setPersistent} label="Persistent" />
      <Field label="Payload" wide><TextArea name="publish-payload" value={payload} set={setPayload} /></Field>
      <Field label="Headers (key=value per line)" wide><TextArea name="publish-headers" value={headers} set={setHeaders} rows={2} /></Field>
    </ActionForm>
  );
}

/** Binds `fixed` (the page's exchange as source, or its queue as destination) to another object. */
export function BindForm(props: { vhost: string; source?: string; queue?: string; onDone: () => void }): JSX.Element {
  const [other, setOther] = useState('');
  const [destType, setDestType] = useState('q');
  const [routingKey, setRoutingKey] = useState('');
  const [args, setArgs] = useState('');
  const fromExchange = props.source !== undefined;
  const run = async (): Promise<string> => {
    const source = fromExchange ? (props.source as string) : other;
    const dest = fromExchange ? other : (props.queue as string);
    const type = fromExchange ? destType : 'q';
    await api('POST', `/bindings/${seg(props.vhost)}/e/${exchangeSeg(source)}/${type}/${seg(dest)}`, { routing_key: routingKey, arguments: parseArgs(args) });
    props.onDone();
    return `Bound ${source} → ${dest}.`;
  };
  return (
    <ActionForm title={fromExchange ? 'Add a binding from this exchange' : 'Bind this queue to an exchange'} submit="Bind" run={run} testId="bind">
      {fromExchange && <Field label="To"><Select name="bind-dest-type" value={destType} set={setDestType} options={[['q', 'queue'], ['e', 'exchange']]} /></Field>}
      <Field label={fromExchange ? 'Destination' : 'From exchange'}><Text name="bind-other" value={other} set={setOther} required /></Field>
      <Field label="Routing key"><Text name="bind-routing-key" value={routingKey} set={setRoutingKey} /></Field>
      <Field label="Arguments (JSON)"><Text name="bind-args" value={args} set={setArgs} placeholder='{"x-match": "all"}' /></Field>
    </ActionForm>
  );
}
