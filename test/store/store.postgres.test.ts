import { openReplicaPair, postgresTestUrl } from './postgres-env';
import { describeStoreSuite } from './store-suite';

const url = postgresTestUrl();

if (url) describeStoreSuite('PostgreSQL', () => openReplicaPair(url, 'suite'));
