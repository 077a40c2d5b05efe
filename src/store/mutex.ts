/**
 * A first-come-first-served async mutex. PGlite has a single connection, so a transaction must own it from
 * BEGIN to COMMIT; without this, a concurrent caller's statement would run inside someone else's transaction.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
