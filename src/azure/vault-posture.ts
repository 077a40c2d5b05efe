import type { CrossRegionRestoreState, ImmutabilityState, SoftDeleteState, StorageSettingType } from './models';
import { normalizeRegion, pairedRegion } from './regions';

/**
 * The parts of a `BackupVaultResource` the posture is read from, as a structural type: the typed client's
 * vaults and the plain JSON the restore domain passes around (`VaultJson`) both fit, so there is one reader.
 */
export interface VaultPostureSource {
  id: string;
  name: string;
  location: string;
  properties: {
    storageSettings?: readonly { datastoreType?: string; type?: string }[];
    featureSettings?: { crossRegionRestoreSettings?: { state?: string } };
    securitySettings?: {
      immutabilitySettings?: { state?: string };
      softDeleteSettings?: { state?: string; retentionDurationInDays?: number };
    };
    replicatedRegions?: readonly string[];
  };
}

/** Redundancy of the vault's VaultStore (the datastore PG flexible server vaulted backups live in). */
export function vaultStorageRedundancy(vault: VaultPostureSource): StorageSettingType | undefined {
  const settings = vault.properties.storageSettings ?? [];
  const vaultStore = settings.find((s) => s.datastoreType?.toLowerCase() === 'vaultstore');
  return (vaultStore ?? settings[0])?.type;
}

export function vaultCrossRegionRestoreState(vault: VaultPostureSource): CrossRegionRestoreState | undefined {
  return vault.properties.featureSettings?.crossRegionRestoreSettings?.state;
}

export function vaultImmutabilityState(vault: VaultPostureSource): ImmutabilityState | undefined {
  return vault.properties.securitySettings?.immutabilitySettings?.state;
}

export function vaultSoftDeleteState(vault: VaultPostureSource): SoftDeleteState | undefined {
  return vault.properties.securitySettings?.softDeleteSettings?.state;
}

export type SecondaryRegionSource = 'replicatedRegions' | 'pairedRegion';

/**
 * Where Cross Region Restore would run: the vault's `replicatedRegions[0]`, else the Azure paired region of
 * its location (the Azure CLI's fallback; some vaults do not report replicated regions).
 */
export function vaultSecondaryRegion(
  vault: VaultPostureSource,
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

export function vaultPosture(vault: VaultPostureSource): VaultPosture {
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
