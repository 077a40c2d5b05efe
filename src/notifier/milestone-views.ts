import { type AzureBackupJobResource, type JobPhase, lastSegment } from '../azure';
import { say } from '../dialogs/messages';
import type { Fact, View } from '../dialogs/views';
import { type DataRestoreRequest, filePrefix, formatUtc } from '../restore';
import { bytesText, dataTransferredBytes, durationText, jobDurationMs } from './job-facts';
import { GENERIC_ACTION, SUGGESTED_ACTIONS, tell } from './texts';

/**
 * The posts of one followed restore, as channel-neutral views: started, progress, the end (completed or
 * failed, with what to do next), stuck and unknown. Pure: the same inputs give the same view, so a post
 * repeated after a restart says the same thing.
 */

const PORTAL = 'https://portal.azure.com/#resource';

export function portalUrl(jobId: string): string {
  return `${PORTAL}${jobId}`;
}

function where(request: DataRestoreRequest, restoreRegion: string): string {
  return request.regionMode === 'secondary'
    ? `secondary region (${restoreRegion}, Cross Region Restore)`
    : `primary region (${restoreRegion})`;
}

export function startedView(request: DataRestoreRequest, jobId: string, restoreRegion: string): View {
  return {
    kind: 'notice',
    tone: 'good',
    title: say('RESTORE_STARTED', { requestId: request.id, jobId }),
    text: [
      tell('STARTED_DETAIL', { server: request.backupInstance.serverName, where: where(request, restoreRegion) }),
      tell('PORTAL_LINK', { url: portalUrl(jobId) }),
    ],
    facts: [
      { label: 'Request', value: request.id },
      { label: 'Job', value: lastSegment(jobId) },
      { label: 'Server', value: request.backupInstance.serverName },
      { label: 'Restore in', value: where(request, restoreRegion) },
    ],
  };
}

export type ProgressStep = { kind: 'task-done'; task: string } | { kind: 'half'; task: string; percent: number };

export function progressView(request: DataRestoreRequest, jobId: string, step: ProgressStep): View {
  const title =
    step.kind === 'task-done'
      ? tell('PROGRESS_TASK_DONE', { requestId: request.id, task: step.task })
      : tell('PROGRESS_HALF', { requestId: request.id, task: step.task, percent: step.percent });
  return { kind: 'notice', title, facts: [{ label: 'Job', value: lastSegment(jobId) }] };
}

/** The end of the job: status in words, duration, data moved, where the files are and how to load them. */
export function endView(request: DataRestoreRequest, job: AzureBackupJobResource, phase: JobPhase): View {
  const jobId = job.id ?? job.name ?? '';
  const facts: Fact[] = [
    { label: 'Request', value: request.id },
    { label: 'Status', value: STATUS_WORDS[phase] },
    { label: 'Job', value: lastSegment(jobId) },
    { label: 'Server', value: request.backupInstance.serverName },
  ];
  const ms = jobDurationMs(job);
  if (ms !== undefined) facts.push({ label: 'Duration', value: durationText(ms) });
  if (job.properties.endTime) facts.push({ label: 'Ended', value: formatUtc(job.properties.endTime) });
  const prefix = filePrefixOf(request, job);
  const containerUrl = request.target.containerUrl;

  if (phase === 'succeeded' || phase === 'succeededWithWarnings') {
    const bytes = dataTransferredBytes(job);
    if (bytes !== undefined) facts.push({ label: 'Data transferred', value: bytesText(bytes) });
    facts.push({ label: 'Container', value: containerUrl }, { label: 'File prefix', value: prefix });
    const key = phase === 'succeeded' ? 'COMPLETED' : 'COMPLETED_WITH_WARNINGS';
    return {
      kind: 'notice',
      tone: phase === 'succeeded' ? 'good' : 'warning',
      title: tell(key, { requestId: request.id, server: request.backupInstance.serverName }),
      facts,
      text: restoreSteps(containerUrl, prefix),
      ...(phase === 'succeededWithWarnings' ? { warnings: warningsOf(job) } : {}),
    };
  }

  const error = failureOf(job, phase);
  facts.push(
    { label: 'Error code', value: error.code },
    { label: 'Error message', value: error.message },
    { label: 'Container', value: containerUrl },
    { label: 'File prefix', value: prefix },
  );
  return {
    kind: 'error',
    tone: 'attention',
    title:
      phase === 'cancelled'
        ? tell('CANCELLED', { requestId: request.id })
        : tell('FAILED', { requestId: request.id, code: error.code }),
    facts,
    error: { code: error.code, message: error.message },
    text: [tell('FAILED_WHAT_NEXT', { action: error.action })],
  };
}

