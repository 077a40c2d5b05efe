import { botError } from '../../restore';
import { listInstances } from '../data/instances';
import { findByName } from '../data/names';
import { listVaultsInScope, type VaultSummary } from '../data/vaults';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import type { ListRow, View } from '../views';

/** Warnings an on-call engineer should see about a vault's protection (SPEC 2.4). */
export function vaultWarnings(vault: VaultSummary): string[] {
  const warnings: string[] = [];
  if (vault.immutability.toLowerCase() === 'disabled') {
    warnings.push(botError('PRECHECK_IMMUTABILITY_DISABLED', { vaultName: vault.name }).message);
  }
  if (vault.softDelete.toLowerCase() === 'off') {
    warnings.push(botError('PRECHECK_SOFT_DELETE_OFF', { vaultName: vault.name }).message);
  }
  if (vault.redundancy.toLowerCase() === 'georedundant' && !vault.crossRegionRestoreAvailable) {
    warnings.push(
      `Cross Region Restore is ${vault.crossRegionRestore}: no restore in ${vault.secondaryRegion ?? 'the secondary region'} is possible during a regional outage.`,
    );
  }
  if (vault.redundancy.toLowerCase() !== 'georedundant') {
    warnings.push(
      `${vault.redundancy} storage: backups exist only in ${vault.location}; there is no secondary region to restore to.`,
    );
  }
  return warnings;
}

export async function vaultsView(deps: Pick<ConversationDeps, 'client' | 'policy'>, name?: string): Promise<View> {
  const all = await listVaultsInScope(deps.client, deps.policy);
  let vaults = all;
  if (name) {
    const { match, suggestion } = findByName(name, all, (v) => v.name);
    const partial = all.filter((v) => v.name.toLowerCase().includes(name.toLowerCase()));
    vaults = match ? [match] : partial;
    if (vaults.length === 0) {
      return {
        kind: 'error',
        title: 'Backup vaults',
        error: { code: 'UNKNOWN_VAULT', message: say('UNKNOWN_VAULT', { name, suggestion }) },
      };
    }
  }
  const rows: ListRow[] = await Promise.all(
    vaults.map(async (vault) => {
      const instances = await listInstances(deps.client, vault.id);
      return {
        title: vault.name,
        facts: [
          { label: 'Region', value: vault.location },
          { label: 'Secondary region', value: vault.secondaryRegion ?? 'none' },
          { label: 'Storage redundancy', value: vault.redundancy },
          { label: 'Cross Region Restore', value: vault.crossRegionRestore },
          { label: 'Immutability', value: vault.immutability },
          { label: 'Soft delete', value: vault.softDelete },
          {
            label: 'Protected servers',
            value: `${instances.length}${instances.length ? ` (${instances.map((i) => i.serverName).join(', ')})` : ''}`,
          },
        ],
        warnings: vaultWarnings(vault),
      };
    }),
  );
  return {
    kind: 'list',
    title: 'Backup vaults',
    subtitle: `${rows.length} vault${rows.length === 1 ? '' : 's'} in scope`,
    rows,
  };
}
