import { randomUUID } from 'node:crypto';
import { BotError } from '../errors';
import { jsonParam, type Queryable } from './db';

/**
 * Dialog state for the Bot Framework: the structural contract of botbuilder's `Storage` (not imported, so the
 * store does not depend on a channel SDK). Optimistic concurrency by eTag, with MemoryStorage's rules:
 * a write whose item carries an eTag other than '*' succeeds only if it matches the stored item's eTag
 * (or nothing is stored under that key yet); no eTag or '*' overwrites. Every write gives a new eTag.
 */
// biome-ignore lint/suspicious/noExplicitAny: botbuilder's own StoreItems is Record<string, any>; matching it keeps this assignable to Storage
export type StoreItems = Record<string, any>;

export interface DialogStateStorage {
  read(keys: string[]): Promise<StoreItems>;
  /** All items or none: one item's eTag conflict leaves every key of the call unchanged. */
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

export function dialogStateStorage(db: Queryable): DialogStateStorage {
  return {
    async read(keys) {
      if (keys.length === 0) return {};
      const { rows } = await db.query<{ key: string; value: unknown; etag: string }>(
        'SELECT key, value, etag FROM dialog_state WHERE key = ANY ($1::text[])',
        [keys],
      );
      const items: StoreItems = {};
      for (const row of rows) {
        items[row.key] = isPlainObject(row.value) ? { ...row.value, eTag: row.etag } : row.value;
      }
      return items;
    },

    async write(changes) {
      const entries = Object.entries(changes);
      if (entries.length === 0) return;
      await db.transaction(async (tx) => {
        for (const [key, item] of entries) {
          const { eTag, value } = splitETag(item);
          const params = [key, jsonParam(value ?? null), randomUUID()];
          if (eTag === undefined || eTag === '*') {
            await tx.query(
              `INSERT INTO dialog_state (key, value, etag) VALUES ($1, $2::jsonb, $3)
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, etag = EXCLUDED.etag, updated_at = clock_timestamp()`,
              params,
            );
            continue;
          }
          const updated = await tx.query(
            `UPDATE dialog_state SET value = $2::jsonb, etag = $3, updated_at = clock_timestamp() WHERE key = $1 AND etag = $4`,
            [...params, eTag],
          );
          if (updated.rowCount === 1) continue;
          const inserted = await tx.query(
            'INSERT INTO dialog_state (key, value, etag) VALUES ($1, $2::jsonb, $3) ON CONFLICT (key) DO NOTHING',
            params,
          );
          if (inserted.rowCount !== 1) {
            throw new BotError('STORE_ETAG_CONFLICT', `Storage: error writing "${key}" due to eTag conflict.`, { key });
          }
        }
      });
    },

    async delete(keys) {
      if (keys.length === 0) return;
      await db.query('DELETE FROM dialog_state WHERE key = ANY ($1::text[])', [keys]);
    },
  };
}

function splitETag(item: unknown): { eTag: string | undefined; value: unknown } {
  if (!isPlainObject(item)) return { eTag: undefined, value: item };
  const { eTag, ...value } = item as { eTag?: unknown };
  return { eTag: typeof eTag === 'string' && eTag !== '' ? eTag : undefined, value };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
