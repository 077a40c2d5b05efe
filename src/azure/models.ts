/**
 * The Data Protection REST shapes restore-bot uses (api-version 2026-07-01), named as in the REST JSON.
 * Every enum is open (`| (string & {})`): Azure marks them extensible and real payloads carry values outside
 * the documented lists (e.g. softDeleteSettings.state "Enabled", job status "Started").
 */
type Open<T extends string> = T | (string & {});

export interface SystemData {
  createdBy?: string;
  createdByType?: string;
  createdAt?: string;
  lastModifiedBy?: string;
  lastModifiedByType?: string;
  lastModifiedAt?: string;
}

export interface ProxyResource {
  id: string;
  name: string;
  type: string;
  systemData?: SystemData;
}

export interface ArmList<T> {
  value: T[];
  nextLink?: string;
}

// ---- Subscriptions (api-version 2022-12-01) --------------------------------------------------------------

export type SubscriptionState = Open<'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted'>;

export interface Subscription {
  id: string;
  subscriptionId: string;
  displayName?: string;
  state?: SubscriptionState;
  tenantId?: string;
}

// ---- Backup vaults ---------------------------------------------------------------------------------------

export type StorageSettingStoreType = Open<'ArchiveStore' | 'OperationalStore' | 'VaultStore'>;
export type StorageSettingType = Open<'GeoRedundant' | 'LocallyRedundant' | 'ZoneRedundant'>;
export type CrossRegionRestoreState = Open<'Disabled' | 'Enabled'>;
export type CrossSubscriptionRestoreState = Open<'Disabled' | 'PermanentlyDisabled' | 'Enabled'>;
export type SoftDeleteState = Open<'Off' | 'On' | 'AlwaysOn'>;
export type ImmutabilityState = Open<'Disabled' | 'Unlocked' | 'Locked'>;
export type ImmutabilityType = Open<'AsPerPolicy' | 'TimeBased'>;
export type EncryptionState = Open<'Enabled' | 'Disabled' | 'Inconsistent'>;
export type AlertsState = Open<'Enabled' | 'Disabled'>;
export type ProvisioningState = Open<'Failed' | 'Provisioning' | 'Succeeded' | 'Unknown' | 'Updating'>;
export type SecureScoreLevel = Open<'None' | 'Minimum' | 'Adequate' | 'Maximum' | 'NotSupported'>;
export type BcdrSecurityLevel = Open<'Poor' | 'Fair' | 'Good' | 'Excellent' | 'NotSupported'>;

export interface StorageSetting {
  datastoreType?: StorageSettingStoreType;
  type?: StorageSettingType;
}

export interface FeatureSettings {
  crossRegionRestoreSettings?: { state?: CrossRegionRestoreState };
  crossSubscriptionRestoreSettings?: { state?: CrossSubscriptionRestoreState };
}

export interface SecuritySettings {
  softDeleteSettings?: { state?: SoftDeleteState; retentionDurationInDays?: number };
  immutabilitySettings?: {
    state?: ImmutabilityState;
    configuration?: { type?: ImmutabilityType; durationInDays?: number | null };
  };
  encryptionSettings?: {
    state?: EncryptionState;
    keyVaultProperties?: { keyUri?: string };
    kekIdentity?: { identityType?: string; identityId?: string };
    infrastructureEncryption?: Open<'Enabled' | 'Disabled'>;
  };
}

export interface MonitoringSettings {
  azureMonitorAlertSettings?: { alertsForAllJobFailures?: AlertsState };
}

export interface BackupVault {
  storageSettings: StorageSetting[];
  featureSettings?: FeatureSettings;
  securitySettings?: SecuritySettings;
  monitoringSettings?: MonitoringSettings;
  costManagementSettings?: {
    granularityLevel?: Open<'VaultLevel' | 'ProtectedItemLevel' | 'ProtectedItemWithParentTag'>;
  };
  provisioningState?: ProvisioningState;
  resourceMoveState?: string;
  isVaultProtectedByResourceGuard?: boolean;
  secureScore?: SecureScoreLevel;
  bcdrSecurityLevel?: BcdrSecurityLevel;
  replicatedRegions?: string[];
  resourceGuardOperationRequests?: string[];
}

export interface DppIdentityDetails {
  principalId?: string;
  tenantId?: string;
  type?: string;
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>;
}

export interface BackupVaultResource extends ProxyResource {
  location: string;
  tags?: Record<string, string>;
  eTag?: string;
  identity?: DppIdentityDetails;
  properties: BackupVault;
}

