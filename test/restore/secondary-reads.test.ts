/**
 * The restore domain's reads of the secondary region stay bounded however many points were replicated: the
 * posture report finds each server's newest copy through time windows, and the prechecks find the chosen point
 * within its own time. Real client, real emulator, calls counted from the emulator's request log.
 */
import { recoveryPointName, recoveryPointTime } from '../../src/azure';
import { readPostureReport } from '../../src/restore';
import { precheckAzureOver } from '../../src/restore/azure-port';
import { instanceOf, PROD_VAULT, SUB, World } from '../integration/world';

const HOUR = 3_600_000;
const NOW = '2026-11-24T12:00:00.000Z';
const SERVERS = ['pg-busy-1', 'pg-busy-2'];
/** A CRR vault whose servers keep 5,000 hourly points each, the newest 2 h old; copies reach westus after 12 h. */
const MANY_POINTS_SEED = {
  now: NOW,
  secondaryLagHours: 12,
  retryAfterSeconds: 1,
  subscriptions: [
    {
      id: SUB,
      vaults: [
        {
          name: 'bv-prod-eastus',
          resourceGroup: 'rg-backup-prod',
          location: 'eastus',
          storageRedundancy: 'GeoRedundant',
          crossRegionRestore: 'Enabled',
          immutability: 'Unlocked',
          softDelete: 'On',
          instances: SERVERS.map((serverName) => ({
            serverName,
            recoveryPoints: { count: 5000, intervalHours: 1, newestAgeHours: 2 },
          })),
        },
      ],
    },
  ],
};

let world: World;
beforeAll(async () => {
  world = await World.start(MANY_POINTS_SEED);
});
afterAll(() => world.close());

const secondaryCalls = async () =>
  (await world.requests()).filter((r) => r.path.endsWith('/locations/westus/fetchSecondaryRecoveryPoints'));

test('the posture report reads each server’s newest copy in westus from one window, not 50 pages', async () => {
  const client = world.client();
  const vault = await client.getVault(PROD_VAULT);
  await world.clearRequests();

  const report = await readPostureReport(client, vault, { now: new Date(NOW) });

  expect(report.instances?.map((i) => i.serverName)).toEqual(SERVERS);
  for (const instance of report.instances ?? []) {
    expect(instance.secondary).toEqual({
      region: 'westus',
      newestTime: new Date(Date.parse(NOW) - 12 * HOUR).toISOString(),
      expectedTime: new Date(Date.parse(NOW) - 12 * HOUR).toISOString(),
      behindHours: 0,
      stale: false,
      restorable: true,
    });
  }
  expect(report.warnings.map((w) => w.code)).toEqual([]);
  // The 8-day window holds 181 replicated points: a POST and one GET on its nextLink, per server.
  const calls = await secondaryCalls();
  expect(calls.map((c) => c.method).sort()).toEqual(['GET', 'GET', 'POST', 'POST']);
  expect(calls.every((c) => decodeURIComponent(c.query).includes("startDate eq '"))).toBe(true);
});

test('the prechecks find the chosen point in westus with one call bounded by its time', async () => {
  const client = world.client();
  const instance = await instanceOf(client, PROD_VAULT, SERVERS[0]!);
  const chosen = await client.newestSecondaryRecoveryPoint(
    'westus',
    { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id },
    { before: new Date(Date.parse(NOW) - 3000 * HOUR) },
  );
  const at = new Date(recoveryPointTime(chosen!)).toISOString();
  const port = precheckAzureOver(client);
  await world.clearRequests();

  const found = await port.fetchSecondaryRecoveryPoints({
    secondaryRegion: 'westus',
    sourceRegion: 'eastus',
    backupInstanceId: instance.id,
    range: { startDate: at, endDate: at },
  });

  expect(found.map((p) => p.name)).toEqual([recoveryPointName(chosen!)]);
  expect(await secondaryCalls()).toHaveLength(1);

  // A point not replicated yet (2 h old, the lag is 12 h) is not in its window: the prechecks say so.
  const recent = new Date(Date.parse(NOW) - 2 * HOUR).toISOString();
  const missing = await port.fetchSecondaryRecoveryPoints({
    secondaryRegion: 'westus',
    sourceRegion: 'eastus',
    backupInstanceId: instance.id,
    range: { startDate: recent, endDate: recent },
  });
  expect(missing).toEqual([]);
});
