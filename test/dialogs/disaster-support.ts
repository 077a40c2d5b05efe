/**
 * The dialog harness of test/dialogs/support.ts with the inventory wired in as the composition root wires it
 * (service, conversation and refresher share one), and a client that gives up at once on a 503 whose
 * Retry-After is longer than it waits, so that an outage costs the tests no time.
 */
import type { DataProtectionClient } from '../../src/azure';
import { createConversationApp } from '../../src/dialogs';
import type { ConversationApp } from '../../src/dialogs/ports';
import type { Seed } from '../../src/emulator';
import { startEmulator } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import { NO_USER_GROUPS, Policy, policyFromData } from '../../src/restore';
import { InventoryRefresher, RestoreInventory } from '../../src/restore/inventory';
import { NO_CRASH, RestoreService } from '../../src/restore/service';
import { openStore, type Store } from '../../src/store';
import { admin, emulatorClient, fastForward } from '../restore/service/support';
import { RecordingPoster, TEST_POLICY, TestClock } from './support';

export interface DisasterHarness {
  app: ConversationApp;
  store: Store;
  client: DataProtectionClient;
  service: RestoreService;
  inventory: RestoreInventory;
  refresher: InventoryRefresher;
  poster: RecordingPoster;
  clock: TestClock;
  emulatorUrl: string;
  outage(region: string, down: boolean): Promise<void>;
  /** ARM requests the emulator logged since the last `clearRequests`. */
  requests(): Promise<{ method: string; path: string; status: number }[]>;
  clearRequests(): Promise<void>;
  close(): Promise<void>;
}

export async function startDisasterHarness(options: { seed?: Seed } = {}): Promise<DisasterHarness> {
  const emulator = await startEmulator({ port: 0, ...(options.seed ? { seed: options.seed } : { preset: 'demo' }) });
  const store = await openStore({ dataDir: 'memory://' });
  const client = emulatorClient(emulator.url, { retry: { baseDelayMs: 20, maxDelayMs: 500 } });
  const base = policyFromData(TEST_POLICY, 'test policy');
  const policy = new Policy(base.config, base.source);
  const clock = new TestClock();
  const poster = new RecordingPoster();
  const inventory = new RestoreInventory({ records: store.inventory, now: clock.now });
  const service = new RestoreService({
    store,
    policy,
    azure: client,
    userGroups: NO_USER_GROUPS,
    now: clock.now,
    logger: silentLogger,
    inventory,
    options: { crashHook: NO_CRASH },
  });
  const app = createConversationApp({
    service,
    client,
    policy,
    storage: store.dialogState,
    conversations: store.conversations,
    poster,
    userGroups: NO_USER_GROUPS,
    now: clock.now,
    logger: silentLogger,
    inventory,
  });
  const refresher = new InventoryRefresher({ client, policy, inventory, intervalMs: 0, logger: silentLogger });
  const forward = fastForward(emulator.url, 1, 100);
  return {
    app,
    store,
    client,
    service,
    inventory,
    refresher,
    poster,
    clock,
    emulatorUrl: emulator.url,
    outage: async (region, down) => {
      await admin(emulator.url, 'POST', 'outage', { region, down });
    },
    requests: async () =>
      (
        (await admin(emulator.url, 'GET', 'requests')) as {
          requests: { method: string; path: string; status: number }[];
        }
      ).requests,
    clearRequests: async () => {
      await admin(emulator.url, 'DELETE', 'requests');
    },
    close: async () => {
      await refresher.stop();
      await forward.stop();
      await store.close();
      await emulator.close();
    },
  };
}
