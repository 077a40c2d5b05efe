import type { BackupVaultResource } from '../../azure';
import type { Policy } from '../../restore';
import { vaultKey } from '../data/vaults';
import type { ConversationAzure } from '../deps';

/** A vault key as cards carry it (`shortKey('v', id)`): anything else in a button is not ours. */
const VAULT_KEY = /^v:[A-Za-z0-9_-]{12}$/;

/**
 * The vaults of the policy's subscriptions as Azure has them now, whole (the posture needs settings the
 * wizard's summaries leave out, such as the soft delete retention).
 */
export async function listVaultResourcesInScope(
  client: Pick<ConversationAzure, 'listSubscriptions' | 'listVaultsInSubscription'>,
  policy: Policy,
): Promise<BackupVaultResource[]> {
  const visible = (await client.listSubscriptions().toArray()).map((s) => s.subscriptionId);
  const perSubscription = await Promise.all(
    policy.subscriptionsInScope(visible).map((id) => client.listVaultsInSubscription(id).toArray()),
  );
  return perSubscription.flat();
}

/**
 * The vault a button's key stands for, looked up among the vaults in scope right now: a key of a vault that
 * left the policy's subscriptions, or was deleted, or never existed, maps to nothing.
 */
export async function findVaultByKey(
  client: Pick<ConversationAzure, 'listSubscriptions' | 'listVaultsInSubscription'>,
  policy: Policy,
  key: unknown,
): Promise<BackupVaultResource | undefined> {
  if (typeof key !== 'string' || !VAULT_KEY.test(key)) return undefined;
  const vaults = await listVaultResourcesInScope(client, policy);
  return vaults.find((vault) => vaultKey(vault.id) === key);
}
