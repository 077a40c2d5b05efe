import type {
  BackupVaultResource,
  CrossRegionRestoreState,
  ImmutabilityState,
  SoftDeleteState,
  StorageSettingType,
} from './models';
import { normalizeRegion, pairedRegion } from './regions';

/** Redundancy of the vault's VaultStore (the datastore PG flexible server vaulted backups live in). */
export function vaultStorageRedundancy(vault: BackupVaultResource): StorageSettingType | undefined {
  const settings = vault.properties.storageSettings ?? [];
  const vaultStore = settings.find((s) => s.datastoreType?.toLowerCase() === 'vaultstore');
  return (vaultStore ?? settings[0])?.type;
}

export function vaultCrossRegionRestoreState(vault: BackupVaultResource): CrossRegionRestoreState | undefined {
  return vault.properties.featureSettings?.crossRegionRestoreSettings?.state;
}

export function vaultImmutabilityState(vault: BackupVaultResource): ImmutabilityState | undefined {
  return vault.properties.securitySettings?.immutabilitySettings?.state;
}

export function vaultSoftDeleteState(vault: BackupVaultResource): SoftDeleteState | undefined {
  return vault.properties.securitySettings?.softDeleteSettings?.state;
}

export type SecondaryRegionSource = 'replicatedRegions' | 'pairedRegion';

/**
 * Where Cross Region Restore would run: the vault's `replicatedRegions[0]`, else the Azure paired region of
 * its location (the Azure CLI's fallback; some vaults do not report replicated regions).
 */
export function vaultSecondaryRegion(
  vault: BackupVaultResource,
): { region: string; source: SecondaryRegionSource } | undefined {
  const replicated = vault.properties.replicatedRegions?.find((r) => typeof r === 'string' && r.trim() !== '');
  if (replicated) return { region: normalizeRegion(replicated), source: 'replicatedRegions' };
  const paired = pairedRegion(vault.location);
  return paired ? { region: paired, source: 'pairedRegion' } : undefined;
}

export interface VaultPosture {
  vaultId: string;
  name: string;
  location: string;
  storageRedundancy: StorageSettingType | undefined;
  crossRegionRestore: CrossRegionRestoreState | undefined;
  /** CRR can only work on a GeoRedundant vault with CRR Enabled (Azure docs), whatever else the vault reports. */
  crossRegionRestoreAvailable: boolean;
  immutability: ImmutabilityState | undefined;
  /** `Locked` immutability cannot be undone. */
  immutabilityLocked: boolean;
  softDelete: SoftDeleteState | undefined;
  softDeleteRetentionDays: number | undefined;
  secondaryRegion: string | undefined;
  secondaryRegionSource: SecondaryRegionSource | undefined;
}

export function vaultPosture(vault: BackupVaultResource): VaultPosture {
  const redundancy = vaultStorageRedundancy(vault);
  const crr = vaultCrossRegionRestoreState(vault);
  const immutability = vaultImmutabilityState(vault);
  const secondary = vaultSecondaryRegion(vault);
  return {
    vaultId: vault.id,
    name: vault.name,
    location: normalizeRegion(vault.location),
    storageRedundancy: redundancy,
    crossRegionRestore: crr,
    crossRegionRestoreAvailable: redundancy?.toLowerCase() === 'georedundant' && crr?.toLowerCase() === 'enabled',
    immutability,
    immutabilityLocked: immutability?.toLowerCase() === 'locked',
    softDelete: vaultSoftDeleteState(vault),
    softDeleteRetentionDays: vault.properties.securitySettings?.softDeleteSettings?.retentionDurationInDays,
    secondaryRegion: secondary?.region,
    secondaryRegionSource: secondary?.source,
  };
}
