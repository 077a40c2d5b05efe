import type { AzureBackupJobResource } from '../../azure';
import { isAzureError } from '../../azure';
import { asBotError } from '../../errors';
import type { Logger } from '../../log';
import type { Store, TriggerIntent } from '../../store';
import type { DataRestoreRequest, RestoreRequest, VaultSettingRequest } from '../request';
import { transition } from '../transitions';
import type { RestoreAzure } from './deps';
import type { RequestRepository } from './request-repo';
import { outcomeOf, type TriggerOutcome, type TriggerPath } from './trigger';
import { findTriggeredJob, type TriggerIntentDetails } from './trigger-intent';
import type { VaultSettingTrigger } from './vault-setting-trigger';

/**
 * Finishes what a crash (or an unanswered Azure call) left between "approved" and "running". Run at start and
 * periodically; any number of replicas may run it at once.
 *
 * For a request stuck in `triggering`:
 * 1. No intent: Azure was never called (the intent is committed before the call), so the trigger simply
 *    continues; the intent insert lets only one process make the call.
 * 2. An intent and a saved poller state: Azure accepted the call. It is NEVER made again; the operation is
 *    resumed to learn the job id (or its failure), else the job is looked up in Azure's job list.
 * 3. An intent without a poller state: the call may have started a job, been refused, or never left the
 *    process. Azure's job list (primary: the vault's; Cross Region Restore: the secondary region's) is read
 *    first, and a job for this intent (see findTriggeredJob) is recorded.
 * 4. No job listed: call again only when nothing has happened on the request for `retriggerAfterMs`
 *    (default 15 min), claimed by one conditional update so one replica does it. Why that is safe: Azure lists
 *    a restore job as soon as it accepts the trigger, so after the window an empty list means the first call
 *    started nothing; and should it have started one after all, the repeat carries the same body, whose
 *    unique file prefix with `FailIfExists` makes the second restore fail instead of writing a second copy.
 *    Inside the window the request is left alone: a live trigger may still be on its way.
 */
export type RecoveryAction =
  | 'triggered'
  | 'continued'
  | 'job-found'
  | 'retriggered'
  | 'waiting'
  | 'failed'
  | 'error'
  /** A vault-setting request finished: the vault shows the change. */
  | 'completed';

export interface RecoveryEntry {
  requestId: string;
  action: RecoveryAction;
  outcome?: TriggerOutcome;
  detail?: string;
}

export interface RecoveryContext {
  store: Store;
  repo: RequestRepository;
  azure: RestoreAzure;
  triggers: TriggerPath;
  now: () => Date;
  logger: Logger;
  retriggerAfterMs: number;
  /** Vault-setting requests left in triggering or running (vault-setting-trigger.ts has their rules). */
  vaultSettings: Pick<VaultSettingTrigger, 'recoverTriggering' | 'resumeRunning'>;
}

export class Recovery {
  constructor(private readonly ctx: RecoveryContext) {}

  async recover(): Promise<RecoveryEntry[]> {
    const entries: RecoveryEntry[] = [];
    // Approved but never claimed: the approving process died between the approval and the trigger.
    for (const request of await this.ctx.repo.listIn(['approved'])) {
      entries.push(
        await this.guard(request, async () => actionFor('triggered', await this.ctx.triggers.trigger(request.id))),
      );
    }
    for (const request of await this.ctx.repo.listIn(['triggering'])) {
      entries.push(
        await this.guard(request, () =>
          request.kind === 'vault-setting'
            ? this.ctx.vaultSettings.recoverTriggering(request)
            : this.recoverTriggering(request),
        ),
      );
    }
    // A running restore is the notifier's (its job watch); a running vault change is an operation to follow.
    for (const request of await this.ctx.repo.listIn(['running'], 500, 'vault-setting')) {
      entries.push(
        await this.guard(request, () => this.ctx.vaultSettings.resumeRunning(request as VaultSettingRequest)),
      );
    }
    return entries;
  }