/** PATCH body. `storageSettings` is deliberately absent: Azure does not allow changing redundancy by PATCH. */
export interface PatchResourceRequestInput {
  identity?: DppIdentityDetails;
  tags?: Record<string, string>;
  properties?: {
    monitoringSettings?: MonitoringSettings;
    securitySettings?: SecuritySettings;
    featureSettings?: FeatureSettings;
    costManagementSettings?: BackupVault['costManagementSettings'];
    resourceGuardOperationRequests?: string[];
  };
}

// ---- Backup instances ------------------------------------------------------------------------------------

export interface Datasource {
  objectType?: Open<'Datasource' | 'DatasourceSet'>;
  datasourceType?: string;
  resourceID: string;
  resourceLocation?: string;
  resourceName?: string;
  resourceType?: string;
  resourceUri?: string;
  resourceProperties?: Record<string, unknown>;
}

export type ProtectionStatus = Open<
  | 'ConfiguringProtection'
  | 'ConfiguringProtectionFailed'
  | 'ProtectionConfigured'
  | 'ProtectionStopped'
  | 'SoftDeleted'
  | 'SoftDeleting'
>;
export type CurrentProtectionState = Open<
  | 'Invalid'
  | 'NotProtected'
  | 'ConfiguringProtection'
  | 'ProtectionConfigured'
  | 'BackupSchedulesSuspended'
  | 'RetentionSchedulesSuspended'
  | 'ProtectionStopped'
  | 'ProtectionError'
  | 'ConfiguringProtectionFailed'
  | 'SoftDeleting'
  | 'SoftDeleted'
  | 'UpdatingProtection'
>;

export interface BackupInstance {
  objectType?: Open<'BackupInstance'>;
  friendlyName?: string;
  dataSourceInfo: Datasource;
  dataSourceSetInfo?: Datasource;
  policyInfo?: { policyId: string; policyVersion?: string; policyParameters?: Record<string, unknown> };
  protectionStatus?: { status?: ProtectionStatus; errorDetails?: UserFacingError };
  currentProtectionState?: CurrentProtectionState;
  protectionErrorDetails?: UserFacingError;
  provisioningState?: string;
  validationType?: Open<'ShallowValidation' | 'DeepValidation'>;
  identityDetails?: { useSystemAssignedIdentity?: boolean; userAssignedIdentityArmUrl?: string };
}

export interface BackupInstanceResource extends ProxyResource {
  tags?: Record<string, string>;
  properties: BackupInstance;
}

// ---- Recovery points -------------------------------------------------------------------------------------

export type RecoveryPointState = Open<'Completed' | 'Partial'>;
export type RehydrationStatus = Open<'CREATE_IN_PROGRESS' | 'COMPLETED' | 'DELETE_IN_PROGRESS' | 'DELETED' | 'FAILED'>;

export interface RecoveryPointDataStoreDetails {
  id?: string;
  type?: Open<'VaultStore' | 'ArchiveStore' | 'OperationalStore' | 'Snapshot' | 'BackupStorage'>;
  creationTime?: string;
  expiryTime?: string;
  metaData?: string;
  state?: string;
  visible?: boolean;
  rehydrationExpiryTime?: string;
  rehydrationStatus?: RehydrationStatus;
}

export interface AzureBackupDiscreteRecoveryPoint {
  objectType: Open<'AzureBackupDiscreteRecoveryPoint'>;
  recoveryPointId?: string;
  recoveryPointTime: string;
  recoveryPointType?: string;
  friendlyName?: string;
  policyName?: string;
  policyVersion?: string;
  retentionTagName?: string;
  retentionTagVersion?: string;
  expiryTime?: string;
  recoveryPointState?: RecoveryPointState;
  immutabilityProperties?: { isImmutable: boolean; expiryTime?: string };
  recoveryPointDataStoresDetails?: RecoveryPointDataStoreDetails[];
}

export interface AzureBackupRecoveryPointResource extends ProxyResource {
  properties: AzureBackupDiscreteRecoveryPoint;
}

// ---- Jobs ------------------------------------------------------------------------------------------------

/** Documented: InProgress/Completed/Failed/Cancelled/CompletedWithWarnings/Cancelling/Paused; seen: Started, Succeeded. */
export type JobStatus = Open<
  | 'InProgress'
  | 'Completed'
  | 'Failed'
  | 'Cancelled'
  | 'CompletedWithWarnings'
  | 'Cancelling'
  | 'Paused'
  | 'Started'
  | 'Succeeded'
>;

export interface UserFacingError {
  code?: string;
  message?: string;
  target?: string;
  isRetryable?: boolean;
  isUserError?: boolean;
  recommendedAction?: string[];
  properties?: Record<string, string>;
  details?: UserFacingError[];
  innerError?: { code?: string; additionalInfo?: Record<string, string>; embeddedInnerError?: unknown };
}

export interface JobSubTask {
  taskId: number;
  taskName: string;
  taskProgress?: string;
  taskStatus: string;
  additionalDetails?: Record<string, string>;
}

