import { Client } from 'pg';
import { isBotError } from '../../src/errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, openStore } from '../../src/store';
import { postgresTestUrl, uniqueSchema } from './postgres-env';

const url = postgresTestUrl();

if (url) {
  describe('PostgreSQL store start-up', () => {
    const schemas: string[] = [];
    const freshSchema = () => {
      const schema = uniqueSchema('startup');
      schemas.push(schema);
      return schema;
    };

    afterAll(async () => {
      const admin = new Client({ connectionString: url });
      await admin.connect();
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });

    test('replicas starting at once on an empty database migrate it exactly once', async () => {
      const schema = freshSchema();
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openStore({ databaseUrl: url, schema, poolSize: 2 })),
      );
      try {
        const { rows } = await stores[0]!.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    test('a schema migrated by newer code is refused at start', async () => {
      const schema = freshSchema();
      const store = await openStore({ databaseUrl: url, schema });
      await store.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, [
        LATEST_SCHEMA_VERSION + 1,
      ]);
      await store.close();
      const refused = await openStore({ databaseUrl: url, schema }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isBotError(refused, 'STORE_SCHEMA_TOO_NEW')).toBe(true);
    });

    test('an unreachable server is STORE_UNAVAILABLE, without the connection string in the message', async () => {
      const refused = await openStore({ databaseUrl: 'postgres://bot:s3cret-pw@127.0.0.1:1/nowhere' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isBotError(refused, 'STORE_UNAVAILABLE')).toBe(true);
      expect((refused as Error).message).not.toContain('s3cret-pw');
    });
  });
}
