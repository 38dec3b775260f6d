// Keeps a connection's produce appends in request order (protocol-matrix §1.7 G9). The session
// starts requests in the order they arrive and a Produce handler hands its batches to the log
// synchronously, so pipelined produces reach each partition in order. Only when a produce must
// wait before appending (auto-creating a topic) could a later one overtake it; this lane makes
// the later ones wait their turn. When nothing waits, `run` calls `start` at once, synchronously.
export class AppendOrder {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /**
   * Runs `start` (which issues the appends and returns their pending results) after every
   * earlier `start` of this connection has issued its appends.
   */
  run<T>(start: () => T | Promise<T>): Promise<T> {
    if (this.waiting === 0) {
      let started: T | Promise<T>;
      try {
        started = start();
      } catch (err) {
        return Promise.reject(err);
      }
      if (!(started instanceof Promise)) return Promise.resolve(started);
      return this.track(started);
    }
    return this.track(this.tail.then(start));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.waiting++;
    this.tail = p.then(settled, settled).then(() => {
      this.waiting--;
    });
    return p;
  }
}

function settled(): void {}
