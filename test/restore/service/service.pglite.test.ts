import { openStore } from '../../../src/store';
import { describeServiceSuite } from './service-suite';

// PGlite has one connection, so "two replicas" are concurrent callers through the one store.
describeServiceSuite('PGlite', async () => {
  const store = await openStore({ dataDir: 'memory://' });
  return { store, peer: store, close: () => store.close() };
});