export const STATUS_WORDS: Record<JobPhase, string> = {
  running: 'In progress',
  succeeded: 'Completed',
  succeededWithWarnings: 'Completed with warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export interface JobFailure {
  code: string;
  message: string;
  action: string;
}

/** Azure's first error on the job, with the suggested action for its code. */
export function failureOf(job: AzureBackupJobResource, phase: JobPhase): JobFailure {
  const first = job.properties.errorDetails?.[0];
  const code = first?.code ?? (phase === 'cancelled' ? 'JobCancelled' : 'JobFailed');
  const message =
    first?.message ??
    (phase === 'cancelled' ? 'The job was cancelled in Azure.' : 'Azure reported the job as failed without details.');
  const action = SUGGESTED_ACTIONS[code] ?? first?.recommendedAction?.join(' ') ?? GENERIC_ACTION;
  return { code, message, action };
}

function warningsOf(job: AzureBackupJobResource): string[] {
  const warnings = (job.properties.extendedInfo?.warningDetails ?? []).flatMap((w) =>
    (w.warning ?? []).map((x) => [x.code, x.message].filter(Boolean).join(': ')),
  );
  return warnings.length ? warnings : ['Azure reported warnings; see the job in the Azure portal.'];
}

/** The prefix Azure reports for the job, else the one the request asked for (they are the same). */
function filePrefixOf(request: DataRestoreRequest, job: AzureBackupJobResource): string {
  return job.properties.extendedInfo?.additionalDetails?.FilePrefix ?? filePrefix(request);
}

/** Download, then pg_restore: the second step of a PG Flexible Server vaulted restore. */
export function restoreSteps(containerUrl: string, prefix: string): string[] {
  const { account, container } = blobParts(containerUrl);
  return [
    tell('FILES_WHERE', { containerUrl, prefix }),
    tell('DOWNLOAD_STEP', { account, container, prefix }),
    tell('PG_RESTORE_STEP', { prefix }),
    tell('ROLES_NOTE', {}),
  ];
}

function blobParts(containerUrl: string): { account: string; container: string } {
  try {
    const url = new URL(containerUrl);
    return {
      account: url.hostname.split('.')[0] ?? '<account>',
      container: url.pathname.replace(/^\/+|\/+$/g, '').split('/')[0] || '<container>',
    };
  } catch {
    return { account: '<account>', container: '<container>' };
  }
}

export function stuckView(request: DataRestoreRequest, jobId: string, runningForMs: number): View {
  return {
    kind: 'notice',
    tone: 'warning',
    title: tell('STUCK', {
      requestId: request.id,
      jobId: lastSegment(jobId),
      runningFor: durationText(runningForMs),
    }),
    text: [tell('PORTAL_LINK', { url: portalUrl(jobId) })],
  };
}

export function unknownView(
  request: DataRestoreRequest,
  jobId: string,
  since: string,
  reason: { kind: 'not-found' } | { kind: 'unreadable'; code: string },
): View {
  const common = { requestId: request.id, jobId: lastSegment(jobId), since: formatUtc(since) };
  return {
    kind: 'notice',
    tone: 'warning',
    title:
      reason.kind === 'not-found'
        ? tell('UNKNOWN_NOT_FOUND', common)
        : tell('UNKNOWN_UNREADABLE', { ...common, code: reason.code }),
    text: [tell('PORTAL_LINK', { url: portalUrl(jobId) })],
  };
}

/** The same post, marked as a repeat after a restart (Teams, where nobody can check what went out). */
export function asRepeat(view: View): View {
  return { ...view, footer: tell('REPEAT_NOTE', {}) };
}
