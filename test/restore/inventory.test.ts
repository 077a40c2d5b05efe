/**
 * The inventory: stored on both backends (an older read never overwrites a newer one, a complete listing
 * forgets deleted vaults), refreshed from the emulator over HTTP, kept as it was for a region that is down,
 * and aged by the clock.
 */
import { AzureError, type BackupVaultResource, type DataProtectionClient, parseVaultId } from '../../src/azure';
import type { RunningEmulator } from '../../src/emulator';
import { startEmulator } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import {
  ageWords,
  asOf,
  InventoryRefresher,
  isRegionUnreachable,
  RegionOutages,
  RestoreInventory,
} from '../../src/restore/inventory';
import { openStore, type Store } from '../../src/store';
import { openReplicaPair, postgresTestUrl } from '../store/postgres-env';
import { admin, emulatorClient, PROD_VAULT_ID, SUBSCRIPTION } from './service/support';

jest.setTimeout(30_000);

const DEV_VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/backupVaults/bv-dev-eastus2`;

function vault(id: string, redundancy = 'GeoRedundant'): BackupVaultResource {
  return {
    id,
    name: id.split('/').pop()!,
    type: 'Microsoft.DataProtection/backupVaults',
    location: 'eastus',
    properties: { storageSettings: [{ datastoreType: 'VaultStore', type: redundancy }] },
  };
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 12, minute));

function describeInventoryStore(backend: string, open: () => Promise<{ store: Store; close(): Promise<void> }>) {
  describe(`inventory records on ${backend}`, () => {
    let db: { store: Store; close(): Promise<void> };
    beforeAll(async () => {
      db = await open();
    });
    afterAll(() => db?.close());
    beforeEach(() => db.store.exec('TRUNCATE inventory_vaults'));

    test('a vault and its instances, found again whatever the case of the id', async () => {
      const records = db.store.inventory;
      await records.putVaults(SUBSCRIPTION, [{ vaultId: PROD_VAULT_ID, vault: vault(PROD_VAULT_ID) }], at(0));
      expect(await records.putInstances(PROD_VAULT_ID.toUpperCase(), [{ id: 'i1' }], at(1))).toBe(true);
      const found = await records.getVault(PROD_VAULT_ID.replace('backupVaults', 'BackupVaults'));
      expect(found).toMatchObject({
        vaultId: PROD_VAULT_ID,
        subscriptionId: SUBSCRIPTION,
        refreshedAt: at(0),
        instances: [{ id: 'i1' }],
        instancesRefreshedAt: at(1),
      });
      expect(await records.putInstances(DEV_VAULT_ID, [{ id: 'i2' }], at(1))).toBe(false);
    });

    test('an older read never overwrites a newer one', async () => {
      const records = db.store.inventory;
      await records.putVaults(SUBSCRIPTION, [{ vaultId: PROD_VAULT_ID, vault: vault(PROD_VAULT_ID) }], at(10));
      await records.putVaults(
        SUBSCRIPTION,
        [{ vaultId: PROD_VAULT_ID, vault: vault(PROD_VAULT_ID, 'LocallyRedundant') }],
        at(5),
      );
      await records.putInstances(PROD_VAULT_ID, [{ id: 'new' }], at(10));
      expect(await records.putInstances(PROD_VAULT_ID, [{ id: 'old' }], at(5))).toBe(true);
      const found = await records.getVault<BackupVaultResource>(PROD_VAULT_ID);
      expect(found?.vault.properties.storageSettings[0]?.type).toBe('GeoRedundant');
      expect(found?.refreshedAt).toEqual(at(10));
      expect(found?.instances).toEqual([{ id: 'new' }]);
    });

    test('a complete listing forgets the vaults it no longer has; a partial one does not', async () => {
      const records = db.store.inventory;
      const both = [PROD_VAULT_ID, DEV_VAULT_ID].map((id) => ({ vaultId: id, vault: vault(id) }));
      await records.putVaults(SUBSCRIPTION, both, at(0), { complete: true });
      await records.putVaults(SUBSCRIPTION, both.slice(0, 1), at(1));
      expect((await records.listVaults()).map((v) => v.vaultId)).toHaveLength(2);
      await records.putVaults(SUBSCRIPTION, both.slice(0, 1), at(2), { complete: true });
      expect((await records.listVaults()).map((v) => v.vaultId)).toEqual([PROD_VAULT_ID]);
    });
  });
}

describeInventoryStore('PGlite', async () => {
  const store = await openStore({ dataDir: 'memory://' });
  return { store, close: () => store.close() };
});
const url = postgresTestUrl();
if (url) describeInventoryStore('PostgreSQL', () => openReplicaPair(url, 'inventory'));

describe('the refresher, against the emulator', () => {
  let emulator: RunningEmulator;
  let store: Store;
  let client: DataProtectionClient;
  let clock: { offsetMs: number; now: () => Date };
  let inventory: RestoreInventory;
  let refresher: InventoryRefresher;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, preset: 'demo' });
    store = await openStore({ dataDir: 'memory://' });
    // A Retry-After above maxDelayMs surfaces at once: an outage costs no waiting here.
    client = emulatorClient(emulator.url, { retry: { baseDelayMs: 20, maxDelayMs: 500 } });
    clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
    inventory = new RestoreInventory({ records: store.inventory, now: clock.now });
    const policy = { subscriptionsInScope: (visible: readonly string[]) => [...visible] };
    refresher = new InventoryRefresher({ client, policy, inventory, intervalMs: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await refresher?.stop();
    await store?.close();
    await emulator?.close();
  });

  test('cold until the first refresh; then every vault and instance, with ids, regions and CRR state', async () => {
    expect(await inventory.isCold()).toBe(true);
    const report = await refresher.refresh();
    expect(report).toMatchObject({ vaults: 2, instances: 3, unreachable: [], errors: [] });
    const known = await inventory.vaults();
    expect(known.map((k) => [k.vault.name, k.vault.location, k.instances?.length])).toEqual([
      ['bv-dev-eastus2', 'eastus2', 1],
      ['bv-prod-eastus', 'eastus', 2],
    ]);
    const prod = await inventory.vault(PROD_VAULT_ID);
    expect(prod?.vault.properties.featureSettings?.crossRegionRestoreSettings?.state).toBe('Enabled');
    expect(prod?.vault.properties.replicatedRegions).toEqual(['westus']);
    expect(prod?.instances?.map((i) => i.properties.dataSourceInfo.resourceName).sort()).toEqual([
      'pg-orders-prod',
      'pg-payments-prod',
    ]);
    expect(prod?.instances?.[0]?.id).toMatch(/\/backupVaults\/bv-prod-eastus\/backupInstances\//);
    expect(Date.now() - prod!.refreshedAt.getTime()).toBeLessThan(10_000);
  });

  test('a region that is down keeps its last known instances, and is remembered as down', async () => {
    const before = await inventory.vault(PROD_VAULT_ID);
    clock.offsetMs = 3 * 3_600_000;
    await admin(emulator.url, 'POST', 'outage', { region: 'eastus', down: true });
    try {
      const report = await refresher.refresh();
      expect(report.unreachable).toEqual([{ vaultId: PROD_VAULT_ID, region: 'eastus', code: 'ServiceUnavailable' }]);
      const prod = await inventory.vault(PROD_VAULT_ID);
      expect(prod?.instances).toEqual(before?.instances);
      expect(prod?.instancesRefreshedAt).toEqual(before?.instancesRefreshedAt);
      // The vault list is not regional (ARM answers it), so the vault itself is fresh.
      expect(prod!.refreshedAt.getTime()).toBeGreaterThan(before!.refreshedAt.getTime());
      expect(inventory.outage('East US')).toMatchObject({ region: 'eastus', code: 'ServiceUnavailable' });
      expect(inventory.outage('eastus2')).toBeUndefined();
      // How old the instance list is, as people read it.
      expect(asOf(prod!.instancesRefreshedAt!, clock.now())).toMatch(/ UTC \(3 hours ago\)$/);
    } finally {
      await admin(emulator.url, 'POST', 'outage', { region: 'eastus', down: false });
    }
    await refresher.refresh();
    expect(inventory.outage('eastus')).toBeUndefined();
  });

  test('a vault deleted in Azure leaves the inventory at the next complete refresh', async () => {
    await admin(emulator.url, 'POST', 'reset', {
      subscriptions: [
        {
          id: SUBSCRIPTION,
          vaults: [{ name: 'bv-dev-eastus2', resourceGroup: 'rg-backup-dev', location: 'eastus2', instances: [] }],
        },
      ],
    });
    try {
      await refresher.refresh();
      const known = await inventory.vaults();
      expect(known.map((k) => parseVaultId(k.vaultId).vaultName)).toEqual(['bv-dev-eastus2']);
      expect(known[0]?.instances).toEqual([]);
    } finally {
      await admin(emulator.url, 'POST', 'reset', { preset: 'demo' });
    }
  });
});

test('ages read the way people say them', () => {
  expect([0, 59, 60, 7_199, 7_200, 86_400 * 3].map(ageWords)).toEqual([
    'just now',
    'just now',
    '1 minute ago',
    '1 hour ago',
    '2 hours ago',
    '3 days ago',
  ]);
});

test('a region that failed is skipped for a minute, keeps when it started failing, and is back once it answers', () => {
  const outages = new RegionOutages(60_000);
  const down = new AzureError('AZURE_UNAVAILABLE', 'down', { status: 503, armCode: 'ServiceUnavailable' });
  outages.noteUnreachable('East US', down, at(0));
  outages.noteUnreachable('eastus', down, at(1));
  expect(outages.current('eastus', new Date(at(1).getTime() + 59_000))).toMatchObject({
    region: 'eastus',
    code: 'ServiceUnavailable',
    since: at(0),
  });
  expect(outages.current('eastus', at(2))).toBeUndefined();
  outages.noteAnswered('EASTUS');
  expect(outages.any(at(1))).toBe(false);
});

test('only "could not be read" counts as a region not answering, not throttling or a refusal', () => {
  const error = (code: ConstructorParameters<typeof AzureError>[0], status?: number) =>
    new AzureError(code, code, status === undefined ? {} : { status });
  expect(isRegionUnreachable(error('AZURE_UNAVAILABLE', 503))).toBe(true);
  expect(isRegionUnreachable(error('AZURE_TIMEOUT'))).toBe(true);
  expect(isRegionUnreachable(error('AZURE_NETWORK'))).toBe(true);
  expect(isRegionUnreachable(error('AZURE_THROTTLED', 429))).toBe(false);
  expect(isRegionUnreachable(error('AZURE_NOT_FOUND', 404))).toBe(false);
  expect(isRegionUnreachable(error('AZURE_FORBIDDEN', 403))).toBe(false);
  expect(isRegionUnreachable({ code: 'ServiceUnavailable', message: 'down', status: 503 })).toBe(true);
  expect(isRegionUnreachable({ code: 'ECONNREFUSED', message: 'refused' })).toBe(true);
});
