/**
 * The one SQL surface both backends (embedded PGlite and PostgreSQL) offer. Repositories are written against
 * `Queryable` only, so the same SQL runs inside or outside a transaction and on either backend.
 */
export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted, updated or deleted by the statement (0 for a plain SELECT on some drivers). */
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$1…$n` parameters. Pass JSON values already stringified and cast them (`$1::jsonb`). */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one database transaction: committed when it resolves, rolled back when it throws.
   * Called on a transaction handle it joins that transaction (no savepoint), so repositories can open
   * "their" transaction without caring whether the caller already has one.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export type Backend = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly backend: Backend;
  close(): Promise<void>;
}

/** A JSON value as a query parameter: both drivers pass text through, and the SQL casts it with `::jsonb`. */
export function jsonParam(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** PostgreSQL error codes we react to (both drivers expose `code`). */
export const PG_UNIQUE_VIOLATION = '23505';

export function pgErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
