// Opening the TCP connection both CLI clients (Kafka and AMQP) start with: a connect timeout and
// errors that name the peer, so "is the broker running?" hints can follow.
import { connect as netConnect, type Socket } from 'node:net';
import { ClientError, ClientErrorCode } from './client-errors.js';

export function openTcpSocket(host: string, port: number, peer: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ClientError(ClientErrorCode.CONNECT, `cannot connect to ${peer} (no answer within ${timeoutMs} ms)`));
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      reject(new ClientError(ClientErrorCode.CONNECT, `cannot connect to ${peer} (${err.code ?? err.message})`, { cause: err }));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
