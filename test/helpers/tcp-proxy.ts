// A TCP proxy that tests can use to cut every connection passing through it, so a client sees its
// connections drop under load (requests in flight lost or answered but unread) while the broker
// keeps running. Clients must reach the broker only through it: start the broker with
// `--advertised-host` set to the proxy's address and the proxy on the broker's port.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** Connections accepted so far. */
  readonly accepted: () => number;
  /** Destroys every open connection (both sides); new ones are still accepted. */
  cutAll(): number;
  close(): Promise<void>;
}

export function startTcpProxy(listenHost: string, listenPort: number, targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer({ noDelay: true }, (client) => {
    accepted++;
    const upstream = connect({ host: targetHost, port: targetPort, noDelay: true });
    const pair = [client, upstream];
    for (const s of pair) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        open.delete(s);
        for (const other of pair) other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, () => {
      resolve({
        accepted: () => accepted,
        cutAll() {
          const n = open.size;
          for (const s of [...open]) s.destroy();
          return n;
        },
        close: () => new Promise<void>((done) => {
          for (const s of [...open]) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
