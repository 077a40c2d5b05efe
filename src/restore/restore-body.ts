import type { CrossRegionRestoreBody, RestoreRequestBody } from './ports';
import type { DataRestoreRequest } from './request';

/**
 * The Azure request bodies for a PG Flexible Server restore as files (SPEC section 1). Validation before
 * approval and the trigger after it build the body here, so Azure validates exactly what will run.
 */
export function restoreBody(request: DataRestoreRequest, restoreRegion: string): RestoreRequestBody {
  return {
    objectType: 'AzureBackupRecoveryPointBasedRestoreRequest',
    recoveryPointId: request.recoveryPoint.id,
    sourceDataStoreType: 'VaultStore',
    restoreTargetInfo: {
      objectType: 'RestoreFilesTargetInfo',
      recoveryOption: 'FailIfExists',
      restoreLocation: restoreRegion,
      targetDetails: {
        url: request.target.containerUrl,
        filePrefix: filePrefix(request),
        restoreTargetLocationType: 'AzureBlobs',
      },
    },
  };
}

export function crossRegionRestoreBody(
  request: DataRestoreRequest,
  sourceRegion: string,
  restoreRegion: string,
): CrossRegionRestoreBody {
  return {
    restoreRequestObject: restoreBody(request, restoreRegion),
    crossRegionRestoreDetails: { sourceRegion, sourceBackupInstanceId: request.backupInstance.id },
  };
}

/**
 * Where the files land inside the container: server, point time and request id, so that the operator can
 * tell restores apart and `FailIfExists` never trips over an earlier restore of the same point.
 */
export function filePrefix(request: DataRestoreRequest): string {
  const time = new Date(request.recoveryPoint.time).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${request.backupInstance.serverName}-${time}Z-${request.id}`;
}
