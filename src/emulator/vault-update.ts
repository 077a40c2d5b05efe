/**
 * Vault updates (PATCH with PatchResourceRequestInput, PUT with BackupVaultResource) and the one-way
 * settings Azure enforces: Cross Region Restore cannot be disabled once enabled (and needs GeoRedundant
 * storage), Locked immutability, AlwaysOn soft delete and PermanentlyDisabled cross-subscription restore
 * are final, and storage redundancy is not part of a PATCH. A refused update changes nothing.
 */
import { ArmError, badRequest, isRecord } from './http';
import { normalizeRegion, pairedRegion } from './regions';
import { STORAGE_REDUNDANCIES } from './seed';
import { DEFAULTS, type Subscription, type Vault, type VaultSettings, type World } from './world';

const ENUMS = {
  crossRegionRestore: ['Enabled', 'Disabled'],
  crossSubscriptionRestore: ['Disabled', 'PermanentlyDisabled', 'Enabled'],
  softDelete: ['Off', 'On', 'AlwaysOn'],
  immutability: ['Disabled', 'Unlocked', 'Locked'],
  alerts: ['Enabled', 'Disabled'],
} as const;

function refused(message: string): ArmError {
  return new ArmError(400, 'BadRequest', message);
}

function optionalObject(
  parent: Record<string, unknown>,
  key: string,
  path: string,
): Record<string, unknown> | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badRequest(`${path}.${key} must be an object.`);
  return value;
}

/** Reads an enum property case-insensitively and returns Azure's spelling of the value. */
function optionalEnum(
  parent: Record<string, unknown> | undefined,
  key: string,
  path: string,
  allowed: readonly string[],
): string | undefined {
  const value = parent?.[key];
  if (value === undefined || value === null) return undefined;
  const match = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (!match) throw badRequest(`${path}.${key} '${String(value)}' is not one of ${allowed.join(', ')}.`);
  return match;
}

function readTags(value: unknown): Record<string, string> {
  if (!isRecord(value)) throw badRequest('tags must be an object of strings.');
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw badRequest(`tags.${k} must be a string.`);
    tags[k] = v;
  }
  return tags;
}

/** Settings after applying `properties` (PatchBackupVaultInput or BackupVault) on top of `current`. */
function mergeSettings(current: VaultSettings, properties: Record<string, unknown> | undefined): VaultSettings {
  const next: VaultSettings = { ...current, tags: { ...current.tags } };
  if (!properties) return next;
  const features = optionalObject(properties, 'featureSettings', 'properties');
  const crr = features && optionalObject(features, 'crossRegionRestoreSettings', 'properties.featureSettings');
  const csr = features && optionalObject(features, 'crossSubscriptionRestoreSettings', 'properties.featureSettings');
  const security = optionalObject(properties, 'securitySettings', 'properties');
  const softDelete = security && optionalObject(security, 'softDeleteSettings', 'properties.securitySettings');
  const immutability = security && optionalObject(security, 'immutabilitySettings', 'properties.securitySettings');
  const monitoring = optionalObject(properties, 'monitoringSettings', 'properties');
  const alerts = monitoring && optionalObject(monitoring, 'azureMonitorAlertSettings', 'properties.monitoringSettings');
  const cost = optionalObject(properties, 'costManagementSettings', 'properties');

  const p = 'properties.';
  next.crossRegionRestore =
    optionalEnum(crr, 'state', `${p}featureSettings.crossRegionRestoreSettings`, ENUMS.crossRegionRestore) ??
    next.crossRegionRestore;
  next.crossSubscriptionRestore =
    optionalEnum(
      csr,
      'state',
      `${p}featureSettings.crossSubscriptionRestoreSettings`,
      ENUMS.crossSubscriptionRestore,
    ) ?? next.crossSubscriptionRestore;
  next.softDelete =
    optionalEnum(softDelete, 'state', `${p}securitySettings.softDeleteSettings`, ENUMS.softDelete) ?? next.softDelete;
  const retention = softDelete?.retentionDurationInDays;
  if (retention !== undefined && retention !== null) {
    if (typeof retention !== 'number' || retention < 14 || retention > 180) {
      throw badRequest(
        `${p}securitySettings.softDeleteSettings.retentionDurationInDays must be a number from 14 to 180.`,
      );
    }
    next.softDeleteRetentionDays = retention;
  }
  next.immutability =
    optionalEnum(immutability, 'state', `${p}securitySettings.immutabilitySettings`, ENUMS.immutability) ??
    next.immutability;
  const configuration =
    immutability && optionalObject(immutability, 'configuration', `${p}securitySettings.immutabilitySettings`);
  if (configuration) next.immutabilityConfiguration = configuration;
  next.alertsForAllJobFailures =
    optionalEnum(alerts, 'alertsForAllJobFailures', `${p}monitoringSettings.azureMonitorAlertSettings`, ENUMS.alerts) ??
    next.alertsForAllJobFailures;
  if (cost && typeof cost.granularityLevel === 'string') next.costManagementGranularity = cost.granularityLevel;
  const guards = properties.resourceGuardOperationRequests;
  if (guards !== undefined && guards !== null) {
    if (!Array.isArray(guards) || guards.some((g) => typeof g !== 'string')) {
      throw badRequest(`${p}resourceGuardOperationRequests must be an array of strings.`);
    }
    next.resourceGuardOperationRequests = guards as string[];
  }
  return next;
}

