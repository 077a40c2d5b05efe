import { Pool, type PoolClient } from 'pg';
import { BotError } from '../errors';
import type { Logger } from '../log';
import type { Db, Queryable, QueryResult } from './db';
import { TransactionGuard } from './transaction-guard';

export interface PostgresDbOptions {
  databaseUrl: string;
  /** A schema to work in (created when missing); default: the connection's own search_path. */
  schema?: string;
  poolSize?: number;
  logger: Logger;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgresDb(options: PostgresDbOptions): Promise<Db> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new BotError('STORE_CONFIG_INVALID', `schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  }
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection dropped by the server emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => options.logger.warn('store: idle PostgreSQL connection failed', { error }));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new BotError(
      'STORE_UNAVAILABLE',
      `cannot reach PostgreSQL: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  const db = new PostgresDb(pool);
  if (schema) {
    try {
      // CREATE SCHEMA IF NOT EXISTS is not safe against itself: replicas starting together queue on a lock.
      await db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('restore_bot.create_schema.' || $1))`, [schema]);
        await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      });
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}

class PostgresDb implements Db {
  readonly backend = 'postgres' as const;
  private readonly guard = new TransactionGuard();
  private closed = false;

  constructor(private readonly pool: Pool) {}

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    this.assertUsable('query');
    const result = await this.pool.query(sql, [...params]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable('exec');
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.assertUsable('transaction');
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.guard.inside(() => fn(new PostgresTx(client)));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot even roll back is not returned to the pool.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private assertUsable(operation: string): void {
    if (this.closed) throw new BotError('STORE_CLOSED', `${operation} on a closed store`);
    this.guard.assertOutside(operation);
  }
}

class PostgresTx implements Queryable {
  constructor(private readonly client: PoolClient) {}

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.client.query(sql, [...params]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return fn(this);
  }
}
