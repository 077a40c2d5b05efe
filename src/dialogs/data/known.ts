import { type BackupVaultResource, lastSegment, parseVaultId } from '../../azure';
import { BotError } from '../../errors';
import type { Policy } from '../../restore';
import {
  isRegionUnreachable,
  type KnownVault,
  outageCodeOf,
  type RegionOutage,
  type RestoreInventory,
} from '../../restore/inventory';
import type { ConversationAzure } from '../deps';
import { say } from '../messages';
import { timeLabel } from '../time-labels';
import { type InstanceSummary, instanceSummary } from './instances';
import { type VaultSummary, vaultSummary } from './vaults';

/**
 * The wizard's reads of vaults and instances, with the inventory behind them: a read that succeeds updates
 * the inventory ("on use"); a read that fails because the vault's region does not answer is answered from the
 * inventory, saying how old that knowledge is. A region that failed recently is not asked again for a
 * while (see RegionOutages), so a disaster-day wizard does not wait out Azure's retries on every step.
 */

export type KnownDeps = {
  client: ConversationAzure;
  policy: Pick<Policy, 'subscriptionsInScope' | 'isSubscriptionInScope'>;
  inventory?: RestoreInventory;
  now: () => Date;
};

/** Disaster-day mode: the vault's own region does not answer, so the wizard works from the inventory. */
export interface Degraded {
  /** The vault's region, which does not answer. */
  region: string;
  /** What Azure answered there (`ServiceUnavailable`, …). */
  code: string;
  /** ISO time the bot first saw it fail. */
  since: string;
  /** ISO time the vault's settings were last read from Azure. */
  vaultKnownAt: string;
  /** ISO time its servers were last listed, once the wizard listed them from the inventory. */
  instancesKnownAt?: string;
}

/** The code of the BotError raised when the inventory has nothing to stand in with. */
export const INVENTORY_COLD = 'INVENTORY_COLD';

function degradedOf(outage: RegionOutage, known: KnownVault): Degraded {
  return {
    region: outage.region,
    code: outage.code,
    since: outage.since.toISOString(),
    vaultKnownAt: known.refreshedAt.toISOString(),
    ...(known.instancesRefreshedAt && { instancesKnownAt: known.instancesRefreshedAt.toISOString() }),
  };
}

function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown } | null)?.status;
  return typeof value === 'number' ? value : undefined;
}

// ---- vaults ------------------------------------------------------------------------------------------

export type VaultListing =
  | { from: 'azure'; vaults: VaultSummary[] }
  | { from: 'inventory'; vaults: VaultSummary[]; code: string; knownAt: Date };

/**
 * Vaults in the policy's subscriptions, in listing order, up to `limit` (pass one more than you show to learn
 * whether there are more). Each subscription listed to its end is stored as complete; when Azure cannot be
 * asked, the stored vaults of those subscriptions are answered instead.
 */
export async function listVaultsKnown(deps: KnownDeps, limit = Number.POSITIVE_INFINITY): Promise<VaultListing> {
  const { client, policy, inventory } = deps;
  try {
    const visible = (await client.listSubscriptions().toArray()).map((s) => s.subscriptionId);
    const vaults: VaultSummary[] = [];
    for (const subscriptionId of policy.subscriptionsInScope(visible)) {
      const at = deps.now();
      const listed: BackupVaultResource[] = [];
      let complete = true;
      for await (const vault of client.listVaultsInSubscription(subscriptionId)) {
        listed.push(vault);
        vaults.push(vaultSummary(vault));
        if (vaults.length >= limit) {
          complete = false;
          break;
        }
      }
      await inventory?.recordVaultListing(subscriptionId, listed, { at, complete, onUse: true });
      if (vaults.length >= limit) break;
    }
    return { from: 'azure', vaults };
  } catch (error) {
    if (!inventory || !isRegionUnreachable(error)) throw error;
    const known = (await inventory.vaults()).filter((k) => policy.isSubscriptionInScope(k.subscriptionId));
    const { code } = outageCodeOf(error);
    if (known.length === 0) throw new BotError(INVENTORY_COLD, say('INVENTORY_COLD_VAULTS', { code }), { code });
    const oldest = known.reduce((a, b) => (a.refreshedAt <= b.refreshedAt ? a : b)).refreshedAt;
    return {
      from: 'inventory',
      vaults: known.slice(0, limit).map((k) => vaultSummary(k.vault)),
      code,
      knownAt: oldest,
    };
  }
}

/**
 * A vault the policy allows, read fresh (it may have been deleted or changed since it was listed). When its
 * region does not answer, the stored vault, marked degraded; undefined when it is gone or out of scope.
 */
