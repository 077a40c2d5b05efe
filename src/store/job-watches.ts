import { jsonParam, type Queryable } from './db';

/**
 * Azure jobs someone must follow to the end. A watch is owned by one replica at a time through a lease: a
 * random token plus an expiry on the database clock (one clock for all replicas). The owner renews before
 * expiry; when it dies, another replica's `acquire` takes the watch over with a new token, and the old token
 * no longer renews, saves or completes anything.
 */
export interface JobWatch<D = unknown> {
  id: string;
  requestId: string;
  data: D;
  createdAt: Date;
  owner: string | null;
  leaseExpiresAt: Date | null;
  completedAt: Date | null;
  result: unknown;
}

export interface LeasedJobWatch<D = unknown> extends JobWatch<D> {
  owner: string;
  leaseToken: string;
  leaseExpiresAt: Date;
}

export interface NewJobWatch<D = unknown> {
  /** Chosen by the caller (e.g. the Azure job id) so registering twice is harmless. */
  id: string;
  requestId: string;
  data: D;
}

export interface JobWatches {
  /** Registers the watch once; a repeat returns the existing one with `created: false`. */
  register<D>(watch: NewJobWatch<D>): Promise<{ watch: JobWatch<D>; created: boolean }>;
  /**
   * Leases up to `limit` open watches that nobody holds or whose lease has expired, oldest first. Concurrent
   * callers (any replica) never receive the same watch. Watches this owner already holds are not returned.
   */
  acquire<D = unknown>(owner: string, leaseMs: number, limit: number): Promise<LeasedJobWatch<D>[]>;
  /** Extends the lease; false when `token` is no longer the lease (taken over, released or completed). */
  renew(id: string, token: string, leaseMs: number): Promise<boolean>;
  /** Stores the follower's progress (e.g. last status seen) while it still holds the lease. */
  saveProgress<D>(id: string, token: string, data: D): Promise<boolean>;
  /** Gives the watch back unfinished, for anyone to acquire at once. */
  release(id: string, token: string): Promise<boolean>;
  /** Marks the watch finished; it is never acquired again. */
  complete(id: string, token: string, result?: unknown): Promise<boolean>;
  get<D = unknown>(id: string): Promise<JobWatch<D> | undefined>;
  /** Watches not yet completed, oldest first. */
  listOpen<D = unknown>(limit?: number): Promise<JobWatch<D>[]>;
}

interface Row {
  id: string;
  request_id: string;
  data: unknown;
  created_at: Date;
  owner: string | null;
  lease_token: string | null;
  lease_expires_at: Date | null;
  completed_at: Date | null;
  result: unknown;
}

const COLUMNS = 'id, request_id, data, created_at, owner, lease_token, lease_expires_at, completed_at, result';
const LEASE_UNTIL = `clock_timestamp() + make_interval(secs => $3::double precision / 1000)`;

export function jobWatches(db: Queryable): JobWatches {
  const get = async <D>(id: string): Promise<JobWatch<D> | undefined> => {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM job_watches WHERE id = $1`, [id]);
    return rows[0] ? toWatch<D>(rows[0]) : undefined;
  };
  const updateHeld = async (id: string, token: string, set: string, params: unknown[]): Promise<boolean> => {
    const { rowCount } = await db.query(
      `UPDATE job_watches SET ${set} WHERE id = $1 AND lease_token = $2 AND completed_at IS NULL`,
      [id, token, ...params],
    );
    return rowCount === 1;
  };
  return {
    get,

    async register<D>(watch: NewJobWatch<D>) {
      const { rows } = await db.query<Row>(
        `INSERT INTO job_watches (id, request_id, data) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
        [watch.id, watch.requestId, jsonParam(watch.data)],
      );
      if (rows[0]) return { watch: toWatch<D>(rows[0]), created: true };
      return { watch: (await get<D>(watch.id))!, created: false };
    },

    async acquire<D>(owner: string, leaseMs: number, limit: number) {
      // SKIP LOCKED: two replicas acquiring at once each take different rows instead of waiting on each other.
      // The pick is a materialized CTE: as an `IN (… LIMIT …)` subquery next to the volatile clock_timestamp(),
      // the planner re-ran it per row and handed out more than `limit` watches.
      const { rows } = await db.query<Row>(
        `WITH picked AS MATERIALIZED (
           SELECT id FROM job_watches
           WHERE completed_at IS NULL AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())
           ORDER BY created_at, id
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE job_watches w
         SET owner = $1, lease_token = gen_random_uuid()::text, lease_expires_at = ${LEASE_UNTIL}
         FROM picked
         WHERE w.id = picked.id
         RETURNING ${COLUMNS.split(', ')
           .map((c) => `w.${c}`)
           .join(', ')}`,
        [owner, limit, leaseMs],
      );
      // The token goes only to the caller that acquired the lease; plain reads never show it.
      return rows
        .map(
          (row): LeasedJobWatch<D> => ({
            ...toWatch<D>(row),
            owner: row.owner!,
            leaseToken: row.lease_token!,
            leaseExpiresAt: row.lease_expires_at!,
          }),
        )
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    },

    renew(id, token, leaseMs) {
      return updateHeld(id, token, `lease_expires_at = ${LEASE_UNTIL}`, [leaseMs]);
    },

    saveProgress(id, token, data) {
      return updateHeld(id, token, 'data = $3::jsonb', [jsonParam(data)]);
    },

    release(id, token) {
      return updateHeld(id, token, 'owner = NULL, lease_token = NULL, lease_expires_at = NULL', []);
    },

    complete(id, token, result) {
      return updateHeld(
        id,
        token,
        'completed_at = clock_timestamp(), result = $3::jsonb, owner = NULL, lease_token = NULL, lease_expires_at = NULL',
        [jsonParam(result ?? null)],
      );
    },

    async listOpen<D>(limit = 100) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM job_watches WHERE completed_at IS NULL ORDER BY created_at, id LIMIT $1`,
        [limit],
      );
      return rows.map((row) => toWatch<D>(row));
    },
  };
}

function toWatch<D>(row: Row): JobWatch<D> {
  return {
    id: row.id,
    requestId: row.request_id,
    data: row.data as D,
    createdAt: row.created_at,
    owner: row.owner,
    leaseExpiresAt: row.lease_expires_at,
    completedAt: row.completed_at,
    result: row.result,
  };
}
