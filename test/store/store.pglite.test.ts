import { openStore } from '../../src/store';
import { describeStoreSuite } from './store-suite';

// One in-memory PGlite for the whole file (starting one takes seconds); the suite truncates between tests.
describeStoreSuite('PGlite', async () => {
  const store = await openStore({ dataDir: 'memory://' });
  return { store, peer: store, close: () => store.close() };
});
