import type { ArmOperation, OperationJobExtendedInfo } from '../../azure';
import { isAzureError } from '../../azure';
import { normalizeRegion } from '../../azure/regions';
import { asBotError } from '../../errors';
import type { Logger } from '../../log';
import type { Store, TriggerIntent } from '../../store';
import { type AuditEventInput, appendAudit } from '../audit';
import type { Policy } from '../policy';
import type { PrecheckAzure } from '../ports';
import { type PrecheckResult, runPrechecks, toValidationRecord } from '../prechecks';
import type {
  DataRestoreRequest,
  IssueRecord,
  RestoreRequest,
  ValidationRecord,
  VaultSettingRequest,
} from '../request';
import { crossRegionRestoreBody, filePrefix, restoreBody } from '../restore-body';
import { transition } from '../transitions';
import type { CrashHook } from './crash-hook';
import { type RestoreAzure, SYSTEM_ACTOR, SYSTEM_CHANNEL } from './deps';
import { unsupportedKind } from './errors';
import type { RequestRepository } from './request-repo';
import type { TriggerIntentDetails } from './trigger-intent';

/**
 * The trigger path, the one place that calls Azure to start a restore:
 *   (a) approved → triggering, one conditional update that only one caller wins;
 *   (b) the prechecks again (a failure ends the request `failed` with the reason);
 *   (c) the intent (what will be sent, and when), committed BEFORE Azure is called — and only the process
 *       whose insert created it may call;
 *   (d) the call; Azure's acceptance is saved at once as the operation's poller state;
 *   (e) the job id, `running`, the audit event and the job watch, in one transaction.
 * Whatever is left half-done by a crash between these steps, recovery.ts finishes without a second call
 * unless it can prove the first never started a job.
 */

export type TriggerOutcome =
  /** Azure started the restore; the job is recorded and watched. */
  | { status: 'running'; request: RestoreRequest; jobId: string }
  /** A vault-setting request: the vault has the setting now (`alreadyApplied`: it had it, no PATCH was sent). */
  | { status: 'succeeded'; request: RestoreRequest; alreadyApplied: boolean }
  /** It will not run: the re-check failed, or Azure refused the restore. */
  | { status: 'failed'; request: RestoreRequest; reason: IssueRecord }
  /** Azure's answer is not known (5xx, timeout, throttled after retries): recovery reconciles with the job list. */
  | { status: 'pending'; request: RestoreRequest; reason: IssueRecord }
  /** Nothing done here: the request is not approved, or another caller already took it. */
  | { status: 'skipped'; request: RestoreRequest; reason: 'not-approved' | 'taken' };

export interface TriggerContext {
  store: Store;
  repo: RequestRepository;
  azure: RestoreAzure;
  precheckAzure: PrecheckAzure;
  policy: Policy;
  now: () => Date;
  logger: Logger;
  crash: CrashHook;
  /** Vault-setting requests take their own path (vault-setting-trigger.ts). */
  vaultSettings?: { trigger(request: VaultSettingRequest): Promise<TriggerOutcome> };
}

export class TriggerPath {
  constructor(private readonly ctx: TriggerContext) {}

  /** Triggers an approved request; any number of concurrent callers start at most one restore. */
  async trigger(requestId: string): Promise<TriggerOutcome> {
    const request = await this.ctx.repo.require(requestId);
    if (request.kind === 'vault-setting' && this.ctx.vaultSettings) return this.ctx.vaultSettings.trigger(request);
    if (request.kind !== 'restore') throw unsupportedKind(request.id, request.kind);
    if (request.state !== 'approved') return { status: 'skipped', request, reason: 'not-approved' };
    const claimed = transition(request, { type: 'trigger' }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, claimed, [this.audit('trigger_started', request.id, {})]);
    if (!saved.ok) return { status: 'skipped', request: saved.current, reason: 'taken' };
    return this.checkAndCall(saved.request as DataRestoreRequest);
  }

