/**
 * The dialog harness of test/dialogs/support.ts (service, conversation and inventory wired as the composition
 * root wires them) plus the background refresher and the emulator's outage switch, with a client that gives up
 * at once on a 503 whose Retry-After is longer than it waits, so that an outage costs the tests no time.
 */
import type { Seed } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import { InventoryRefresher } from '../../src/restore/inventory';
import { admin } from '../restore/service/support';
import { type Harness, startHarness } from './support';

export interface DisasterHarness extends Harness {
  refresher: InventoryRefresher;
  outage(region: string, down: boolean): Promise<void>;
  /** ARM requests the emulator logged since the last `clearRequests`. */
  requests(): Promise<{ method: string; path: string; status: number }[]>;
  clearRequests(): Promise<void>;
}

export async function startDisasterHarness(options: { seed?: Seed } = {}): Promise<DisasterHarness> {
  const h = await startHarness(undefined, {
    ...(options.seed ? { seed: options.seed } : {}),
    client: { retry: { baseDelayMs: 20, maxDelayMs: 500 } },
  });
  const refresher = new InventoryRefresher({
    client: h.client,
    policy: h.policy,
    inventory: h.inventory,
    intervalMs: 0,
    logger: silentLogger,
  });
  const url = h.emulatorUrl;
  return {
    ...h,
    refresher,
    outage: async (region, down) => {
      await admin(url, 'POST', 'outage', { region, down });
    },
    requests: async () =>
      ((await admin(url, 'GET', 'requests')) as { requests: { method: string; path: string; status: number }[] })
        .requests,
    clearRequests: async () => {
      await admin(url, 'DELETE', 'requests');
    },
    close: async () => {
      await refresher.stop();
      await h.close();
    },
  };
}
