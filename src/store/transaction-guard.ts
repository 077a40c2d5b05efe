import { AsyncLocalStorage } from 'node:async_hooks';
import { BotError } from '../errors';

/**
 * Catches a statement sent through the store itself while the same async flow holds one of its transactions.
 * On PGlite (one connection, serialised by a mutex) that would wait for itself forever; on PostgreSQL it would
 * silently run outside the transaction. Both backends fail the same way, so the bug shows in any test run.
 */
export class TransactionGuard {
  private readonly current = new AsyncLocalStorage<{ open: boolean }>();

  assertOutside(operation: string): void {
    if (this.current.getStore()?.open) {
      throw new BotError(
        'STORE_NESTED_QUERY',
        `${operation} was called on the store inside one of its transactions; use the transaction handle instead`,
      );
    }
  }

  async inside<T>(fn: () => Promise<T>): Promise<T> {
    const marker = { open: true };
    try {
      return await this.current.run(marker, fn);
    } finally {
      // Work started inside the transaction but still running after it ends may use the store again.
      marker.open = false;
    }
  }
}
