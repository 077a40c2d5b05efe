/**
 * Vaults: listing, the PATCH long-running operation, and settings Azure never lets you undo.
 */
import { DEV_VAULT, Harness, type Json, NOW, PROD_VAULT, SUB } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});
beforeEach(() => h.reset({ preset: 'demo', now: NOW }));
afterAll(() => h.close());

const patch = (vault: string, properties: unknown) => h.arm('PATCH', vault, { properties });
const state = async (vault: string) => (await h.arm('GET', vault)).body.properties;

test('vaults list per subscription and per resource group; replicated regions follow storage redundancy', async () => {
  const all = await h.arm('GET', `/subscriptions/${SUB}/providers/Microsoft.DataProtection/backupVaults`);
  const byName = Object.fromEntries(all.body.value.map((v: Json) => [v.name, v]));
  expect(Object.keys(byName).sort()).toEqual(['bv-dev-eastus2', 'bv-prod-eastus']);
  expect(byName['bv-prod-eastus'].properties.replicatedRegions).toEqual(['westus']);
  expect(byName['bv-prod-eastus'].properties.featureSettings.crossRegionRestoreSettings.state).toBe('Enabled');
  expect(byName['bv-dev-eastus2'].properties.replicatedRegions).toEqual([]);
  expect(byName['bv-dev-eastus2'].properties.storageSettings).toEqual([
    { datastoreType: 'VaultStore', type: 'LocallyRedundant' },
  ]);

  const inRg = await h.arm(
    'GET',
    `/subscriptions/${SUB}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/backupVaults`,
  );
  expect(inRg.body.value.map((v: Json) => v.name)).toEqual(['bv-dev-eastus2']);
  const noRg = await h.arm(
    'GET',
    `/subscriptions/${SUB}/resourceGroups/rg-unknown/providers/Microsoft.DataProtection/backupVaults`,
  );
  expect(noRg.status).toBe(404);
});

test('a PATCH answers 202, polls through the vault context, and ends with the updated vault', async () => {
  const trigger = await h.arm('PATCH', DEV_VAULT, {
    tags: { owner: 'dba' },
    properties: { monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: 'Disabled' } } },
  });
  expect(trigger.status).toBe(202);
  const statusUrl = trigger.headers.get('azure-asyncoperation') ?? '';
  expect(statusUrl).toContain(`${DEV_VAULT}/operationStatus/`);
  expect(trigger.headers.get('retry-after')).toBe('1');
  expect((await h.arm('GET', statusUrl)).body.status).toBe('Inprogress');
  expect((await h.arm('GET', trigger.headers.get('location') ?? '')).status).toBe(202);

  await h.advance(2);
  expect((await h.arm('GET', statusUrl)).body.status).toBe('Succeeded');
  const result = await h.arm('GET', trigger.headers.get('location') ?? '');
  expect(result.status).toBe(200);
  expect(result.body.tags).toEqual({ owner: 'dba' });
  expect(result.body.properties.monitoringSettings.azureMonitorAlertSettings.alertsForAllJobFailures).toBe('Disabled');
});

test('Cross Region Restore cannot be disabled once enabled, nor enabled on a LocallyRedundant vault', async () => {
  const disable = await patch(PROD_VAULT, { featureSettings: { crossRegionRestoreSettings: { state: 'Disabled' } } });
  expect(disable.status).toBe(400);
  expect(disable.body.error.code).toBe('BadRequest');
  expect((await state(PROD_VAULT)).featureSettings.crossRegionRestoreSettings.state).toBe('Enabled');

  const enableOnLrs = await patch(DEV_VAULT, { featureSettings: { crossRegionRestoreSettings: { state: 'Enabled' } } });
  expect(enableOnLrs.status).toBe(400);
  expect(enableOnLrs.body.error.code).toBe('BadRequest');
  expect((await state(DEV_VAULT)).featureSettings.crossRegionRestoreSettings.state).toBe('Disabled');
});

test('immutability can go Disabled → Unlocked → Locked, and never back from Locked', async () => {
  const immutability = (s: string) => ({ securitySettings: { immutabilitySettings: { state: s } } });
  expect((await patch(DEV_VAULT, immutability('Unlocked'))).status).toBe(202);
  expect((await patch(DEV_VAULT, immutability('Disabled'))).status).toBe(202);
  expect((await patch(DEV_VAULT, immutability('locked'))).status).toBe(202);
  expect((await state(DEV_VAULT)).securitySettings.immutabilitySettings.state).toBe('Locked');
  for (const back of ['Unlocked', 'Disabled']) {
    const answer = await patch(DEV_VAULT, immutability(back));
    expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 400, code: 'BadRequest' });
  }
  expect((await state(DEV_VAULT)).securitySettings.immutabilitySettings.state).toBe('Locked');
});

test('soft delete AlwaysOn is final; storage redundancy is not patchable; unknown enum values are refused', async () => {
  expect((await patch(DEV_VAULT, { securitySettings: { softDeleteSettings: { state: 'AlwaysOn' } } })).status).toBe(
    202,
  );
  const off = await patch(DEV_VAULT, { securitySettings: { softDeleteSettings: { state: 'Off' } } });
  expect(off.status).toBe(400);
  expect(off.body.error.code).toBe('BadRequest');

  const storage = await patch(PROD_VAULT, {
    storageSettings: [{ datastoreType: 'VaultStore', type: 'LocallyRedundant' }],
  });
  expect(storage.status).toBe(400);
  expect(storage.body.error.code).toBe('BadRequest');
  expect((await state(PROD_VAULT)).storageSettings[0].type).toBe('GeoRedundant');

  const bogus = await patch(DEV_VAULT, { securitySettings: { immutabilitySettings: { state: 'Sometimes' } } });
  expect(bogus.status).toBe(400);
  expect(bogus.body.error.code).toBe('InvalidRequestContent');
});

test('PUT creates a vault (201) and updates an existing one (200) under the same one-way rules', async () => {
  const path = `/subscriptions/${SUB}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/backupVaults/bv-new-westeurope`;
  const created = await h.arm('PUT', path, {
    location: 'West Europe',
    properties: { storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }] },
  });
  expect(created.status).toBe(201);
  expect(created.body.properties.replicatedRegions).toEqual(['northeurope']);
  const updated = await h.arm('PUT', path, {
    location: 'westeurope',
    properties: { featureSettings: { crossRegionRestoreSettings: { state: 'Enabled' } } },
  });
  expect(updated.status).toBe(200);
  expect(updated.body.properties.featureSettings.crossRegionRestoreSettings.state).toBe('Enabled');
  const undo = await h.arm('PUT', path, {
    location: 'westeurope',
    properties: { featureSettings: { crossRegionRestoreSettings: { state: 'Disabled' } } },
  });
  expect(undo.status).toBe(400);
});
