/**
 * Checks restore request bodies the way the service does for a PG flexible server: only a recovery-point
 * based restore, as files, from the vault store, into a blob container. Unknown extra properties (such as the
 * top-level `objectType` the CLI adds) are ignored; anything missing or of the wrong kind is a
 * 400 InvalidRequestContent naming the property.
 */
import { badRequest, isRecord, sameText } from './http';

export interface RestoreRequest {
  recoveryPointId: string;
  targetUrl: string;
  filePrefix: string;
  restoreLocation?: string;
}

export interface CrossRegionRestoreBody {
  request: RestoreRequest;
  sourceRegion: string;
  sourceBackupInstanceId: string;
}

export function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw badRequest(`${path} is required and must be an object.`);
  return value;
}

export function requireString(obj: Record<string, unknown>, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw badRequest(`${path}.${key} is required and must be a non-empty string.`);
  return value;
}

function requireValue(obj: Record<string, unknown>, key: string, path: string, expected: string, why: string): void {
  const value = obj[key];
  if (value === undefined) throw badRequest(`${path}.${key} is required; expected '${expected}'.`);
  if (!sameText(value, expected)) {
    throw badRequest(`${path}.${key} '${String(value)}' is not supported: ${why}; expected '${expected}'.`);
  }
}

export function parseRestoreRequest(value: unknown, path: string): RestoreRequest {
  const body = requireObject(value, path);
  requireValue(
    body,
    'objectType',
    path,
    'AzureBackupRecoveryPointBasedRestoreRequest',
    'PostgreSQL flexible server restores are recovery point based',
  );
  const recoveryPointId = requireString(body, 'recoveryPointId', path);
  requireValue(
    body,
    'sourceDataStoreType',
    path,
    'VaultStore',
    'PostgreSQL flexible server backups are kept in the vault store',
  );
  const targetPath = `${path}.restoreTargetInfo`;
  const target = requireObject(body.restoreTargetInfo, targetPath);
  requireValue(
    target,
    'objectType',
    targetPath,
    'RestoreFilesTargetInfo',
    'PostgreSQL flexible server restores as files only',
  );
  requireValue(target, 'recoveryOption', targetPath, 'FailIfExists', 'it is the only recovery option');
  const detailsPath = `${targetPath}.targetDetails`;
  const details = requireObject(target.targetDetails, detailsPath);
  const targetUrl = requireString(details, 'url', detailsPath);
  if (!/^https?:\/\/[^/\s]+\/[^\s]+$/i.test(targetUrl)) {
    throw badRequest(
      `${detailsPath}.url '${targetUrl}' must be a blob container URL such as https://<account>.blob.core.windows.net/<container>.`,
    );
  }
  const filePrefix = requireString(details, 'filePrefix', detailsPath);
  requireValue(
    details,
    'restoreTargetLocationType',
    detailsPath,
    'AzureBlobs',
    'files are restored to a blob container',
  );
  const restoreLocation = typeof target.restoreLocation === 'string' ? target.restoreLocation : undefined;
  return { recoveryPointId, targetUrl, filePrefix, restoreLocation };
}

/** ValidateRestoreRequestObject: `{ restoreRequestObject }`. */
export function parseValidateRestoreBody(body: unknown): RestoreRequest {
  const obj = requireObject(body, 'The request body');
  return parseRestoreRequest(obj.restoreRequestObject, 'restoreRequestObject');
}

/** CrossRegionRestoreRequestObject / ValidateCrossRegionRestoreRequestObject. */
export function parseCrossRegionRestoreBody(body: unknown): CrossRegionRestoreBody {
  const obj = requireObject(body, 'The request body');
  const request = parseRestoreRequest(obj.restoreRequestObject, 'restoreRequestObject');
  const details = requireObject(obj.crossRegionRestoreDetails, 'crossRegionRestoreDetails');
  return {
    request,
    sourceRegion: requireString(details, 'sourceRegion', 'crossRegionRestoreDetails'),
    sourceBackupInstanceId: requireString(details, 'sourceBackupInstanceId', 'crossRegionRestoreDetails'),
  };
}
