import { type AzureBackupJobResource, jobError, jobPhase, lastSegment } from '../../azure';
import type { RestoreRequest } from '../../restore';
import { timeLabel } from '../time-labels';
import type { Fact, ListRow } from '../views';

/** Job phases in the words the SPEC uses (*Completed*, *Failed*). */
export const PHASE_WORDS: Record<ReturnType<typeof jobPhase>, string> = {
  running: 'In progress',
  succeeded: 'Completed',
  succeededWithWarnings: 'Completed with warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function isRestoreJob(job: AzureBackupJobResource): boolean {
  return job.properties.operationCategory?.toLowerCase() === 'restore';
}

/** The workload the bot restores; a vault may protect others (blobs, disks) whose jobs are not ours to show. */
const PG_FLEX_DATASOURCE = 'microsoft.dbforpostgresql/flexibleservers';

/** A restore job of a PG Flexible Server, as the portal's Backup Jobs view filtered by that workload. */
export function isPgFlexRestoreJob(job: AzureBackupJobResource): boolean {
  const type = job.properties.dataSourceType?.toLowerCase();
  return isRestoreJob(job) && (!type || type.startsWith(PG_FLEX_DATASOURCE));
}

/** Where the job restores to (the vault's region, or the secondary region for Cross Region Restore). */
export function restoreRegionOf(job: AzureBackupJobResource): string | undefined {
  return job.properties.extendedInfo?.additionalDetails?.RestoreRegion ?? job.properties.dataSourceLocation;
}

/**
 * The request a job was started for, as its file prefix names it (the bot's prefixes end with the request
 * id); the caller confirms it against the stored request before showing it.
 */
export function requestIdNamedBy(job: AzureBackupJobResource): string | undefined {
  const prefix = job.properties.extendedInfo?.additionalDetails?.FilePrefix;
  return prefix ? /-(R-[2-9A-HJ-NP-Z]{4})$/.exec(prefix)?.[1] : undefined;
}

/** The request id `job` was started for, when the stored request confirms it (its job is this job). */
export async function linkedRequestId(
  job: AzureBackupJobResource,
  find: (requestId: string) => Promise<RestoreRequest | undefined>,
): Promise<string | undefined> {
  const requestId = requestIdNamedBy(job);
  if (!requestId) return undefined;
  const request = await find(requestId);
  const recorded = request?.azure.jobId;
  if (!recorded) return undefined;
  return lastSegment(recorded).toLowerCase() === lastSegment(job.id || job.name).toLowerCase() ? requestId : undefined;
}

export function jobFacts(job: AzureBackupJobResource, now: Date, timeZone?: string, requestId?: string): Fact[] {
  const p = job.properties;
  const error = jobError(job);
  const region = restoreRegionOf(job);
  return [
    { label: 'Job', value: lastSegment(job.id || job.name) },
    { label: 'Status', value: PHASE_WORDS[jobPhase(job)] },
    ...(requestId ? [{ label: 'Request', value: requestId }] : []),
    { label: 'Server', value: p.dataSourceName },
    { label: 'Vault', value: p.vaultName },
    ...(region ? [{ label: 'Restore in', value: region }] : []),
    { label: 'Operation', value: p.operation },
    ...(p.startTime ? [{ label: 'Started', value: timeLabel(p.startTime, now, timeZone) }] : []),
    ...(p.endTime ? [{ label: 'Ended', value: timeLabel(p.endTime, now, timeZone) }] : []),
    ...(p.duration ? [{ label: 'Duration', value: p.duration }] : []),
    ...(error ? [{ label: 'Error', value: `${error.code ?? 'unknown'}: ${error.message ?? ''}`.trim() }] : []),
  ];
}

export function jobRow(job: AzureBackupJobResource, now: Date, timeZone?: string, requestId?: string): ListRow {
  return {
    title: `${job.properties.dataSourceName} — ${PHASE_WORDS[jobPhase(job)]}`,
    facts: jobFacts(job, now, timeZone, requestId),
    actions: [
      { id: 'status', label: 'Status', mode: 'submit', data: { id: lastSegment(job.id || job.name).slice(0, 75) } },
    ],
  };
}

export function newestJobsFirst(jobs: AzureBackupJobResource[]): AzureBackupJobResource[] {
  return [...jobs].sort(
    (a, b) => (Date.parse(b.properties.startTime) || 0) - (Date.parse(a.properties.startTime) || 0),
  );
}
