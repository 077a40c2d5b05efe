import type { AzureBackupJobResource } from '../../azure';
import type { CrossRegionRestoreBody, RestoreRequestBody } from '../ports';

/**
 * What the trigger writes down before it calls Azure: enough to make the very same call again, and to
 * recognise the job that call started in Azure's job list.
 */
export type TriggerIntentDetails =
  | (IntentCommon & { operation: 'restore'; body: RestoreRequestBody })
  | (IntentCommon & { operation: 'crossRegionRestore'; body: CrossRegionRestoreBody });

interface IntentCommon {
  vaultId: string;
  backupInstanceId: string;
  recoveryPointId: string;
  sourceRegion: string;
  /** Where the files are written: the vault's region, or its secondary region for Cross Region Restore. */
  restoreRegion: string;
  targetUrl: string;
  /** Unique per request (it ends with the request id), and the restore uses FailIfExists. */
  filePrefix: string;
  /** When the request entered `triggering` and when this intent was written (service clock, ISO). */
  triggeredAt: string;
  intentAt: string;
}

/**
 * How far Azure's clock (job start times) may be behind ours. Generous: a job is matched on its file prefix
 * first, and on time only when Azure does not report the prefix.
 */
export const JOB_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The restore job this intent started, from a vault's job list (primary) or the secondary region's list
 * (Cross Region Restore), or undefined.
 *
 * A job reporting a file prefix is ours exactly when the prefix is ours (it contains the request id). A job
 * without one is ours when it restores this backup instance's recovery point to our container and started
 * at or after the intent (less the clock skew); of several such, the earliest is the one we started first.
 */
export function findTriggeredJob(
  jobs: readonly AzureBackupJobResource[],
  details: TriggerIntentDetails,
  intentCreatedAt: Date,
): AzureBackupJobResource | undefined {
  const earliest =
    Math.min(intentCreatedAt.getTime(), Date.parse(details.intentAt) || Number.POSITIVE_INFINITY) - JOB_CLOCK_SKEW_MS;
  const candidates = jobs.filter((job) => {
    const p = job.properties;
    if (!equalsIgnoreCase(p.operationCategory, 'Restore')) return false;
    if (p.backupInstanceId && !equalsIgnoreCase(p.backupInstanceId, details.backupInstanceId)) return false;
    const prefix = p.extendedInfo?.additionalDetails?.FilePrefix;
    if (prefix !== undefined) return prefix === details.filePrefix;
    if (!p.backupInstanceId) return false;
    if (!(Date.parse(p.startTime) >= earliest)) return false;
    const point = p.extendedInfo?.sourceRecoverPoint?.recoveryPointID;
    if (point !== undefined && point !== details.recoveryPointId) return false;
    const destination = p.extendedInfo?.recoveryDestination;
    return destination === undefined || sameUrl(destination, details.targetUrl);
  });
  return candidates.sort((a, b) => Date.parse(a.properties.startTime) - Date.parse(b.properties.startTime))[0];
}

function equalsIgnoreCase(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}
