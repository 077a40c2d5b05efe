import { normalizeRegion, pairedRegion } from '../azure/regions';
import type { VaultJson } from './ports';

/** A vault's protection settings as people talk about them (the `/restore vaults` view, prechecks). */
export interface VaultPosture {
  name: string;
  location: string;
  /** `GeoRedundant`, `LocallyRedundant`, `ZoneRedundant` (or whatever new value Azure sends), `Unknown`. */
  storageRedundancy: string;
  crossRegionRestore: string;
  immutability: string;
  softDelete: string;
  /** Where Cross Region Restore restores to: Azure's `replicatedRegions[0]`, else the paired region. */
  secondaryRegion: string | undefined;
}

export function vaultPosture(vault: VaultJson): VaultPosture {
  const props = vault.properties ?? {};
  const storage =
    props.storageSettings?.find((s) => s.datastoreType?.toLowerCase() === 'vaultstore') ?? props.storageSettings?.[0];
  const replicated = props.replicatedRegions?.[0];
  return {
    name: vault.name,
    location: normalizeRegion(vault.location),
    storageRedundancy: storage?.type ?? 'Unknown',
    crossRegionRestore: props.featureSettings?.crossRegionRestoreSettings?.state ?? 'Disabled',
    immutability: props.securitySettings?.immutabilitySettings?.state ?? 'Disabled',
    softDelete: props.securitySettings?.softDeleteSettings?.state ?? 'Unknown',
    secondaryRegion: replicated ? normalizeRegion(replicated) : pairedRegion(vault.location),
  };
}

/** Azure enums are open strings in any case; compare them case-insensitively. */
export function enumIs(value: string | undefined, expected: string): boolean {
  return value !== undefined && value.toLowerCase() === expected.toLowerCase();
}

/** Cross Region Restore is usable only on a GeoRedundant vault with CRR Enabled. */
export function supportsSecondaryRestore(posture: VaultPosture): boolean {
  return enumIs(posture.storageRedundancy, 'GeoRedundant') && enumIs(posture.crossRegionRestore, 'Enabled');
}
