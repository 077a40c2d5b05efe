/**
 * Vault-setting requests on PostgreSQL with two replicas (two stores with their own pools on one schema): the
 * one-open-request rule and the one PATCH hold across processes, not only inside one.
 */
import type { DataProtectionClient } from '../../../src/azure';
import type { Policy } from '../../../src/restore';
import type { CreateVaultSettingInput, RestoreService } from '../../../src/restore/service';
import { openReplicaPair, postgresTestUrl } from '../../store/postgres-env';
import {
  dbas,
  type EmulatorHandle,
  emulatorClient,
  fastForward,
  loadDemoPolicy,
  oncall,
  requester,
  resetEmulator,
  serviceFor,
  startDemoEmulator,
} from './support';
import { postureSeed, VAULTS, vaultIdOf, vaultPatches } from './vault-setting-seed';

const url = postgresTestUrl();

if (url) {
  describe('vault-setting requests across two replicas (PostgreSQL)', () => {
    jest.setTimeout(60_000);
    let emulator: EmulatorHandle;
    let client: DataProtectionClient;
    let policy: Policy;
    let replicas: Awaited<ReturnType<typeof openReplicaPair>>;
    let one: RestoreService;
    let two: RestoreService;
    let clock: { stop(): Promise<void> };

    beforeAll(async () => {
      emulator = await startDemoEmulator();
      client = emulatorClient(emulator.url);
      policy = await loadDemoPolicy();
      replicas = await openReplicaPair(url, 'vault_setting');
      await resetEmulator(emulator.url, postureSeed() as unknown as Record<string, unknown>);
      one = serviceFor({ store: replicas.store, client, policy });
      two = serviceFor({ store: replicas.peer, client, policy });
      clock = fastForward(emulator.url);
    });
    afterAll(async () => {
      await clock.stop();
      await replicas.close();
      await emulator.close();
    });

    const lock: CreateVaultSettingInput = {
      requester,
      place: oncall,
      vault: { id: vaultIdOf(VAULTS.grsNoCrr), name: VAULTS.grsNoCrr, location: 'westeurope' },
      change: { setting: 'immutability', to: 'Locked' },
    };

    test('the same change asked on both replicas at once is stored once; approvals on both make one PATCH', async () => {
      const created = await Promise.all([
        one.createVaultSettingRequest(lock),
        two.createVaultSettingRequest(lock),
        one.createVaultSettingRequest(lock),
        two.createVaultSettingRequest(lock),
      ]);
      const stored = created.filter((c) => c.created);
      expect(stored).toHaveLength(1);
      for (const refused of created.filter((c) => !c.created)) {
        if (!refused.created) expect(refused.failures[0]!.code).toBe('VAULT_SETTING_ALREADY_REQUESTED');
      }
      const id = stored[0]!.created ? stored[0]!.request.id : '';

      const crowd = dbas(8);
      await Promise.allSettled(crowd.map((dba, i) => (i % 2 ? one : two).approve(id, dba, oncall)));
      await Promise.all([one.recover(), two.recover()]);
      expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
      expect((await two.get(id))!.state).toBe('succeeded');
    });
  });
}
