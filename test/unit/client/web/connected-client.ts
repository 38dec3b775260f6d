// Connects a client to a fake socket that the test then drives.
import { connect, type ConnectOptions, type WharfClient } from '../../../../src/client/web/index.js';
import { fakeSockets, type FakeWebSocket } from './fake-websocket.js';

export interface Connected {
  client: WharfClient;
  socket: FakeWebSocket;
  sockets: FakeWebSocket[];
  last(): FakeWebSocket;
}

export async function connectedClient(options: Omit<ConnectOptions, 'WebSocket'> = {}): Promise<Connected> {
  const fake = fakeSockets();
  const pending = connect('ws://broker.test/ws', { ...options, WebSocket: fake.WebSocket });
  const socket = fake.last();
  socket.serverOpen();
  const client = await pending;
  return { client, socket, sockets: fake.sockets, last: fake.last };
}

/** Lets queued microtasks and promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
