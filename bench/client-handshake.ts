// The benchmark clients' side of the ready/go/done protocol that runProtocolClients
// (kafka-bench-processes.ts) drives over stdin and stdout: one JSON line per event.
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

export function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/** Says ready and waits for the bench's go. */
export async function handshake(): Promise<void> {
  emit('ready');
  const go = await lines.next();
  if (go.done === true) process.exit(2);
}

/** Reports the timed part and stays alive until the bench closes stdin (it reads our CPU first). */
export async function finish(fields: Record<string, unknown>): Promise<void> {
  emit('done', fields);
  while ((await lines.next()).done !== true) { /* the bench only closes stdin */ }
}
