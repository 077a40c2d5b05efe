import type { BackupInstanceResource, BackupVaultResource } from '../../azure';

/**
 * The copies of Azure resources the inventory keeps: the same shapes the Data Protection API answers, cut down
 * to what a restore needs (names, ids, regions, redundancy, Cross Region Restore, protection). Keeping Azure's
 * shape means everything that reads a live vault or instance reads a stored one the same way.
 */

export function storedVaultOf(vault: BackupVaultResource): BackupVaultResource {
  const p = vault.properties ?? { storageSettings: [] };
  return {
    id: vault.id,
    name: vault.name,
    type: vault.type,
    location: vault.location,
    properties: {
      storageSettings: p.storageSettings ?? [],
      ...(p.featureSettings && { featureSettings: p.featureSettings }),
      ...(p.securitySettings && {
        securitySettings: {
          ...(p.securitySettings.softDeleteSettings && { softDeleteSettings: p.securitySettings.softDeleteSettings }),
          ...(p.securitySettings.immutabilitySettings && {
            immutabilitySettings: p.securitySettings.immutabilitySettings,
          }),
        },
      }),
      ...(p.replicatedRegions && { replicatedRegions: p.replicatedRegions }),
    },
  };
}

export function storedInstanceOf(instance: BackupInstanceResource): BackupInstanceResource {
  const p = instance.properties;
  const source = p.dataSourceInfo;
  return {
    id: instance.id,
    name: instance.name,
    type: instance.type,
    properties: {
      ...(p.friendlyName && { friendlyName: p.friendlyName }),
      dataSourceInfo: {
        resourceID: source?.resourceID ?? '',
        ...(source?.resourceName && { resourceName: source.resourceName }),
        ...(source?.resourceLocation && { resourceLocation: source.resourceLocation }),
        ...(source?.resourceType && { resourceType: source.resourceType }),
        ...(source?.datasourceType && { datasourceType: source.datasourceType }),
      },
      ...(p.currentProtectionState && { currentProtectionState: p.currentProtectionState }),
      ...(p.protectionStatus?.status && { protectionStatus: { status: p.protectionStatus.status } }),
    },
  };
}