/** Refuses a change that would undo a one-way setting, or enable CRR where it cannot work. */
function checkTransitions(vault: Vault, storageRedundancy: string, before: VaultSettings, after: VaultSettings): void {
  if (before.crossRegionRestore === 'Enabled' && after.crossRegionRestore !== 'Enabled') {
    throw refused('Cross Region Restore cannot be disabled once it is enabled on a Backup vault.');
  }
  if (
    after.crossRegionRestore === 'Enabled' &&
    before.crossRegionRestore !== 'Enabled' &&
    storageRedundancy !== 'GeoRedundant'
  ) {
    throw refused(`Cross Region Restore needs GeoRedundant storage; vault '${vault.name}' is ${storageRedundancy}.`);
  }
  if (before.immutability === 'Locked' && after.immutability !== 'Locked') {
    throw refused('Immutability is Locked on this vault; a locked setting cannot be changed.');
  }
  if (before.softDelete === 'AlwaysOn' && after.softDelete !== 'AlwaysOn') {
    throw refused('Soft delete is AlwaysOn on this vault and cannot be turned off.');
  }
  if (
    before.crossSubscriptionRestore === 'PermanentlyDisabled' &&
    after.crossSubscriptionRestore !== 'PermanentlyDisabled'
  ) {
    throw refused('Cross subscription restore is PermanentlyDisabled on this vault and cannot be enabled again.');
  }
}

/** BackupVaults_Update: applies a PatchResourceRequestInput, or throws without changing the vault. */
export function applyVaultPatch(vault: Vault, body: unknown): void {
  if (!isRecord(body)) throw badRequest('The request body must be a PatchResourceRequestInput object.');
  const properties = optionalObject(body, 'properties', '(body)');
  if (properties && 'storageSettings' in properties) {
    throw refused(
      'properties.storageSettings cannot be changed with PATCH: storage redundancy is fixed once items are protected.',
    );
  }
  if (body.identity !== undefined && body.identity !== null && !isRecord(body.identity)) {
    throw badRequest('identity must be an object.');
  }
  const next = mergeSettings(vault.settings, properties);
  if (body.tags !== undefined && body.tags !== null) next.tags = readTags(body.tags);
  checkTransitions(vault, vault.storageRedundancy, vault.settings, next);
  vault.settings = next;
}

