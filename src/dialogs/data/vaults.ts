import { type BackupVaultResource, vaultPosture } from '../../azure';
import type { Policy } from '../../restore';
import type { ConversationAzure } from '../deps';
import { shortKey } from '../keys';
import type { ChoiceOption } from '../views';

/** What the conversation shows and remembers about a vault (small: it is kept in dialog state). */
export interface VaultSummary {
  id: string;
  name: string;
  location: string;
  redundancy: string;
  crossRegionRestore: string;
  crossRegionRestoreAvailable: boolean;
  immutability: string;
  softDelete: string;
  secondaryRegion?: string;
}

/** SPEC 2.1: the first step lists up to 100 vaults; beyond that, the person types to search. */
export const VAULT_LIST_LIMIT = 100;

export function vaultSummary(vault: BackupVaultResource): VaultSummary {
  const posture = vaultPosture(vault);
  return {
    id: vault.id,
    name: vault.name,
    location: posture.location,
    redundancy: posture.storageRedundancy ?? 'Unknown',
    crossRegionRestore: posture.crossRegionRestore ?? 'Disabled',
    crossRegionRestoreAvailable: posture.crossRegionRestoreAvailable,
    immutability: posture.immutability ?? 'Disabled',
    softDelete: posture.softDelete ?? 'Unknown',
    ...(posture.secondaryRegion ? { secondaryRegion: posture.secondaryRegion } : {}),
  };
}

/**
 * Vaults in the policy's subscriptions, in listing order, stopping once `limit` are in hand (pass
 * VAULT_LIST_LIMIT + 1 to learn whether there are more than can be listed).
 */
export async function listVaultsInScope(
  client: ConversationAzure,
  policy: Policy,
  limit = Number.POSITIVE_INFINITY,
): Promise<VaultSummary[]> {
  const visible = (await client.listSubscriptions().toArray()).map((s) => s.subscriptionId);
  const vaults: VaultSummary[] = [];
  for (const subscriptionId of policy.subscriptionsInScope(visible)) {
    for await (const vault of client.listVaultsInSubscription(subscriptionId)) {
      vaults.push(vaultSummary(vault));
      if (vaults.length >= limit) return vaults;
    }
  }
  return vaults;
}

export function vaultKey(vaultId: string): string {
  return shortKey('v', vaultId);
}

/** One pick-list option per vault: name first, then what decides the next steps. */
export function vaultOption(vault: VaultSummary): ChoiceOption {
  return {
    value: vaultKey(vault.id),
    label: vault.name,
    description: `${vault.location} · ${vault.redundancy} · CRR ${vault.crossRegionRestore} · immutability ${vault.immutability}`,
  };
}

/** Vaults whose name contains `query` (any case), as options; all of them without a query. */
export function vaultOptions(vaults: readonly VaultSummary[], query?: string): ChoiceOption[] {
  const needle = query?.trim().toLowerCase();
  return vaults.filter((v) => !needle || v.name.toLowerCase().includes(needle)).map(vaultOption);
}
