import { type AzureBackupJobResource, jobError, jobPhase, lastSegment } from '../../azure';
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

export function jobFacts(job: AzureBackupJobResource, now: Date, timeZone?: string): Fact[] {
  const p = job.properties;
  const error = jobError(job);
  return [
    { label: 'Job', value: lastSegment(job.id || job.name) },
    { label: 'Status', value: PHASE_WORDS[jobPhase(job)] },
    { label: 'Server', value: p.dataSourceName },
    { label: 'Vault', value: p.vaultName },
    { label: 'Operation', value: p.operation },
    ...(p.startTime ? [{ label: 'Started', value: timeLabel(p.startTime, now, timeZone) }] : []),
    ...(p.endTime ? [{ label: 'Ended', value: timeLabel(p.endTime, now, timeZone) }] : []),
    ...(p.duration ? [{ label: 'Duration', value: p.duration }] : []),
    ...(error ? [{ label: 'Error', value: `${error.code ?? 'unknown'}: ${error.message ?? ''}`.trim() }] : []),
  ];
}

export function jobRow(job: AzureBackupJobResource, now: Date, timeZone?: string): ListRow {
  return {
    title: `${job.properties.dataSourceName} — ${PHASE_WORDS[jobPhase(job)]}`,
    facts: jobFacts(job, now, timeZone),
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
