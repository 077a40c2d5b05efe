import { BotError } from '../errors';
import { parseBackupInstanceId } from './arm-id';
import type {
  AzureBackupRecoveryPointBasedRestoreRequest,
  AzureBackupRestoreRequest,
  CrossRegionRestoreRequestObject,
} from './models';
import { normalizeRegion } from './regions';

export interface PgFlexRestoreInput {
  /** The recovery point's name / `recoveryPointId` (for CRR: one returned by fetchSecondaryRecoveryPoints). */
  recoveryPointId: string;
  /** Region the restore runs in (the vault's region, or the secondary region for CRR). */
  restoreRegion: string;
  /** `https://<account>.blob.core.windows.net/<container>` that receives the dump files. */
  containerUrl: string;
  /** Common prefix of the restored files inside the container. */
  filePrefix: string;
  /** Target storage account id; Azure needs it for cross-subscription restores. */
  targetResourceArmId?: string;
}

/**
 * The restore request for an Azure Database for PostgreSQL flexible server vaulted backup. The only shape Azure
 * supports for it: restore as files (`RestoreFilesTargetInfo`, `AzureBlobs`) from the `VaultStore`,
 * `FailIfExists`, recovery-point based.
 */
export function buildPgFlexRestoreRequest(input: PgFlexRestoreInput): AzureBackupRecoveryPointBasedRestoreRequest {
  const recoveryPointId = input.recoveryPointId?.trim();
  if (!recoveryPointId) throw invalid('INVALID_RECOVERY_POINT', 'A recovery point id is required');
  const restoreLocation = normalizeRegion(input.restoreRegion ?? '');
  if (!/^[a-z0-9]+$/.test(restoreLocation))
    throw invalid('INVALID_REGION', `Not an Azure region name: "${input.restoreRegion}"`);
  const url = validateContainerUrl(input.containerUrl);
  const filePrefix = input.filePrefix?.trim();
  if (!filePrefix) throw invalid('INVALID_FILE_PREFIX', 'The restored files need a non-empty name prefix');
  if (/[\\/?#]/.test(filePrefix) || filePrefix.length > 200) {
    throw invalid(
      'INVALID_FILE_PREFIX',
      'The file prefix must be at most 200 characters without "/", "\\", "?" or "#"',
    );
  }
  const targetResourceArmId = input.targetResourceArmId?.trim();
  if (
    targetResourceArmId !== undefined &&
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\//i.test(targetResourceArmId)
  ) {
    throw invalid(
      'INVALID_TARGET_RESOURCE',
      'targetResourceArmId must be an Azure resource id (/subscriptions/…/providers/…)',
    );
  }
  return {
    objectType: 'AzureBackupRecoveryPointBasedRestoreRequest',
    recoveryPointId,
    sourceDataStoreType: 'VaultStore',
    restoreTargetInfo: {
      objectType: 'RestoreFilesTargetInfo',
      recoveryOption: 'FailIfExists',
      restoreLocation,
      targetDetails: {
        url,
        filePrefix,
        restoreTargetLocationType: 'AzureBlobs',
        ...(targetResourceArmId ? { targetResourceArmId } : {}),
      },
    },
  };
}

export interface CrossRegionSource {
  /** The primary region (the vault's location). */
  sourceRegion: string;
  /** The primary backup instance ARM id. */
  sourceBackupInstanceId: string;
}

/** Wraps a restore request for Cross Region Restore (`crossRegionRestore` / `validateCrossRegionRestore`). */
export function buildCrossRegionRestoreRequest(
  restoreRequest: AzureBackupRestoreRequest,
  source: CrossRegionSource,
): CrossRegionRestoreRequestObject {
  const sourceRegion = normalizeRegion(source.sourceRegion ?? '');
  if (!/^[a-z0-9]+$/.test(sourceRegion))
    throw invalid('INVALID_REGION', `Not an Azure region name: "${source.sourceRegion}"`);
  try {
    parseBackupInstanceId(source.sourceBackupInstanceId);
  } catch (error) {
    throw invalid(
      'INVALID_BACKUP_INSTANCE',
      `sourceBackupInstanceId is not a backup instance id: ${(error as Error).message}`,
    );
  }
  const restoreLocation = restoreRequest.restoreTargetInfo.restoreLocation;
  return {
    restoreRequestObject: {
      ...restoreRequest,
      restoreTargetInfo: {
        ...restoreRequest.restoreTargetInfo,
        ...(restoreLocation !== undefined && { restoreLocation: normalizeRegion(restoreLocation) }),
      },
    },
    crossRegionRestoreDetails: { sourceRegion, sourceBackupInstanceId: source.sourceBackupInstanceId },
  };
}

/** Only real https blob container URLs: the vault writes database dumps there. */
export function validateContainerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL((raw ?? '').trim());
  } catch {
    throw invalid('INVALID_CONTAINER_URL', `Not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:') throw invalid('INVALID_CONTAINER_URL', 'The restore container URL must use https');
  if (url.username || url.password)
    throw invalid('INVALID_CONTAINER_URL', 'The restore container URL must not contain credentials');
  if (url.search || url.hash)
    throw invalid(
      'INVALID_CONTAINER_URL',
      'The restore container URL must not carry a query (no SAS tokens) or fragment',
    );
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length !== 1)
    throw invalid(
      'INVALID_CONTAINER_URL',
      'The restore container URL must name exactly one container: https://<account>.blob.core.windows.net/<container>',
    );
  return `${url.origin}/${segments[0]}`;
}

function invalid(code: string, message: string): BotError {
  return new BotError(code, message);
}
