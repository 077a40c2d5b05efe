import { jsonParam, type Queryable } from './db';

/**
 * "Has this already been handled?" for Slack retries, double clicks and notifier milestones. The first caller
 * to claim a key wins; everyone else sees it taken until it expires (times are on the database clock).
 */
export interface IdempotencyRecord {
  key: string;
  claimedAt: Date;
  expiresAt: Date;
  doneAt: Date | null;
  result: unknown;
}

export interface IdempotencyKeys {
  /** True for exactly one caller per key while the claim lives; an expired claim can be claimed afresh. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Records that the claimed work finished (optionally with its result, for answering repeats). */
  markDone(key: string, result?: unknown): Promise<boolean>;
  /** The live claim, or undefined when there is none or it has expired. */
  get(key: string): Promise<IdempotencyRecord | undefined>;
  /** Deletes expired claims; returns how many. */
  purgeExpired(): Promise<number>;
}

interface Row {
  key: string;
  claimed_at: Date;
  expires_at: Date;
  done_at: Date | null;
  result: unknown;
}

const EXPIRY = `clock_timestamp() + make_interval(secs => $2::double precision / 1000)`;

export function idempotencyKeys(db: Queryable): IdempotencyKeys {
  return {
    async claim(key, ttlMs) {
      // The conditional DO UPDATE takes over only an expired claim; a live one returns no row.
      const { rows } = await db.query(
        `INSERT INTO idempotency_keys AS k (key, claimed_at, expires_at) VALUES ($1, clock_timestamp(), ${EXPIRY})
         ON CONFLICT (key) DO UPDATE
           SET claimed_at = clock_timestamp(), expires_at = ${EXPIRY}, done_at = NULL, result = NULL
           WHERE k.expires_at <= clock_timestamp()
         RETURNING key`,
        [key, ttlMs],
      );
      return rows.length === 1;
    },

    async markDone(key, result) {
      const { rowCount } = await db.query(
        `UPDATE idempotency_keys SET done_at = clock_timestamp(), result = $2::jsonb
         WHERE key = $1 AND expires_at > clock_timestamp()`,
        [key, jsonParam(result ?? null)],
      );
      return rowCount === 1;
    },

    async get(key) {
      const { rows } = await db.query<Row>(
        `SELECT key, claimed_at, expires_at, done_at, result FROM idempotency_keys
         WHERE key = $1 AND expires_at > clock_timestamp()`,
        [key],
      );
      const row = rows[0];
      return row
        ? {
            key: row.key,
            claimedAt: row.claimed_at,
            expiresAt: row.expires_at,
            doneAt: row.done_at,
            result: row.result,
          }
        : undefined;
    },

    async purgeExpired() {
      const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= clock_timestamp()');
      return rowCount;
    },
  };
}
