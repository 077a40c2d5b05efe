import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { BotError } from '../errors';
import type { Db, Queryable, QueryResult } from './db';
import { Mutex } from './mutex';
import { TransactionGuard } from './transaction-guard';

const MEMORY = 'memory://';

/** Embedded PostgreSQL (WASM). `dataDir` is a directory on disk, or `memory://` for a throwaway database. */
export async function openPgliteDb(dataDir: string): Promise<Db> {
  if (!dataDir.startsWith(MEMORY)) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  return new PgliteDb(pg);
}

class PgliteDb implements Db {
  readonly backend = 'pglite' as const;
  private readonly mutex = new Mutex();
  private readonly guard = new TransactionGuard();
  private closed = false;

  constructor(private readonly pg: PGlite) {}

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    this.assertUsable('query');
    return this.mutex.run(async () => toResult(await this.pg.query<R>(sql, [...params])));
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable('exec');
    return this.mutex.run(async () => {
      await this.pg.exec(sql);
    });
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.assertUsable('transaction');
    return this.mutex.run(() => this.guard.inside(() => this.pg.transaction((tx) => fn(new PgliteTx(tx)))));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Waits for the statement or transaction in progress, so closing never cuts one in half.
    await this.mutex.run(() => this.pg.close());
  }

  private assertUsable(operation: string): void {
    if (this.closed) throw new BotError('STORE_CLOSED', `${operation} on a closed store`);
    this.guard.assertOutside(operation);
  }
}

class PgliteTx implements Queryable {
  constructor(private readonly tx: Transaction) {}

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return toResult(await this.tx.query<R>(sql, [...params]));
  }

  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

function toResult<R>(result: { rows: R[]; affectedRows?: number }): QueryResult<R> {
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}
