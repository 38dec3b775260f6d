// Two connected in-memory Duplex streams: what one side writes, the other reads. Node 20 has no
// Duplex.pair, and a real socket would make these tests depend on the network.
import { Duplex } from 'node:stream';

class End extends Duplex {
  peer: End | null = null;

  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A copy, as a socket would hand out fresh buffers.
    this.peer?.push(Buffer.from(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = null;
    if (peer !== null && !peer.destroyed) peer.destroy();
    callback(err);
  }
}

export function duplexPair(): [Duplex, Duplex] {
  const a = new End({ allowHalfOpen: false });
  const b = new End({ allowHalfOpen: false });
  a.peer = b;
  b.peer = a;
  return [a, b];
}
