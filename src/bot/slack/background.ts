/**
 * Work that runs after Slack got its ack (a turn, a click's decision, the restore after an approval), and a
 * count of it, so shutdown and tests can wait until nothing is running. Errors are logged, never thrown.
 */
import type { Logger } from '../../log';

export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly onFailure: () => void = () => {},
  ) {}

  run(name: string, task: () => Promise<void>): void {
    const promise = (async () => {
      try {
        await task();
      } catch (error) {
        this.onFailure();
        this.logger.error('work after the ack failed', { task: name, error });
      }
    })();
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

/**
 * One task at a time per key (a modal, a person's ephemeral wizard), in arrival order: two quick clicks on
 * one modal must not run two turns over the same dialog state at once.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
