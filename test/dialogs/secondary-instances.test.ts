/**
 * Issue 7.3: the server step says, per server, whether it can be restored in the vault's secondary region now
 * (Cross Region Restore usable and at least one point replicated there), as the portal's "Instance Region ==
 * Secondary Region" filter does; restoring there, servers with nothing replicated yet cannot be picked.
 */
import { vaultSummary } from '../../src/dialogs';
import { instanceSummary } from '../../src/dialogs/data/instances';
import { secondaryAvailability } from '../../src/dialogs/data/secondary-availability';
import type { Seed } from '../../src/emulator';
import { admin, PROD_VAULT_ID, SUBSCRIPTION } from '../restore/service/support';
import { type DisasterHarness, startDisasterHarness } from './disaster-support';
import { action, Chat, requester } from './support';

jest.setTimeout(30_000);

/** A vault whose CRR was enabled lately: pg-fresh's only backup is 2 h old, younger than the 12 h lag. */
const NEW_CRR_SEED: Seed = {
  secondaryLagHours: 12,
  retryAfterSeconds: 1,
  subscriptions: [
    {
      id: SUBSCRIPTION,
      vaults: [
        {
          name: 'bv-new-crr',
          resourceGroup: 'rg-backup-new',
          location: 'eastus',
          replicatedRegion: 'westus',
          storageRedundancy: 'GeoRedundant',
          crossRegionRestore: 'Enabled',
          immutability: 'Unlocked',
          softDelete: 'On',
          instances: [
            { serverName: 'pg-fresh', recoveryPoints: { count: 1, intervalHours: 168, newestAgeHours: 2 } },
            { serverName: 'pg-settled', recoveryPoints: { count: 3, intervalHours: 168, newestAgeHours: 30 } },
          ],
        },
      ],
    },
  ],
};

let h: DisasterHarness;
beforeAll(async () => {
  h = await startDisasterHarness();
});
afterAll(() => h?.close());

test('demo vault: both servers restorable in westus, and pg-payments-prod says its newest backup is not there yet', async () => {
  const chat = new Chat(h.app);
  const [vaultStep] = await chat.say(requester, 'restore');
  const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
  const [serverStep] = await chat.choose(requester, regionStep!, 'Primary');

  expect(serverStep!.title).toBe('Pick the PostgreSQL server');
  const options = serverStep!.choices!.options;
  expect(options.map((o) => [o.label, o.disabled ?? false])).toEqual([
    ['pg-orders-prod', false],
    ['pg-payments-prod', false],
  ]);
  expect(options[0]!.description).toMatch(
    /^westus now: newest copy \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(1 day ago\) · /,
  );
  expect(options[1]!.description).toMatch(
    /^westus now: newest copy \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(7 days ago\); newest backup \(6 hours ago\) not there yet · /,
  );
  expect(serverStep!.text).toContain(
    "2 of 2 servers can be restored in westus now (the portal's Instance Region = Secondary Region view).",
  );
});

test('restoring in the secondary region, a server with nothing replicated yet is shown but cannot be picked', async () => {
  await admin(h.emulatorUrl, 'POST', 'reset', NEW_CRR_SEED);
  try {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-new-crr');
    const [serverStep] = await chat.choose(requester, regionStep!, 'Secondary');

    const [fresh, settled] = serverStep!.choices!.options;
    expect(fresh).toMatchObject({ label: 'pg-fresh', disabled: true });
    expect(fresh!.description).toMatch(/^not in westus yet: no recovery point has been replicated there/);
    expect(settled).toMatchObject({ label: 'pg-settled' });
    expect(settled!.disabled).toBeUndefined();
    expect(serverStep!.text).toContain(
      "1 of 2 servers can be restored in westus now (the portal's Instance Region = Secondary Region view).",
    );

    // A forged (or stale) click on the disabled server is refused like any choice that was not offered.
    const refused = await chat.submit(requester, action(serverStep!, 'choose'), { instance: fresh!.value });
    expect(refused[0]!.error!.code).toBe('CHOICE_NOT_AVAILABLE');
    const [pointStep] = await chat.choose(requester, serverStep!, 'pg-settled');
    expect(pointStep!.title).toBe('Pick a recovery point');
  } finally {
    await admin(h.emulatorUrl, 'POST', 'reset', { preset: 'demo' });
  }
});

