import { type BackupInstanceResource, type BackupVaultResource, parseVaultId } from '../../azure';
import { normalizeRegion } from '../../azure/regions';
import { type Logger, silentLogger } from '../../log';
import type { InventoryRecords, InventoryVaultRecord } from '../../store';
import { DEFAULT_OUTAGE_MEMORY_MS, type RegionOutage, RegionOutages } from './outage';
import { storedInstanceOf, storedVaultOf } from './stored';

/** A vault as the bot last saw it, with its backup instances when they were listed. */
export type KnownVault = InventoryVaultRecord<BackupVaultResource, BackupInstanceResource>;

export interface RestoreInventoryOptions {
  records: InventoryRecords;
  now: () => Date;
  /** How long a region that failed is left alone before it is asked again (default one minute). */
  outageMemoryMs?: number;
  /** Writes "on use" of the same vault or listing closer together than this are skipped (default one minute). */
  onUseWriteIntervalMs?: number;
  logger?: Logger;
}

/**
 * When the data was read from Azure, and whether the read was made for a person (the wizard, the prechecks):
 * such writes are skipped when the same thing was stored moments ago, so that a busy conversation does not
 * add a store write to every turn. The refresher always writes.
 */
export interface RecordOptions {
  at: Date;
  onUse?: boolean;
}

const DEFAULT_ON_USE_WRITE_INTERVAL_MS = 60_000;

/**
 * The bot's inventory: what it last read of every vault in scope and the instances each protects (ids,
 * regions, redundancy, Cross Region Restore), kept in the store by the background refresher and by every
 * successful listing the conversation makes. During an outage of a vault's region it is what the wizard lists
 * and what the prechecks read, always said with its age. It also remembers which regions failed recently.
 *
 * Writes "on use" never fail the caller: a store hiccup costs freshness, not the person's restore.
 */
export class RestoreInventory {
  readonly #records: InventoryRecords;
  readonly #outages: RegionOutages;
  readonly #logger: Logger;
  readonly #onUseIntervalMs: number;
  /** Key → when this process last stored it (ms, by `now`). */
  readonly #written = new Map<string, number>();
  readonly now: () => Date;

  constructor(options: RestoreInventoryOptions) {
    this.#records = options.records;
    this.now = options.now;
    this.#outages = new RegionOutages(options.outageMemoryMs ?? DEFAULT_OUTAGE_MEMORY_MS);
    this.#onUseIntervalMs = options.onUseWriteIntervalMs ?? DEFAULT_ON_USE_WRITE_INTERVAL_MS;
    this.#logger = options.logger ?? silentLogger;
  }

  // ---- what is known ---------------------------------------------------------------------------------

  vault(vaultId: string): Promise<KnownVault | undefined> {
    return this.#records.getVault<BackupVaultResource, BackupInstanceResource>(vaultId);
  }

  vaults(): Promise<KnownVault[]> {
    return this.#records.listVaults<BackupVaultResource, BackupInstanceResource>();
  }

  /** True when nothing was ever stored: during an outage the bot then has no ids to restore with. */
  async isCold(): Promise<boolean> {
    return (await this.vaults()).length === 0;
  }

  // ---- recording what Azure answered -------------------------------------------------------------------

  /** A listing of the vaults of one subscription; `complete` when every page was read. */
  async recordVaultListing(
    subscriptionId: string,
    vaults: readonly BackupVaultResource[],
    options: RecordOptions & { complete: boolean },
  ): Promise<void> {
    await this.#write(`listing:${subscriptionId}`, options, () =>
      this.#records.putVaults(
        subscriptionId,
        vaults.map((vault) => ({ vaultId: vault.id, vault: storedVaultOf(vault) })),
        options.at,
        { complete: options.complete },
      ),
    );
  }

  async recordVault(vault: BackupVaultResource, options: RecordOptions): Promise<void> {
    const subscriptionId = parseVaultId(vault.id).subscriptionId;
    await this.#write(`vault:${vault.id}`, options, () =>
      this.#records.putVaults(subscriptionId, [{ vaultId: vault.id, vault: storedVaultOf(vault) }], options.at),
    );
  }

  /** The complete listing of a vault's instances. Ignored for a vault not stored (nothing to attach it to). */
  async recordInstances(
    vaultId: string,
    instances: readonly BackupInstanceResource[],
    options: RecordOptions,
  ): Promise<void> {
    await this.#write(`instances:${vaultId}`, options, () =>
      this.#records.putInstances(vaultId, instances.map(storedInstanceOf), options.at),
    );
  }

  // ---- regions that do not answer ----------------------------------------------------------------------

  /** The region's outage when it failed recently (its reads are then skipped), else undefined. */
  outage(region: string): RegionOutage | undefined {
    return this.#outages.current(region, this.now());
  }

  noteUnreachable(region: string, error: unknown): RegionOutage {
    const outage = this.#outages.noteUnreachable(region, error, this.now());
    this.#logger.warn('inventory: region not answering; using stored knowledge', {
      region: outage.region,
      code: outage.code,
    });
    return outage;
  }

  noteAnswered(region: string): void {
    this.#outages.noteAnswered(normalizeRegion(region));
  }

  /** Whether any region failed recently: only then is it worth reading the store before asking Azure. */
  anyOutage(): boolean {
    return this.#outages.any(this.now());
  }

  async #write(key: string, options: RecordOptions, write: () => Promise<unknown>): Promise<void> {
    const id = key.toLowerCase();
    const now = this.now().getTime();
    const last = this.#written.get(id);
    if (options.onUse && last !== undefined && now - last >= 0 && now - last < this.#onUseIntervalMs) return;
    try {
      await write();
      this.#written.set(id, now);
    } catch (error) {
      this.#logger.warn('inventory: could not store what Azure answered', { key, error });
    }
  }
}