export async function readVaultKnown(
  deps: KnownDeps,
  vaultId: string,
): Promise<{ vault: VaultSummary; degraded?: Degraded } | undefined> {
  if (!deps.policy.isSubscriptionInScope(parseVaultId(vaultId).subscriptionId)) return undefined;
  const inventory = deps.inventory;
  // The store is read first only while some region is down (its location tells whether to skip Azure).
  const stored = inventory?.anyOutage() ? await inventory.vault(vaultId) : undefined;
  const outage = stored && inventory?.outage(stored.vault.location);
  if (stored && outage) return { vault: vaultSummary(stored.vault), degraded: degradedOf(outage, stored) };
  const at = deps.now();
  try {
    const vault = await deps.client.getVault(vaultId);
    if (inventory) {
      inventory.noteAnswered(vault.location);
      await inventory.recordVault(vault, { at, onUse: true });
    }
    return { vault: vaultSummary(vault) };
  } catch (error) {
    if (status(error) === 404) return undefined;
    if (!inventory || !isRegionUnreachable(error)) throw error;
    const known = stored ?? (await inventory.vault(vaultId));
    if (!known) {
      const { code } = outageCodeOf(error);
      throw new BotError(INVENTORY_COLD, say('INVENTORY_COLD', { vault: lastSegment(vaultId), code }), { code });
    }
    const noted = inventory.noteUnreachable(known.vault.location, error);
    return { vault: vaultSummary(known.vault), degraded: degradedOf(noted, known) };
  }
}

/** Whether the vault's region is known to be down right now (no Azure call): the wizard turns degraded. */
export async function knownOutageOf(deps: KnownDeps, vault: VaultSummary): Promise<Degraded | undefined> {
  const outage = deps.inventory?.outage(vault.location);
  if (!outage) return undefined;
  const known = await deps.inventory?.vault(vault.id);
  return known ? degradedOf(outage, known) : undefined;
}

// ---- instances ---------------------------------------------------------------------------------------

export type InstanceListing =
  | { from: 'azure'; instances: InstanceSummary[] }
  | { from: 'inventory'; instances: InstanceSummary[]; degraded: Degraded };

/**
 * The servers a vault protects. Listed from Azure (and stored) unless the wizard is degraded or the vault's
 * region failed recently; from the inventory when the region does not answer. Throws INVENTORY_COLD when the
 * region does not answer and the bot never listed that vault.
 */
export async function listInstancesKnown(
  deps: KnownDeps,
  vault: VaultSummary,
  degraded?: Degraded,
): Promise<InstanceListing> {
  const inventory = deps.inventory;
  const recent = inventory?.outage(vault.location);
  if (inventory && (degraded || recent)) return fromInventory(inventory, vault, recent, degraded);
  const at = deps.now();
  try {
    const listed = await deps.client.listBackupInstances(vault.id).toArray();
    if (inventory) {
      inventory.noteAnswered(vault.location);
      await inventory.recordInstances(vault.id, listed, { at, onUse: true });
    }
    return { from: 'azure', instances: listed.map(instanceSummary) };
  } catch (error) {
    if (!inventory || !isRegionUnreachable(error)) throw error;
    return fromInventory(inventory, vault, inventory.noteUnreachable(vault.location, error));
  }
}

async function fromInventory(
  inventory: RestoreInventory,
  vault: VaultSummary,
  outage: RegionOutage | undefined,
  degraded?: Degraded,
): Promise<InstanceListing> {
  const known = await inventory.vault(vault.id);
  const code = outage?.code ?? degraded?.code ?? 'ServiceUnavailable';
  if (!known?.instances) {
    throw new BotError(INVENTORY_COLD, say('INVENTORY_COLD', { vault: vault.name, region: vault.location, code }), {
      code,
      vaultId: vault.id,
    });
  }
  const state: Degraded = outage
    ? degradedOf(outage, known)
    : {
        ...degraded!,
        ...(known.instancesRefreshedAt && { instancesKnownAt: known.instancesRefreshedAt.toISOString() }),
      };
  return { from: 'inventory', instances: known.instances.map(instanceSummary), degraded: state };
}

/**
 * Where a server named in the shortcut is protected: every (vault, instance) pair with that server name, the
 * server names seen (for "did you mean"), the vaults that could not be searched (their region does not
 * answer and the bot never listed them), and for each matching vault whether it is degraded.
 */
export async function findServerKnown(
  deps: KnownDeps,
  vaults: readonly VaultSummary[],
  serverName: string,
): Promise<{
  matches: { vault: VaultSummary; instance: InstanceSummary; degraded?: Degraded }[];
  serverNames: string[];
  unsearchable: { vault: VaultSummary; code: string }[];
}> {
  const wanted = serverName.trim().toLowerCase();
  const unsearchable: { vault: VaultSummary; code: string }[] = [];
  const listed = await Promise.all(
    vaults.map(async (vault) => {
      try {
        return { vault, listing: await listInstancesKnown(deps, vault) };
      } catch (error) {
        if (!(error instanceof BotError) || error.code !== INVENTORY_COLD) throw error;
        unsearchable.push({ vault, code: String(error.details?.code ?? 'ServiceUnavailable') });
        return undefined;
      }
    }),
  );
  const searched = listed.filter((l) => l !== undefined);
  const matches = searched.flatMap(({ vault, listing }) =>
    listing.instances
      .filter((i) => i.serverName.toLowerCase() === wanted)
      .map((instance) => ({ vault, instance, ...(listing.from === 'inventory' && { degraded: listing.degraded }) })),
  );
  const serverNames = [...new Set(searched.flatMap((l) => l.listing.instances.map((i) => i.serverName)))];
  return { matches, serverNames, unsearchable };
}

/** `2026-11-24 11:50 UTC (12 minutes ago)`: how the wizard says how old stored knowledge is. */
export function knownAtLabel(time: string | Date, now: Date, timeZone?: string): string {
  return timeLabel(time, now, timeZone);
}
