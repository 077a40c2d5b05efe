import { openReplicaPair, postgresTestUrl } from '../../store/postgres-env';
import { describeServiceSuite } from './service-suite';

const url = postgresTestUrl();

if (url) describeServiceSuite('PostgreSQL', () => openReplicaPair(url, 'service'));
