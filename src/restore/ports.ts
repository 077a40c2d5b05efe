/**
 * What the restore domain needs from Azure, as narrow ports with the plain JSON shapes of the Data Protection
 * REST API (api-version 2026-07-01). The Azure client is adapted to them in the composition root; tests can
 * implement them over in-memory data.
 */

/**
 * Errors thrown by a port: the Azure error `code` (`ResourceNotFound`, `SubscriptionRequestsThrottled`,
 * `CrossRegionRestoreNotEnabled`, …, or a Node network code such as `ECONNREFUSED`), its message, the HTTP
 * status when there was one, and the `Retry-After` in seconds when Azure sent it.
 */
export interface AzureErrorLike {
  code: string;
  message: string;
  status?: number;
  retryAfterSeconds?: number;
}

export function isAzureErrorLike(value: unknown): value is AzureErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** `BackupVaultResource`, the parts the bot reads. Enum values are open strings, as Azure documents them. */
export interface VaultJson {
  id: string;
  name: string;
  location: string;
  properties: {
    storageSettings?: { datastoreType?: string; type?: string }[];
    featureSettings?: { crossRegionRestoreSettings?: { state?: string } };
    securitySettings?: {
      immutabilitySettings?: { state?: string };
      softDeleteSettings?: { state?: string; retentionDurationInDays?: number };
    };
    replicatedRegions?: string[];
  };
}

/** `AzureBackupRecoveryPointResource` with `AzureBackupDiscreteRecoveryPoint` properties. */
export interface RecoveryPointJson {
  id?: string;
  name: string;
  properties: {
    objectType?: string;
    recoveryPointId?: string;
    recoveryPointTime: string;
    recoveryPointState?: string;
  };
}

/** The end of a long-running validate operation (`OperationStatus`-like): `Succeeded` or `Failed` with an error. */
export interface OperationOutcomeJson {
  status: string;
  error?: { code: string; message: string };
}

/** `AzureBackupRecoveryPointBasedRestoreRequest` restoring a PG Flexible Server backup as files. */
export interface RestoreRequestBody {
  objectType: 'AzureBackupRecoveryPointBasedRestoreRequest';
  recoveryPointId: string;
  sourceDataStoreType: 'VaultStore';
  sourceResourceId?: string;
  restoreTargetInfo: {
    objectType: 'RestoreFilesTargetInfo';
    recoveryOption: 'FailIfExists';
    restoreLocation: string;
    targetDetails: {
      url: string;
      filePrefix: string;
      restoreTargetLocationType: 'AzureBlobs';
      targetResourceArmId?: string;
    };
  };
}

export interface CrossRegionRestoreBody {
  restoreRequestObject: RestoreRequestBody;
  crossRegionRestoreDetails: { sourceRegion: string; sourceBackupInstanceId: string };
}

/** The bot's stored copy of a vault (its inventory), for when the vault's own region does not answer. */
export interface StoredVaultJson {
  vault: VaultJson;
  /** When it was read from Azure (ISO time), and how long ago that was. */
  refreshedAt: string;
  ageSeconds: number;
  /** Ids of its backup instances as last listed, and when that was; absent when they were never listed. */
  instanceIds?: string[];
  instancesRefreshedAt?: string;
  instancesAgeSeconds?: number;
}

/** A region that failed recently: its reads are not tried again for a while. */
export interface RegionOutageJson {
  region: string;
  code: string;
  message: string;
  /** ISO time of the first failure. */
  since: string;
}

/** What the prechecks read from Azure. Every method may throw an `AzureErrorLike`. */
export interface PrecheckAzure {
  /** Optional (the bot's inventory): the vault as last stored; undefined when it was never seen. */
  storedVault?(vaultId: string): Promise<StoredVaultJson | undefined>;
  /** Optional: whether `region` failed recently, so that reading it again is not worth the wait. */
  regionOutage?(region: string): RegionOutageJson | undefined;
  /** BackupVaults_Get by full ARM id. */
  getVault(vaultId: string): Promise<VaultJson>;
  /** RecoveryPoints_Get. */
  getRecoveryPoint(backupInstanceId: string, recoveryPointId: string): Promise<RecoveryPointJson>;
  /** FetchSecondaryRecoveryPoints_List, all pages; with `range`, only points within it. */
  fetchSecondaryRecoveryPoints(input: {
    secondaryRegion: string;
    sourceRegion: string;
    backupInstanceId: string;
    /** ISO times, both inclusive (Azure's `$filter` on startDate/endDate). */
    range?: { startDate: string; endDate: string };
  }): Promise<RecoveryPointJson[]>;
  /** BackupInstances_ValidateForRestore, polled to its end. */
  validateRestore(input: { backupInstanceId: string; body: RestoreRequestBody }): Promise<OperationOutcomeJson>;
  /** BackupInstances_ValidateCrossRegionRestore at `locations/{secondaryRegion}`, polled to its end. */
  validateCrossRegionRestore(input: {
    secondaryRegion: string;
    body: CrossRegionRestoreBody;
  }): Promise<OperationOutcomeJson>;
}
