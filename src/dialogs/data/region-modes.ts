import type { RegionMode } from '../../restore';
import type { ChoiceOption } from '../views';
import type { VaultSummary } from './vaults';

/** Why this vault cannot restore into its secondary region, or undefined when it can. */
export function secondaryUnavailableReason(vault: VaultSummary): string | undefined {
  if (vault.redundancy.toLowerCase() !== 'georedundant') {
    return `the vault is ${vault.redundancy}; Cross Region Restore needs a GeoRedundant vault`;
  }
  if (!vault.crossRegionRestoreAvailable) return `Cross Region Restore is ${vault.crossRegionRestore} on this vault`;
  if (!vault.secondaryRegion) return 'the secondary region of this vault is unknown';
  return undefined;
}

/** The region where a restore in `mode` runs. */
export function restoreRegion(vault: VaultSummary, mode: RegionMode): string | undefined {
  return mode === 'primary' ? vault.location : vault.secondaryRegion;
}

export function regionLabel(vault: VaultSummary, mode: RegionMode): string {
  return mode === 'primary'
    ? `Primary region (${vault.location})`
    : `Secondary region (${vault.secondaryRegion ?? 'unknown'}) — Cross Region Restore`;
}

/** Primary always; secondary offered only for GeoRedundant vaults with CRR Enabled, else disabled with the reason. */
export function regionModeOptions(vault: VaultSummary): ChoiceOption[] {
  const reason = secondaryUnavailableReason(vault);
  return [
    { value: 'primary', label: regionLabel(vault, 'primary'), description: 'where the vault keeps its backups' },
    {
      value: 'secondary',
      label: regionLabel(vault, 'secondary'),
      description: reason ? `Not available: ${reason}` : 'only points already replicated there',
      ...(reason ? { disabled: true } : {}),
    },
  ];
}
