import { BotError } from '../errors';
import type { Logger } from '../log';
import type { Queryable } from './db';
import { MIGRATIONS, type Migration } from './migrations';

export interface MigrationOutcome {
  /** Schema version before this run (0 for an empty database). */
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the schema up to date in one transaction. Replicas starting together queue on a transaction-scoped
 * advisory lock (keyed by schema, so separate schemas in one database do not wait for each other); the second
 * finds nothing left to do. A database already migrated by newer code is refused rather than written to.
 */
export async function migrate(
  db: Queryable,
  options: { logger?: Logger; migrations?: readonly Migration[] } = {},
): Promise<MigrationOutcome> {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const known = migrations.at(-1)?.version ?? 0;
  const outcome = await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.restore_bot.migrations'))`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     integer PRIMARY KEY,
      name        text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    const { rows } = await tx.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > known) {
      throw new BotError(
        'STORE_SCHEMA_TOO_NEW',
        `the database schema is at version ${current} but this restore-bot only knows up to ${known}; upgrade restore-bot instead of running an older one against this database`,
        { databaseVersion: current, knownVersion: known },
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return { from: current, to: Math.max(current, known), applied };
  });
  if (outcome.applied.length > 0) {
    options.logger?.info('store: schema migrated', { from: outcome.from, to: outcome.to, applied: outcome.applied });
  }
  return outcome;
}
