import { BotError } from '../errors';
import { jsonParam, PG_UNIQUE_VIOLATION, pgErrorCode, type Queryable } from './db';

/**
 * Requests stored generically: the store knows an id, a kind, a state name and a version, and keeps the rest
 * as JSON. What the states mean and which transitions are allowed is decided above the store.
 */
export interface RequestRecord<D = unknown> {
  id: string;
  kind: string;
  state: string;
  /** Starts at 1 and grows by one with every successful compareAndSwap. */
  version: number;
  data: D;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
}

export interface NewRequestRecord<D = unknown> {
  id: string;
  kind: string;
  state: string;
  data: D;
  expiresAt?: Date | null;
  /** Defaults to now. */
  createdAt?: Date;
}

export interface RequestUpdate<D = unknown> {
  state: string;
  data: D;
  /** Absent: keep the current expiry; null: clear it. */
  expiresAt?: Date | null;
  /** Defaults to now. */
  updatedAt?: Date;
}

export interface SwapExpectation {
  expectedVersion: number;
  expectedState?: string;
}

export type SwapResult<D = unknown> =
  | { ok: true; record: RequestRecord<D> }
  /** Someone else changed the request first (or it is not in the expected state): `current` says how it is now. */
  | { ok: false; code: 'STORE_CONFLICT'; current: RequestRecord<D> }
  | { ok: false; code: 'STORE_NOT_FOUND'; current: undefined };

export interface RequestListFilter {
  states?: readonly string[];
  kind?: string;
  /** Default 50. */
  limit?: number;
}

export interface RequestRecords {
  /** Fails with STORE_DUPLICATE when the id is taken. */
  insert<D>(record: NewRequestRecord<D>): Promise<RequestRecord<D>>;
  get<D = unknown>(id: string): Promise<RequestRecord<D> | undefined>;
  /** Newest first. */
  list<D = unknown>(filter?: RequestListFilter): Promise<RequestRecord<D>[]>;
  /**
   * One conditional UPDATE: succeeds only while the request still has `expectedVersion` (and `expectedState`).
   * Of any number of concurrent callers with the same expectation, exactly one gets `ok: true`.
   */
  compareAndSwap<D>(id: string, expected: SwapExpectation, next: RequestUpdate<D>): Promise<SwapResult<D>>;
  /** Requests whose expiry is at or before `now`, oldest expiry first; narrow with `states` (e.g. the open ones). */
  listExpiring<D = unknown>(
    now: Date,
    filter?: { states?: readonly string[]; limit?: number },
  ): Promise<RequestRecord<D>[]>;
}

interface Row {
  id: string;
  kind: string;
  state: string;
  version: number;
  data: unknown;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
}

const COLUMNS = 'id, kind, state, version, data, created_at, updated_at, expires_at';

export function requestRecords(db: Queryable): RequestRecords {
  const get = async <D>(id: string): Promise<RequestRecord<D> | undefined> => {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM request_records WHERE id = $1`, [id]);
    return rows[0] ? toRecord<D>(rows[0]) : undefined;
  };
  return {
    get,

    async insert(record) {
      const createdAt = record.createdAt ?? new Date();
      try {
        const { rows } = await db.query<Row>(
          `INSERT INTO request_records (id, kind, state, version, data, created_at, updated_at, expires_at)
           VALUES ($1, $2, $3, 1, $4::jsonb, $5, $5, $6) RETURNING ${COLUMNS}`,
          [record.id, record.kind, record.state, jsonParam(record.data), createdAt, record.expiresAt ?? null],
        );
        return toRecord(rows[0]!);
      } catch (error) {
        if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
          throw new BotError('STORE_DUPLICATE', `a request with id ${record.id} already exists`, { id: record.id });
        }
        throw error;
      }
    },

    async list(filter = {}) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM request_records
         WHERE ($1::text[] IS NULL OR state = ANY ($1::text[])) AND ($2::text IS NULL OR kind = $2)
         ORDER BY created_at DESC, id DESC LIMIT $3`,
        [filter.states ? [...filter.states] : null, filter.kind ?? null, filter.limit ?? 50],
      );
      return rows.map((row) => toRecord(row));
    },

    async compareAndSwap<D>(id: string, expected: SwapExpectation, next: RequestUpdate<D>): Promise<SwapResult<D>> {
      const { rows } = await db.query<Row>(
        `UPDATE request_records
         SET state = $4, data = $5::jsonb, version = version + 1, updated_at = $6,
             expires_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE expires_at END
         WHERE id = $1 AND version = $2 AND ($3::text IS NULL OR state = $3)
         RETURNING ${COLUMNS}`,
        [
          id,
          expected.expectedVersion,
          expected.expectedState ?? null,
          next.state,
          jsonParam(next.data),
          next.updatedAt ?? new Date(),
          next.expiresAt !== undefined,
          next.expiresAt ?? null,
        ],
      );
      if (rows[0]) return { ok: true, record: toRecord<D>(rows[0]) };
      const current = await get<D>(id);
      return current
        ? { ok: false, code: 'STORE_CONFLICT', current }
        : { ok: false, code: 'STORE_NOT_FOUND', current: undefined };
    },

    async listExpiring(now, filter = {}) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM request_records
         WHERE expires_at <= $1 AND ($2::text[] IS NULL OR state = ANY ($2::text[]))
         ORDER BY expires_at, id LIMIT $3`,
        [now, filter.states ? [...filter.states] : null, filter.limit ?? 100],
      );
      return rows.map((row) => toRecord(row));
    },
  };
}

function toRecord<D>(row: Row): RequestRecord<D> {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    version: row.version,
    data: row.data as D,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}