  private async recoverTriggering(request: RestoreRequest): Promise<RecoveryEntry> {
    const intent = await this.ctx.store.intents.getIntent<TriggerIntentDetails>(request.id);
    if (!intent) {
      return actionFor('continued', await this.ctx.triggers.checkAndCall(request as DataRestoreRequest));
    }
    const details = intent.details;
    if (intent.jobId) {
      const outcome = await this.ctx.triggers.recordJob(request, intent.jobId, details, undefined, 'recovery');
      return actionFor('job-found', outcome);
    }

    const accepted = request.azure.pollerState;
    if (accepted) {
      const outcome = await this.resumeAccepted(request, accepted, details);
      if (outcome) return actionFor(outcome.status === 'running' ? 'job-found' : 'failed', outcome);
    }

    const job = await this.findJob(intent);
    if (job) {
      const outcome = await this.ctx.triggers.recordJob(request, job.id!, details, undefined, 'recovery');
      return actionFor('job-found', outcome);
    }
    if (accepted) {
      return entry(request, 'waiting', 'Azure accepted the trigger; its job is not listed yet');
    }

    const quietMs = this.ctx.now().getTime() - lastActivityMs(request, intent);
    if (quietMs < this.ctx.retriggerAfterMs) {
      return entry(request, 'waiting', `no job listed yet; ${Math.round(quietMs / 1000)} s since the last attempt`);
    }
    return this.retrigger(request, intent, quietMs);
  }

  /**
   * Polls an operation Azure accepted. Returns undefined when its end is not known yet (or it named no job),
   * so the caller looks in the job list instead.
   */
  private async resumeAccepted(
    request: RestoreRequest,
    pollerState: string,
    details: TriggerIntentDetails,
  ): Promise<TriggerOutcome | undefined> {
    let jobId: string | undefined;
    try {
      jobId = (await this.ctx.azure.resumeOperation(pollerState).pollUntilDone()).jobId;
    } catch (error) {
      if (isAzureError(error, 'AZURE_OPERATION_FAILED')) {
        const reason = { code: error.armCode ?? 'OperationFailed', message: error.message };
        return this.ctx.triggers.fail(request, reason, { audit: [] });
      }
      this.ctx.logger.warn('recovery: could not resume the trigger operation', {
        requestId: request.id,
        code: asBotError(error).code,
      });
      return undefined;
    }
    if (!jobId) return undefined;
    return this.ctx.triggers.recordJob(request, jobId, details, pollerState, 'recovery');
  }

  private async findJob(intent: TriggerIntent<TriggerIntentDetails>): Promise<AzureBackupJobResource | undefined> {
    const d = intent.details;
    const pager =
      d.operation === 'restore'
        ? this.ctx.azure.listJobs(d.vaultId)
        : this.ctx.azure.fetchCrossRegionRestoreJobs(d.restoreRegion, {
            sourceRegion: d.sourceRegion,
            sourceBackupVaultId: d.vaultId,
          });
    const restores: AzureBackupJobResource[] = [];
    for await (const job of pager) {
      // Keep only this instance's restores: a vault's history can hold thousands of backup jobs.
      const p = job.properties;
      if (p.operationCategory?.toLowerCase() === 'restore' && job.id) restores.push(job);
    }
    return findTriggeredJob(restores, d, intent.createdAt);
  }

  private async retrigger(
    request: RestoreRequest,
    intent: TriggerIntent<TriggerIntentDetails>,
    quietMs: number,
  ): Promise<RecoveryEntry> {
    // The claim: one conditional update (a version bump that also restarts the quiet window), so of several
    // replicas recovering at once exactly one calls Azure again.
    const claim = transition(request, { type: 'progress' }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, claim, [
      this.ctx.triggers.audit('trigger_retried', request.id, {
        reason: 'no job in Azure for the recorded intent',
        intentAt: intent.details.intentAt,
        quietSeconds: Math.round(quietMs / 1000),
      }),
    ]);
    if (!saved.ok) return actionFor('waiting', outcomeOf(saved.current));
    this.ctx.logger.warn('recovery: calling Azure again for an intent without a job', { requestId: request.id });
    return actionFor('retriggered', await this.ctx.triggers.call(saved.request, intent));
  }

  private async guard(request: RestoreRequest, work: () => Promise<RecoveryEntry>): Promise<RecoveryEntry> {
    try {
      return await work();
    } catch (error) {
      const bot = asBotError(error);
      this.ctx.logger.error('recovery failed for a request', { requestId: request.id, code: bot.code });
      return entry(request, 'error', `${bot.code}: ${bot.message}`);
    }
  }
}

/** The last time anything was done towards triggering: the intent, the claim, a retry (all bump updatedAt). */
function lastActivityMs(request: RestoreRequest, intent: TriggerIntent<TriggerIntentDetails>): number {
  return Math.max(Date.parse(request.updatedAt), intent.createdAt.getTime(), Date.parse(intent.details.intentAt) || 0);
}

function actionFor(action: RecoveryAction, outcome: TriggerOutcome): RecoveryEntry {
  return { requestId: outcome.request.id, action, outcome };
}

function entry(request: RestoreRequest, action: RecoveryAction, detail: string): RecoveryEntry {
  return { requestId: request.id, action, detail };
}
