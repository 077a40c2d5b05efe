import { type Logger, silentLogger } from '../log';
import { type AuditRows, auditRows } from './audit-rows';
import { type ConversationReferences, conversationReferences } from './conversation-references';
import type { Backend, Db, Queryable, QueryResult } from './db';
import { type DialogStateStorage, dialogStateStorage } from './dialog-state';
import { type IdempotencyKeys, idempotencyKeys } from './idempotency-keys';
import { type InventoryRecords, inventoryRecords } from './inventory';
import { type JobWatches, jobWatches } from './job-watches';
import { migrate } from './migrate';
import { openPgliteDb } from './pglite-db';
import { openPostgresDb } from './postgres-db';
import { type RequestRecords, requestRecords } from './request-records';
import { type TriggerIntents, triggerIntents } from './trigger-intents';

/** Every repository, bound either to the store or to one of its transactions. */
export interface StoreRepositories {
  readonly requests: RequestRecords;
  readonly intents: TriggerIntents;
  readonly watches: JobWatches;
  readonly idempotency: IdempotencyKeys;
  readonly conversations: ConversationReferences;
  readonly dialogState: DialogStateStorage;
  readonly auditRows: AuditRows;
  readonly inventory: InventoryRecords;
}

/** A transaction handle: the same repositories, all inside the one transaction. */
export interface StoreTx extends Queryable, StoreRepositories {
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

export interface Store extends Queryable, StoreRepositories {
  readonly backend: Backend;
  /**
   * One transaction. On PGlite (one connection) transactions and statements run one at a time; inside `fn`
   * use only `tx` — calling the store itself there fails with STORE_NESTED_QUERY instead of hanging.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite store under `dataDir` is used. */
  databaseUrl?: string;
  /** PGlite directory (created when missing), or `memory://` for a throwaway store. Default `./data`. */
  dataDir?: string;
  /** PostgreSQL only: work in this schema (created when missing), e.g. one per test file. */
  schema?: string;
  /** PostgreSQL only: connections in the pool. Default 10. */
  poolSize?: number;
  logger?: Logger;
}

/** Opens the configured backend and migrates it (refusing a newer schema with STORE_SCHEMA_TOO_NEW). */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const db = options.databaseUrl
    ? await openPostgresDb({
        databaseUrl: options.databaseUrl,
        logger,
        ...(options.schema ? { schema: options.schema } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      })
    : await openPgliteDb(options.dataDir ?? './data');
  try {
    await migrate(db, { logger });
  } catch (error) {
    await db.close();
    throw error;
  }
  logger.info('store: open', {
    backend: db.backend,
    ...(options.databaseUrl ? {} : { dataDir: options.dataDir ?? './data' }),
  });
  return storeOver(db);
}

/** Wraps an already open, migrated `Db`. */
export function storeOver(db: Db): Store {
  return {
    backend: db.backend,
    ...bindRepositories(db),
    query: <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => db.query<R>(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(txOver(tx))),
    close: () => db.close(),
  };
}

function txOver(tx: Queryable): StoreTx {
  const handle: StoreTx = {
    ...bindRepositories(tx),
    query: <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => tx.query<R>(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(handle),
  };
  return handle;
}

function bindRepositories(db: Queryable): StoreRepositories {
  return {
    requests: requestRecords(db),
    intents: triggerIntents(db),
    watches: jobWatches(db),
    idempotency: idempotencyKeys(db),
    conversations: conversationReferences(db),
    dialogState: dialogStateStorage(db),
    auditRows: auditRows(db),
    inventory: inventoryRecords(db),
  };
}
