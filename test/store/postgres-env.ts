import { openStore } from '../../src/store';

/**
 * Where the PostgreSQL half of the store tests connects. Without TEST_DATABASE_URL those tests are skipped on
 * a developer machine, but in CI (CI=true) a missing server must fail the run, not quietly shrink it.
 */
export function postgresTestUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (url) return url;
  if (process.env.CI === 'true') {
    test('PostgreSQL store tests need TEST_DATABASE_URL', () => {
      throw new Error(
        'CI=true but TEST_DATABASE_URL is not set: the PostgreSQL store suite is required in CI. ' +
          'Start PostgreSQL and set TEST_DATABASE_URL=postgres://user@127.0.0.1:port/db',
      );
    });
  } else {
    test.skip('PostgreSQL store tests (set TEST_DATABASE_URL to run them)', () => {});
  }
  return undefined;
}

/** A schema of its own per test file, so files can run in parallel against one server. */
export function uniqueSchema(label: string): string {
  return `rb_test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Two stores with separate pools on one fresh schema: they stand in for two replicas sharing the database.
 * `close` drops the schema.
 */
export async function openReplicaPair(url: string, label: string) {
  const schema = uniqueSchema(label);
  const store = await openStore({ databaseUrl: url, schema });
  const peer = await openStore({ databaseUrl: url, schema });
  return {
    store,
    peer,
    close: async () => {
      await peer.close();
      await store.exec(`DROP SCHEMA ${schema} CASCADE`);
      await store.close();
    },
  };
}
