import { openStore } from '../../../src/store';
import { postgresTestUrl, uniqueSchema } from '../../store/postgres-env';
import { describeServiceSuite } from './service-suite';

const url = postgresTestUrl();

if (url) {
  describeServiceSuite('PostgreSQL', async () => {
    const schema = uniqueSchema('service');
    // Two stores with separate pools stand in for two replicas sharing the database.
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
  });
}
