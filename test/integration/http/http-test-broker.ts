// An embedded broker for the REST tests (temporary data dir, free ports), stopped when the test
// ends, with small fetch helpers that return status, headers and the parsed JSON body.
import type { TestContext } from 'node:test';
import { startBroker, type StartBrokerOptions } from '../../../src/index.js';

export interface HttpTestBroker {
  /** http://host:port */
  readonly base: string;
  readonly host: string;
  readonly port: number;
  readonly amqpUrl: string;
  readonly kafkaBootstrap: string;
  /** Runs `f` before the broker stops (clients close first, so shutdown does not wait on them). */
  beforeStop(f: () => Promise<void>): void;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

export async function withHttpBroker(t: TestContext, options: StartBrokerOptions = {}): Promise<HttpTestBroker> {
  const broker = await startBroker(options);
  const { http, amqp, kafka } = broker.addresses;
  if (http === undefined || amqp === undefined || kafka === undefined) throw new Error('the embedded broker lacks a listener');
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const f of cleanups) await f().catch(() => undefined);
    await broker.stop();
  });
  return {
    base: `http://${http.host}:${http.port}`,
    host: http.host,
    port: http.port,
    amqpUrl: `amqp://guest:guest@${amqp.host}:${amqp.port}`,
    kafkaBootstrap: `${kafka.host}:${kafka.port}`,
    beforeStop(f) {
      cleanups.push(f);
    },
  };
}

async function answer(res: Response): Promise<JsonAnswer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as JsonAnswer['body']) };
}

export async function postJson(url: string, body: unknown): Promise<JsonAnswer> {
  return answer(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

export async function postRaw(url: string, body: Buffer | string, contentType = 'application/octet-stream'): Promise<JsonAnswer> {
  return answer(await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body }));
}

export async function getJson(url: string): Promise<JsonAnswer> {
  return answer(await fetch(url));
}

export async function request(url: string, init: RequestInit): Promise<JsonAnswer> {
  return answer(await fetch(url, init));
}
