/**
 * ARM JSON bodies, shaped after the OpenAPI definitions (BackupVaultResource, BackupInstanceResource,
 * AzureBackupRecoveryPointResource, AzureBackupJobResource) and the real PG flexible server payloads
 * described in docs/azure-api.md. Rendered per request from the world's state; nothing is cached.
 */
import { describeError } from './error-catalog';
import { type BackupInstance, type Job, PG_FLEX_TYPE, POLICY_NAME, type Subscription, type Vault } from './world';

export const TENANT_ID = '72f9a8bf-0e1d-4c6b-9d2a-5e3f0c1b2a90';
const DAY_MS = 86_400_000;
const RETENTION_MS = 90 * DAY_MS;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function subscriptionResource(sub: Subscription): Record<string, unknown> {
  return {
    id: `/subscriptions/${sub.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: sub.id,
    tenantId: TENANT_ID,
    displayName: sub.displayName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

function secureScore(vault: Vault): string {
  const { immutability, softDelete } = vault.settings;
  if (immutability === 'Locked' && softDelete === 'AlwaysOn') return 'Maximum';
  if (immutability !== 'Disabled' && softDelete !== 'Off') return 'Adequate';
  return 'Minimum';
}

function bcdrSecurityLevel(vault: Vault): string {
  if (vault.storageRedundancy === 'GeoRedundant') {
    return vault.settings.crossRegionRestore === 'Enabled' ? 'Excellent' : 'Good';
  }
  return vault.storageRedundancy === 'ZoneRedundant' ? 'Fair' : 'Poor';
}

export function vaultResource(vault: Vault, provisioningState = 'Succeeded'): Record<string, unknown> {
  const s = vault.settings;
  const immutabilitySettings: Record<string, unknown> = { state: s.immutability };
  if (s.immutabilityConfiguration) immutabilitySettings.configuration = s.immutabilityConfiguration;
  const properties: Record<string, unknown> = {
    provisioningState,
    resourceMoveState: 'Unknown',
    storageSettings: [{ datastoreType: 'VaultStore', type: vault.storageRedundancy }],
    featureSettings: {
      crossRegionRestoreSettings: { state: s.crossRegionRestore },
      crossSubscriptionRestoreSettings: { state: s.crossSubscriptionRestore },
    },
    securitySettings: {
      softDeleteSettings: { state: s.softDelete, retentionDurationInDays: s.softDeleteRetentionDays },
      immutabilitySettings,
    },
    monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: s.alertsForAllJobFailures } },
    isVaultProtectedByResourceGuard: false,
    secureScore: secureScore(vault),
    bcdrSecurityLevel: bcdrSecurityLevel(vault),
    replicatedRegions: vault.replicatedRegion ? [vault.replicatedRegion] : [],
  };
  if (s.costManagementGranularity)
    properties.costManagementSettings = { granularityLevel: s.costManagementGranularity };
  if (s.resourceGuardOperationRequests) properties.resourceGuardOperationRequests = s.resourceGuardOperationRequests;
  return {
    id: vault.id,
    name: vault.name,
    type: 'Microsoft.DataProtection/backupVaults',
    location: vault.location,
    tags: s.tags,
    identity: { type: 'SystemAssigned', principalId: vault.principalId, tenantId: TENANT_ID },
    properties,
  };
}

function datasource(instance: BackupInstance, objectType: 'Datasource' | 'DatasourceSet'): Record<string, unknown> {
  return {
    datasourceType: PG_FLEX_TYPE,
    objectType,
    resourceID: instance.serverId,
    resourceLocation: instance.vault.location,
    resourceName: instance.serverName,
    resourceType: PG_FLEX_TYPE,
    resourceUri: instance.serverId,
  };
}

export function policyId(vault: Vault): string {
  return `${vault.id}/backupPolicies/${POLICY_NAME}`;
}

export function instanceResource(instance: BackupInstance): Record<string, unknown> {
  return {
    id: instance.id,
    name: instance.name,
    type: 'Microsoft.DataProtection/backupVaults/backupInstances',
    properties: {
      friendlyName: instance.serverName,
      dataSourceInfo: datasource(instance, 'Datasource'),
      dataSourceSetInfo: datasource(instance, 'DatasourceSet'),
      policyInfo: {
        policyId: policyId(instance.vault),
        policyVersion: '1.0',
        policyParameters: {
          backupDatasourceParametersList: [
            { objectType: 'PostgreSqlFlexibleServerBackupDatasourceParameters', backupSolutionType: 'LogicalBackup' },
          ],
        },
      },
      protectionStatus: { status: 'ProtectionConfigured' },
      currentProtectionState: 'ProtectionConfigured',
      provisioningState: 'Succeeded',
      objectType: 'BackupInstance',
    },
  };
}

function guidFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function recoveryPointResource(instance: BackupInstance, index: number): Record<string, unknown> {
  const id = instance.points.idOf(index);
  const timeMs = instance.points.timeMs(index);
  const created = iso(timeMs);
  const expiry = iso(timeMs + RETENTION_MS);
  const immutable = instance.vault.settings.immutability !== 'Disabled';
  return {
    id: `${instance.id}/recoveryPoints/${id}`,
    name: id,
    type: 'Microsoft.DataProtection/backupVaults/backupInstances/recoveryPoints',
    properties: {
      objectType: 'AzureBackupDiscreteRecoveryPoint',
      recoveryPointId: id,
      recoveryPointTime: created,
      recoveryPointType: 'Full',
      policyName: POLICY_NAME,
      policyVersion: '1.0',
      retentionTagName: 'Default',
      retentionTagVersion: '1',
      expiryTime: expiry,
      recoveryPointState: 'Completed',
      immutabilityProperties: immutable ? { isImmutable: true, expiryTime: expiry } : { isImmutable: false },
      recoveryPointDataStoresDetails: [
        {
          id: guidFromHex(id),
          type: 'VaultStore',
          creationTime: created,
          expiryTime: expiry,
          metaData: '',
          state: 'COMMITTED',
          visible: true,
        },
      ],
    },
  };
}

function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/** Where a job is in its life at `nowMs`: running (with progress 0-99) or finished. */
export function jobPhase(job: Job, nowMs: number): { running: boolean; progress: number; elapsedMs: number } {
  const elapsedMs = Math.max(0, nowMs - job.startMs);
  if (elapsedMs >= job.durationMs) return { running: false, progress: 100, elapsedMs: job.durationMs };
  return { running: true, progress: Math.min(99, Math.floor((elapsedMs / job.durationMs) * 100)), elapsedMs };
}

export function jobStatus(job: Job, nowMs: number): string {
  if (jobPhase(job, nowMs).running) return 'InProgress';
  return job.outcome.ok ? 'Completed' : 'Failed';
}

export function jobResource(job: Job, nowMs: number): Record<string, unknown> {
  const { running, progress, elapsedMs } = jobPhase(job, nowMs);
  const { vault, instance } = job;
  const failed = !running && !job.outcome.ok;
  const transferTask: Record<string, unknown> = {
    taskId: 2,
    taskName: 'Transfer data to target',
    taskStatus: running ? 'InProgress' : failed ? 'Failed' : 'Completed',
    taskProgress: `${failed ? 0 : progress}%`,
  };
  const properties: Record<string, unknown> = {
    activityID: job.activityId,
    backupInstanceFriendlyName: instance.serverName,
    backupInstanceId: instance.id,
    dataSourceId: instance.serverId,
    dataSourceLocation: vault.location,
    dataSourceName: instance.serverName,
    dataSourceSetName: instance.serverName,
    dataSourceType: PG_FLEX_TYPE,
    duration: formatDuration(elapsedMs),
    isUserTriggered: true,
    operation: 'Restore',
    operationCategory: 'Restore',
    policyId: policyId(vault),
    policyName: POLICY_NAME,
    progressEnabled: true,
    restoreType: 'ALR',
    sourceResourceGroup: instance.serverResourceGroup,
    sourceSubscriptionID: vault.subscriptionId,
    startTime: iso(job.startMs),
    status: jobStatus(job, nowMs),
    subscriptionId: vault.subscriptionId,
    supportedActions: [],
    vaultName: vault.name,
    sourceDataStoreName: 'VaultStore',
    extendedInfo: {
      additionalDetails: {
        TargetContainerUrl: job.targetUrl,
        FilePrefix: job.filePrefix,
        RestoreRegion: job.crossRegion ? (vault.replicatedRegion ?? vault.location) : vault.location,
      },
      dataTransferredInBytes: failed ? 0 : Math.floor((job.sizeBytes * progress) / 100),
      recoveryDestination: job.targetUrl,
      sourceRecoverPoint: { recoveryPointID: job.recoveryPointId, recoveryPointTime: iso(job.recoveryPointTimeMs) },
      subTasks: [
        { taskId: 1, taskName: 'Prepare restore', taskStatus: 'Completed', taskProgress: '100%' },
        transferTask,
      ],
    },
  };
  if (!running) properties.endTime = iso(job.startMs + job.durationMs);
  if (failed && !job.outcome.ok) {
    const entry = describeError(job.outcome.code);
    properties.errorDetails = [
      {
        code: job.outcome.code,
        message: entry.message,
        isRetryable: false,
        isUserError: entry.isUserError,
        recommendedAction: entry.recommendedAction,
      },
    ];
  }
  return {
    id: job.armId,
    name: job.id,
    type: 'Microsoft.DataProtection/backupVaults/backupJobs',
    properties,
  };
}