  /** Steps (b) to (e) for a request in `triggering` that has no intent yet (so Azure was never called for it). */
  async checkAndCall(request: DataRestoreRequest): Promise<TriggerOutcome> {
    const checks = await runPrechecks(request, { azure: this.ctx.precheckAzure, policy: this.ctx.policy });
    const validation = toValidationRecord(checks, this.ctx.now());
    if (!checks.ok && checks.failures.every((f) => TRANSIENT_PRECHECK_CODES.has(f.code))) {
      // Azure could not be asked (throttled, down): no intent, so nothing was called; recovery checks again.
      return this.pending(request, precheckReason(checks));
    }
    if (!checks.ok || !checks.restoreRegion) {
      return this.fail(request, precheckReason(checks), {
        validation,
        audit: [this.audit('validated', request.id, { stage: 'trigger', ...validation })],
      });
    }
    this.ctx.crash('before-intent');
    const details = this.intentDetails(request, checks);
    const { intent, created } = await this.ctx.store.intents.recordIntent<TriggerIntentDetails>(request.id, details);
    if (!created) {
      // Someone else wrote the intent between our claim and now (recovery racing a slow trigger): theirs is
      // the one call; ours must not be a second.
      return this.pending(request, {
        code: 'TRIGGER_INTENT_EXISTS',
        message: `another process is already triggering ${request.id}`,
      });
    }
    this.ctx.crash('after-intent');
    return this.call(request, intent);
  }

  /** Step (d) and (e): sends the intent's call to Azure. The caller has made sure it is ours to send. */
  async call(request: RestoreRequest, intent: TriggerIntent<TriggerIntentDetails>): Promise<TriggerOutcome> {
    const details = intent.details;
    let operation: ArmOperation<OperationJobExtendedInfo>;
    try {
      operation =
        details.operation === 'restore'
          ? await this.ctx.azure.restore(details.backupInstanceId, details.body)
          : await this.ctx.azure.crossRegionRestore(details.restoreRegion, details.body);
    } catch (error) {
      return this.onCallError(request, error);
    }
    this.ctx.crash('after-azure-call');
    // Azure has accepted the call: from now on nobody may call again, and a restart resumes this operation.
    const accepted = await this.saveProgress(request, operation.toString());
    return this.finish(accepted, operation, details);
  }

  /** Polls an accepted trigger's operation to the job id and records it. */
  async finish(
    request: RestoreRequest,
    operation: ArmOperation<OperationJobExtendedInfo>,
    details: TriggerIntentDetails,
  ): Promise<TriggerOutcome> {
    let jobId: string | undefined;
    try {
      jobId = (await operation.pollUntilDone()).jobId;
    } catch (error) {
      if (isAzureError(error, 'AZURE_OPERATION_FAILED')) {
        const reason = { code: error.armCode ?? 'OperationFailed', message: error.message };
        return this.fail(request, reason, { audit: [] });
      }
      return this.pending(request, issueOf(error));
    }
    if (!jobId) {
      return this.pending(request, {
        code: 'TRIGGER_NO_JOB_ID',
        message: 'Azure accepted the restore but named no job; recovery will find it in the job list',
      });
    }
    return this.recordJob(request, jobId, details, operation.toString());
  }

  /** Step (e): job id on the intent, `running`, audit, job watch — one transaction. */
  async recordJob(
    request: RestoreRequest,
    jobId: string,
    details: TriggerIntentDetails,
    pollerState?: string,
    via: 'trigger' | 'recovery' = 'trigger',
  ): Promise<TriggerOutcome> {
    let current = request;
    // A concurrent progress save (e.g. recovery's) may have moved the version on; retry while still triggering.
    for (let attempt = 0; attempt < 5 && current.state === 'triggering'; attempt++) {
      const next = transition(
        current,
        { type: 'triggered', jobId, ...(pollerState !== undefined && { pollerState }) },
        this.ctx.now(),
      );
      const event = this.audit('triggered', current.id, {
        jobId,
        operation: details.operation,
        restoreRegion: details.restoreRegion,
        filePrefix: details.filePrefix,
        targetUrl: details.targetUrl,
        via,
      });
      const saved = await this.ctx.repo.save(current, next, [event], async (tx) => {
        await tx.intents.recordJob(current.id, jobId, pollerState);
        await tx.watches.register({
          id: jobId,
          requestId: current.id,
          data: {
            jobId,
            requestId: current.id,
            vaultId: details.vaultId,
            operation: details.operation,
            sourceRegion: details.sourceRegion,
            restoreRegion: details.restoreRegion,
          },
        });
      });
      if (saved.ok) {
        this.ctx.crash('after-record');
        this.ctx.logger.info('restore triggered', { requestId: current.id, jobId, via });
        return { status: 'running', request: saved.request, jobId };
      }
      current = saved.current;
    }
    return outcomeOf(current);
  }

  /** Ends the request `failed` with `reason`, audited in the same transaction. */
  async fail(
    request: RestoreRequest,
    reason: IssueRecord,
    extra: { validation?: ValidationRecord; audit: AuditEventInput[] },
  ): Promise<TriggerOutcome> {
    const base = extra.validation ? { ...request, validation: extra.validation } : request;
    const next = transition(base, { type: 'fail', error: reason }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, next, [
      ...extra.audit,
      this.audit('failed', request.id, { code: reason.code, message: reason.message }),
    ]);
    if (!saved.ok) return outcomeOf(saved.current);
    this.ctx.logger.warn('restore not triggered', { requestId: request.id, code: reason.code });
    return { status: 'failed', request: saved.request, reason };
  }

