import { type AzureBackupJobResource, parseJobId } from '../../azure';
import { isBotError } from '../../errors';
import {
  type DataRestoreRequest,
  filePrefix,
  formatUtc,
  parseRequestId,
  type RestoreRequest,
  STATE_LABELS,
} from '../../restore';
import { requestFacts } from '../approval/approval-view';
import { listVaultsInScope } from '../data/vaults';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import { timesFooter } from '../time-labels';
import type { Fact, View } from '../views';
import { jobFacts, linkedRequestId } from './job-rows';

type StatusDeps = Pick<ConversationDeps, 'client' | 'policy' | 'now' | 'service'>;

const JOB_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `status R-XXXX` (a request and its job) or `status <job id>` (a restore job alone). */
export async function statusView(deps: StatusDeps, typed: string | undefined, timeZone?: string): Promise<View> {
  if (!typed)
    return { kind: 'error', title: 'Status', error: { code: 'STATUS_NEEDS_ID', message: say('STATUS_NEEDS_ID') } };
  const requestId = parseRequestId(typed);
  if (requestId) {
    const request = await deps.service.get(requestId);
    if (request) return requestStatus(deps, request, timeZone);
  }
  const job = await findJob(deps, typed.trim());
  if (job) {
    const requestId = await linkedRequestId(job, (id) => deps.service.get(id));
    return {
      kind: 'notice',
      title: `Restore job ${job.name}`,
      facts: jobFacts(job, deps.now(), timeZone, requestId),
      footer: timesFooter(timeZone),
    };
  }
  return {
    kind: 'error',
    title: 'Status',
    error: { code: 'STATUS_NOT_FOUND', message: say('STATUS_NOT_FOUND', { id: typed }) },
  };
}

async function requestStatus(deps: StatusDeps, request: RestoreRequest, timeZone?: string): Promise<View> {
  const now = deps.now();
  const facts: Fact[] =
    request.kind === 'restore'
      ? requestFacts(request, now)
      : [
          { label: 'Request', value: request.id },
          { label: 'Vault', value: request.vault.name },
          { label: 'Change', value: `${request.change.setting} → ${request.change.to}` },
        ];
  facts.splice(1, 0, { label: 'State', value: STATE_LABELS[request.state] });
  if (request.failure) facts.push({ label: 'Failure', value: `${request.failure.code}: ${request.failure.message}` });
  // Where the files go (or went): the container is among the request's facts, the prefix is the request's own.
  if (request.kind === 'restore' && request.azure.jobId)
    facts.push({ label: 'File prefix', value: filePrefix(request) });
  if (request.azure.jobId && request.kind === 'restore') {
    try {
      const job = await readRequestJob(deps, request);
      facts.push(...jobFacts(job, now, timeZone).filter((f) => f.label !== 'Server' && f.label !== 'Vault'));
    } catch (error) {
      if (!isBotError(error)) throw error;
      facts.push({ label: 'Job', value: `${request.azure.jobId} (could not read its status: ${error.code})` });
    }
  }
  if (request.expiresAt && request.state === 'awaiting_approval')
    facts.push({ label: 'Waiting until', value: formatUtc(request.expiresAt) });
  return {
    kind: 'notice',
    title: `Request ${request.id}: ${STATE_LABELS[request.state]}`,
    tone: request.state === 'succeeded' ? 'good' : request.state === 'failed' ? 'attention' : 'default',
    facts,
    footer: timesFooter(timeZone),
  };
}

function readRequestJob(deps: StatusDeps, request: DataRestoreRequest): Promise<AzureBackupJobResource> {
  const jobId = request.azure.jobId!;
  if (request.regionMode === 'secondary') {
    return deps.client.fetchCrossRegionRestoreJob(request.target.region, {
      sourceRegion: request.vault.location,
      sourceBackupVaultId: request.vault.id,
      jobId,
    });
  }
  return deps.client.getJob(jobId);
}

/**
 * A job by full ARM id (in a subscription the policy allows) or by GUID, looked for in the vaults in scope:
 * their own job lists first, then, for vaults with Cross Region Restore, their secondary region's.
 */
async function findJob(deps: StatusDeps, typed: string): Promise<AzureBackupJobResource | undefined> {
  const tryGet = (id: string) => notFoundAsUndefined(() => deps.client.getJob(id));
  if (typed.startsWith('/')) {
    try {
      if (!deps.policy.isSubscriptionInScope(parseJobId(typed).subscriptionId)) return undefined;
    } catch {
      return undefined;
    }
    return tryGet(typed);
  }
  if (!JOB_GUID.test(typed)) return undefined;
  const vaults = await listVaultsInScope(deps.client, deps.policy);
  for (const vault of vaults) {
    const job = await tryGet(`${vault.id}/backupJobs/${typed}`);
    if (job) return job;
  }
  for (const vault of vaults) {
    if (!vault.crossRegionRestoreAvailable || !vault.secondaryRegion) continue;
    const job = await notFoundAsUndefined(() =>
      deps.client.fetchCrossRegionRestoreJob(vault.secondaryRegion!, {
        sourceRegion: vault.location,
        sourceBackupVaultId: vault.id,
        jobId: typed,
      }),
    );
    if (job) return job;
  }
  return undefined;
}

async function notFoundAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isBotError(error) && ((error as { status?: number }).status === 404 || error.code === 'AZURE_NOT_FOUND'))
      return undefined;
    throw error;
  }
}