test('secondaryAvailability: the newest copy in westus, one call per server for weekly points, and nothing asked for a vault without CRR', async () => {
  const prod = vaultSummary(await h.client.getVault(PROD_VAULT_ID));
  const instances = (await h.client.listBackupInstances(PROD_VAULT_ID).toArray()).map(instanceSummary);
  await h.clearRequests();
  const available = await secondaryAvailability(h.client, prod, instances);
  const hoursOld = (iso: string | undefined) => Math.round((Date.now() - Date.parse(iso ?? '')) / 3_600_000);
  // pg-orders-prod's newest (30 h) is replicated; pg-payments-prod's (6 h) is not yet, so its newest copy is
  // the weekly one before it.
  expect(available.map((a) => [a.available, a.region, hoursOld(a.newestThere)])).toEqual([
    [true, 'westus', 30],
    [true, 'westus', 6 + 168],
  ]);
  const calls = await h.requests();
  expect(calls.map((c) => c.method)).toEqual(['POST', 'POST']);
  expect(calls.every((c) => c.path.endsWith('/locations/westus/fetchSecondaryRecoveryPoints'))).toBe(true);

  const dev = vaultSummary(
    await h.client.getVault(
      PROD_VAULT_ID.replace('rg-backup-prod', 'rg-backup-dev').replace('bv-prod-eastus', 'bv-dev-eastus2'),
    ),
  );
  await h.clearRequests();
  const none = await secondaryAvailability(h.client, dev, [{ id: `${dev.id}/backupInstances/x` }]);
  expect(none).toEqual([
    {
      instanceId: `${dev.id}/backupInstances/x`,
      region: 'centralus',
      available: false,
      reason: 'the vault is LocallyRedundant; Cross Region Restore needs a GeoRedundant vault',
    },
  ]);
  expect(await h.requests()).toEqual([]);
});

/** A CRR vault whose servers keep 5,000 hourly points each (the newest 1 h old): 50 list pages per server. */
const SERVERS_WITH_MANY_POINTS = ['pg-busy-1', 'pg-busy-2', 'pg-busy-3'];
const MANY_POINTS_SEED: Seed = {
  secondaryLagHours: 12,
  retryAfterSeconds: 1,
  subscriptions: [
    {
      id: SUBSCRIPTION,
      vaults: [
        {
          name: 'bv-busy',
          resourceGroup: 'rg-backup-busy',
          location: 'eastus',
          replicatedRegion: 'westus',
          storageRedundancy: 'GeoRedundant',
          crossRegionRestore: 'Enabled',
          immutability: 'Unlocked',
          softDelete: 'On',
          instances: SERVERS_WITH_MANY_POINTS.map((serverName) => ({
            serverName,
            recoveryPoints: { count: 5000, intervalHours: 1, newestAgeHours: 1 },
          })),
        },
      ],
    },
  ],
};

test('the server step of a CRR vault with 5,000 points per server reads a few windows, not every point', async () => {
  await admin(h.emulatorUrl, 'POST', 'reset', MANY_POINTS_SEED);
  try {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-busy');
    await h.clearRequests();
    const [serverStep] = await chat.choose(requester, regionStep!, 'Primary');

    const options = serverStep!.choices!.options;
    expect(options.map((o) => o.label)).toEqual(SERVERS_WITH_MANY_POINTS);
    // The newest copy in westus is the one that passed the 12 h lag; the newest backup (1 h) is not there yet.
    for (const option of options) {
      expect(option.description).toMatch(
        /^westus now: newest copy \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(12 hours ago\); newest backup \(1 hour ago\) not there yet/,
      );
    }
    const calls = await h.requests();
    const perServer = (part: string) => calls.filter((c) => c.path.includes(part)).length / options.length;
    // Each server: one 8-day window (2 pages) for the newest copy in westus and one for the newest backup in
    // the vault, plus the listing of the servers. Reading every replicated point was 50 + 2 calls per server.
    expect(perServer('/fetchSecondaryRecoveryPoints')).toBe(2);
    expect(perServer('/recoveryPoints')).toBe(2);
    expect(calls.length).toBe(options.length * 4 + 1);
  } finally {
    await admin(h.emulatorUrl, 'POST', 'reset', { preset: 'demo' });
  }
});
