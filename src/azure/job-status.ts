import type { AzureBackupJobResource } from './models';

export type JobPhase = 'running' | 'succeeded' | 'succeededWithWarnings' | 'failed' | 'cancelled';

/**
 * Job `status` is a free string in the spec and payloads disagree with its description (`Started`,
 * `Succeeded`, `Inprogress`). Only words we know to be terminal end a job; anything unknown is still running,
 * so the bot keeps watching rather than reporting an outcome it cannot vouch for.
 */
const PHASES: Readonly<Record<string, JobPhase>> = {
  inprogress: 'running',
  started: 'running',
  cancelling: 'running',
  paused: 'running',
  notstarted: 'running',
  succeeded: 'succeeded',
  completed: 'succeeded',
  completedwithwarnings: 'succeededWithWarnings',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export function classifyJobStatus(status: string | undefined): JobPhase {
  if (!status) return 'running';
  return PHASES[status.replace(/[\s_-]+/g, '').toLowerCase()] ?? 'running';
}

export function isTerminalJobPhase(phase: JobPhase): boolean {
  return phase !== 'running';
}

export function jobPhase(job: AzureBackupJobResource): JobPhase {
  return classifyJobStatus(job.properties.status);
}

/** Progress the portal would show: sub-task names with their status, in order. */
export function jobSubTasks(job: AzureBackupJobResource): Array<{ name: string; status: string; progress?: string }> {
  return (job.properties.extendedInfo?.subTasks ?? []).map((t) => ({
    name: t.taskName,
    status: t.taskStatus,
    ...(t.taskProgress !== undefined && { progress: t.taskProgress }),
  }));
}

/** The first error Azure attached to a failed job, if any. */
export function jobError(job: AzureBackupJobResource): { code?: string; message?: string } | undefined {
  const first = job.properties.errorDetails?.[0];
  return first ? { code: first.code, message: first.message } : undefined;
}