export interface JobExtendedInfo {
  additionalDetails?: Record<string, string>;
  backupInstanceState?: string;
  dataTransferredInBytes?: number;
  recoveryDestination?: string;
  sourceRecoverPoint?: { recoveryPointID?: string; recoveryPointTime?: string };
  targetRecoverPoint?: { recoveryPointID?: string; recoveryPointTime?: string };
  subTasks?: JobSubTask[];
  warningDetails?: Array<{ resourceName?: string; warning?: UserFacingError[] }>;
}

export interface AzureBackupJob {
  activityID: string;
  backupInstanceFriendlyName: string;
  backupInstanceId?: string;
  dataSourceId: string;
  dataSourceLocation: string;
  dataSourceName: string;
  dataSourceSetName?: string;
  dataSourceType: string;
  duration?: string;
  endTime?: string;
  errorDetails?: UserFacingError[];
  extendedInfo?: JobExtendedInfo;
  isUserTriggered: boolean;
  operation: string;
  operationCategory: Open<'Backup' | 'Restore' | 'Tiering' | 'Management'>;
  policyId?: string;
  policyName?: string;
  progressEnabled: boolean;
  progressUrl?: string;
  rehydrationPriority?: string;
  restoreType?: Open<'ALR' | 'OLR'>;
  sourceResourceGroup: string;
  sourceSubscriptionID: string;
  startTime: string;
  status: JobStatus;
  subscriptionId: string;
  supportedActions: string[];
  vaultName: string;
  etag?: string;
  sourceDataStoreName?: string;
  destinationDataStoreName?: string;
}

export interface AzureBackupJobResource extends ProxyResource {
  properties: AzureBackupJob;
}

// ---- Long-running operations -----------------------------------------------------------------------------

export interface OperationJobExtendedInfo {
  objectType: Open<'OperationJobExtendedInfo'>;
  /** Normalised by this client to the full job ARM id (Azure sends a GUID or a full id). */
  jobId?: string;
}

export interface ArmErrorDetail {
  code?: string;
  message?: string;
  target?: string;
  details?: ArmErrorDetail[];
  additionalInfo?: Array<{ type?: string; info?: unknown }>;
}

export interface OperationResource {
  id?: string;
  name?: string;
  /** Free string: `Inprogress`, `InProgress`, `Succeeded`, `Failed`, `Canceled`… */
  status?: string;
  startTime?: string;
  endTime?: string;
  error?: ArmErrorDetail;
  properties?: { objectType?: string; jobId?: string };
}

// ---- Restore requests ------------------------------------------------------------------------------------

export type SourceDataStoreType = Open<'ArchiveStore' | 'SnapshotStore' | 'OperationalStore' | 'VaultStore'>;
export type RecoveryOption = Open<'FailIfExists'>;
export type RestoreTargetLocationType = Open<'Invalid' | 'AzureBlobs' | 'AzureFiles'>;

export interface TargetDetails {
  url: string;
  filePrefix: string;
  restoreTargetLocationType: RestoreTargetLocationType;
  targetResourceArmId?: string;
}

export interface RestoreFilesTargetInfo {
  objectType: 'RestoreFilesTargetInfo';
  recoveryOption: RecoveryOption;
  restoreLocation?: string;
  targetDetails: TargetDetails;
}

export interface AzureBackupRecoveryPointBasedRestoreRequest {
  objectType: 'AzureBackupRecoveryPointBasedRestoreRequest';
  recoveryPointId: string;
  sourceDataStoreType: SourceDataStoreType;
  restoreTargetInfo: RestoreFilesTargetInfo;
  sourceResourceId?: string;
  identityDetails?: { useSystemAssignedIdentity?: boolean; userAssignedIdentityArmUrl?: string };
  resourceGuardOperationRequests?: string[];
}

/** The only restore request restore-bot sends (PG flexible server vaulted backups restore as files). */
export type AzureBackupRestoreRequest = AzureBackupRecoveryPointBasedRestoreRequest;

export interface CrossRegionRestoreDetails {
  sourceRegion: string;
  sourceBackupInstanceId: string;
}

export interface CrossRegionRestoreRequestObject {
  restoreRequestObject: AzureBackupRestoreRequest;
  crossRegionRestoreDetails: CrossRegionRestoreDetails;
}

export type ValidateCrossRegionRestoreRequestObject = CrossRegionRestoreRequestObject;

export interface FetchSecondaryRPsRequestParameters {
  sourceRegion: string;
  sourceBackupInstanceId: string;
}

export interface CrossRegionRestoreJobsRequest {
  sourceRegion: string;
  sourceBackupVaultId: string;
}

export interface CrossRegionRestoreJobRequest extends CrossRegionRestoreJobsRequest {
  jobId: string;
}