  audit(type: string, requestId: string, details: Record<string, unknown>): AuditEventInput {
    return { type, actor: SYSTEM_ACTOR, channel: SYSTEM_CHANNEL, requestId, details, at: this.ctx.now() };
  }

  private async onCallError(request: RestoreRequest, error: unknown): Promise<TriggerOutcome> {
    const reason = issueOf(error);
    if (isAzureError(error) && refusedBeforeStarting(error.status)) {
      return this.fail(request, reason, { audit: [] });
    }
    return this.pending(request, reason);
  }

  private async pending(request: RestoreRequest, reason: IssueRecord): Promise<TriggerOutcome> {
    await appendAudit(
      this.ctx.store,
      this.audit('trigger_uncertain', request.id, { code: reason.code, message: reason.message }),
    );
    this.ctx.logger.warn('restore trigger outcome unknown; recovery will reconcile', {
      requestId: request.id,
      code: reason.code,
    });
    return { status: 'pending', request, reason };
  }

  private async saveProgress(request: RestoreRequest, pollerState: string): Promise<RestoreRequest> {
    const next = transition(request, { type: 'progress', pollerState }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, next);
    return saved.ok ? saved.request : saved.current;
  }

  private intentDetails(request: DataRestoreRequest, checks: PrecheckResult): TriggerIntentDetails {
    const restoreRegion = checks.restoreRegion!;
    const sourceRegion = checks.vault?.location ?? normalizeRegion(request.vault.location);
    const common = {
      vaultId: request.vault.id,
      backupInstanceId: request.backupInstance.id,
      recoveryPointId: request.recoveryPoint.id,
      sourceRegion,
      restoreRegion,
      targetUrl: request.target.containerUrl,
      filePrefix: filePrefix(request),
      triggeredAt: request.azure.triggeredAt ?? request.updatedAt,
      intentAt: this.ctx.now().toISOString(),
    };
    return request.regionMode === 'secondary'
      ? {
          ...common,
          operation: 'crossRegionRestore',
          body: crossRegionRestoreBody(request, sourceRegion, restoreRegion),
        }
      : { ...common, operation: 'restore', body: restoreBody(request, restoreRegion) };
  }
}

/** Precheck failures that say "Azure could not answer now", not "this restore is wrong". */
const TRANSIENT_PRECHECK_CODES: ReadonlySet<string> = new Set([
  'PRECHECK_AZURE_THROTTLED',
  'PRECHECK_AZURE_UNAVAILABLE',
]);

/** What a request's current state means to someone who lost a race on it. */
export function outcomeOf(request: RestoreRequest): TriggerOutcome {
  switch (request.state) {
    case 'running':
    case 'succeeded':
      return request.azure.jobId
        ? { status: 'running', request, jobId: request.azure.jobId }
        : { status: 'skipped', request, reason: 'taken' };
    case 'failed':
      return {
        status: 'failed',
        request,
        reason: { code: request.failure?.code ?? 'FAILED', message: request.failure?.message ?? 'failed' },
      };
    case 'triggering':
      return {
        status: 'pending',
        request,
        reason: { code: 'TRIGGER_IN_PROGRESS', message: `${request.id} is being triggered elsewhere` },
      };
    default:
      return { status: 'skipped', request, reason: 'taken' };
  }
}

/**
 * A 4xx other than 408, 409 and 429 means Azure looked at the call and refused it, so no job was started:
 * safe to end the request. 409 may be Azure tripping over an earlier call of ours (FailIfExists), and the
 * rest (throttled after retries, 5xx, timeouts, no answer) leave it unknown whether a job started.
 */
function refusedBeforeStarting(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429;
}

function issueOf(error: unknown): IssueRecord {
  if (isAzureError(error)) return { code: error.armCode ?? error.code, message: error.message };
  const bot = asBotError(error);
  return { code: bot.code, message: bot.message };
}

/** One line an on-call engineer can act on: every failure's message, first code as the code. */
function precheckReason(checks: PrecheckResult): IssueRecord {
  const first = checks.failures[0];
  if (!first) return { code: 'PRECHECK_SECONDARY_REGION_UNKNOWN', message: 'the restore region is not known' };
  return { code: first.code, message: checks.failures.map((f) => f.message).join(' ') };
}