function storageRedundancyOf(properties: Record<string, unknown> | undefined): string | undefined {
  const settings = properties?.storageSettings;
  if (settings === undefined || settings === null) return undefined;
  if (!Array.isArray(settings) || !settings.every(isRecord))
    throw badRequest('properties.storageSettings must be an array of objects.');
  const types = new Set(settings.map((s) => s.type));
  if (types.size !== 1) throw badRequest('properties.storageSettings must name one storage redundancy type.');
  const [type] = [...types];
  const match = STORAGE_REDUNDANCIES.find((t) => typeof type === 'string' && t.toLowerCase() === type.toLowerCase());
  if (!match)
    throw badRequest(
      `properties.storageSettings[0].type '${String(type)}' is not one of ${STORAGE_REDUNDANCIES.join(', ')}.`,
    );
  return match;
}

/**
 * BackupVaults_CreateOrUpdate: updates an existing vault like a PATCH (plus a storage redundancy that must
 * not change once instances are protected) or creates an empty one. Returns whether it was created.
 */
export function applyVaultPut(
  world: World,
  sub: Subscription,
  resourceGroup: string,
  name: string,
  body: unknown,
): { vault: Vault; created: boolean } {
  if (!isRecord(body)) throw badRequest('The request body must be a BackupVaultResource object.');
  const properties = optionalObject(body, 'properties', '(body)');
  if (!properties) throw badRequest('properties is required.');
  if (typeof body.location !== 'string' || body.location.trim() === '') throw badRequest('location is required.');
  const redundancy = storageRedundancyOf(properties);
  const existing = world.findVault(sub.id, resourceGroup, name);
  if (existing) {
    if (normalizeRegion(body.location) !== existing.location) {
      throw refused(
        `A vault cannot move: '${name}' is in ${existing.location}, not ${normalizeRegion(body.location)}.`,
      );
    }
    if (redundancy && redundancy !== existing.storageRedundancy && existing.instances.length > 0) {
      throw refused('Storage redundancy cannot be changed after items are protected in the vault.');
    }
    const storage = redundancy ?? existing.storageRedundancy;
    const next = mergeSettings(existing.settings, properties);
    if (body.tags !== undefined && body.tags !== null) next.tags = readTags(body.tags);
    checkTransitions(existing, storage, existing.settings, next);
    existing.settings = next;
    if (storage !== existing.storageRedundancy) {
      existing.storageRedundancy = storage;
      existing.replicatedRegion = storage === 'GeoRedundant' ? pairedRegion(existing.location) : undefined;
    }
    return { vault: existing, created: false };
  }
  if (!/^[A-Za-z][-A-Za-z0-9]*[A-Za-z0-9]$/.test(name) || name.length > 50) {
    throw badRequest(`Vault name '${name}' must be 2-50 letters, digits or hyphens, starting with a letter.`);
  }
  const location = normalizeRegion(body.location);
  const storage = redundancy ?? 'GeoRedundant';
  const base: VaultSettings = {
    crossRegionRestore: 'Disabled',
    crossSubscriptionRestore: 'Enabled',
    immutability: 'Disabled',
    softDelete: 'On',
    softDeleteRetentionDays: DEFAULTS.softDeleteRetentionDays,
    alertsForAllJobFailures: 'Enabled',
    tags: {},
  };
  const settings = mergeSettings(base, properties);
  if (body.tags !== undefined && body.tags !== null) settings.tags = readTags(body.tags);
  if (settings.crossRegionRestore === 'Enabled' && storage !== 'GeoRedundant') {
    throw refused(`Cross Region Restore needs GeoRedundant storage, not ${storage}.`);
  }
  const vault = world.addVault(sub, {
    subscriptionId: sub.id,
    resourceGroup,
    name,
    location,
    replicatedRegion: storage === 'GeoRedundant' ? pairedRegion(location) : undefined,
    storageRedundancy: storage,
    settings,
  });
  return { vault, created: true };
}
