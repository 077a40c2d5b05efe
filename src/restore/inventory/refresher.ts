import type { BackupVaultResource, DataProtectionClient } from '../../azure';
import { asBotError } from '../../errors';
import { type Logger, silentLogger } from '../../log';
import type { Policy } from '../policy';
import { forEachLimited } from './each-limited';
import type { RestoreInventory } from './inventory';
import { isRegionUnreachable, outageCodeOf } from './outage';

export type InventoryClient = Pick<
  DataProtectionClient,
  'listSubscriptions' | 'listVaultsInSubscription' | 'listBackupInstances'
>;

export interface InventoryRefresherOptions {
  client: InventoryClient;
  policy: Pick<Policy, 'subscriptionsInScope'>;
  inventory: RestoreInventory;
  /** Time between background refreshes; 0 = none (the inventory is then refreshed on use only). */
  intervalMs: number;
  logger?: Logger;
  /** Vaults whose instances are listed at once (each listing is one or a few ARM reads). */
  concurrency?: number;
}

export interface InventoryRefreshReport {
  startedAt: Date;
  vaults: number;
  instances: number;
  /** Vaults whose region did not answer: their stored instances were kept as they were. */
  unreachable: { vaultId: string; region: string; code: string }[];
  /** Anything else that went wrong (a subscription that could not be listed, a refused read). */
  errors: { what: string; code: string; message: string }[];
}

const DEFAULT_CONCURRENCY = 4;

/**
 * Keeps the inventory warm: lists the subscriptions in scope, their vaults and each vault's instances, and
 * stores what answered. A region that does not answer keeps its last known instances (and is noted as down);
 * a subscription that cannot be listed keeps its last known vaults. Runs once at start and then every
 * `intervalMs`, never twice at the same time in one process; several replicas refreshing is harmless (an
 * older read never overwrites a newer one).
 */
export class InventoryRefresher {
  readonly #options: InventoryRefresherOptions;
  readonly #logger: Logger;
  #running: Promise<InventoryRefreshReport> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: InventoryRefresherOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Refreshes now; joins the refresh already under way, if any. */
  refresh(): Promise<InventoryRefreshReport> {
    this.#running ??= this.#refreshOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Starts the background refreshes: the first one now (without waiting for it), then every interval. */
  start(): void {
    if (this.#stopped) return;
    void this.#tick();
  }

  /** Stops the background refreshes and waits for one under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #tick(): Promise<void> {
    try {
      const report = await this.refresh();
      this.#logger.info('inventory refreshed', {
        vaults: report.vaults,
        instances: report.instances,
        unreachable: report.unreachable.length,
        errors: report.errors.length,
      });
    } catch (error) {
      this.#logger.error('inventory refresh failed; will retry', { error });
    }
    if (this.#stopped || this.#options.intervalMs <= 0) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  async #refreshOnce(): Promise<InventoryRefreshReport> {
    const { client, policy, inventory } = this.#options;
    const report: InventoryRefreshReport = {
      startedAt: inventory.now(),
      vaults: 0,
      instances: 0,
      unreachable: [],
      errors: [],
    };
    let visible: string[];
    try {
      visible = (await client.listSubscriptions().toArray()).map((s) => s.subscriptionId);
    } catch (error) {
      report.errors.push(problem('listing subscriptions', error));
      return report;
    }
    const vaults: BackupVaultResource[] = [];
    for (const subscriptionId of policy.subscriptionsInScope(visible)) {
      const at = inventory.now();
      try {
        const listed = await client.listVaultsInSubscription(subscriptionId).toArray();
        await inventory.recordVaultListing(subscriptionId, listed, { at, complete: true });
        vaults.push(...listed);
      } catch (error) {
        report.errors.push(problem(`listing the vaults of subscription ${subscriptionId}`, error));
      }
    }
    report.vaults = vaults.length;
    await forEachLimited(vaults, this.#options.concurrency ?? DEFAULT_CONCURRENCY, async (vault) => {
      const at = inventory.now();
      try {
        const instances = await client.listBackupInstances(vault.id).toArray();
        await inventory.recordInstances(vault.id, instances, { at });
        inventory.noteAnswered(vault.location);
        report.instances += instances.length;
      } catch (error) {
        if (isRegionUnreachable(error)) {
          const outage = inventory.noteUnreachable(vault.location, error);
          report.unreachable.push({ vaultId: vault.id, region: outage.region, code: outage.code });
        } else {
          report.errors.push(problem(`listing the instances of ${vault.name}`, error));
        }
      }
    });
    return report;
  }
}

function problem(what: string, error: unknown): { what: string; code: string; message: string } {
  const { code, message } = isRegionUnreachable(error) ? outageCodeOf(error) : asBotError(error);
  return { what, code, message };
}
