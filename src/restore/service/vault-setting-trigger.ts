import type { ArmOperation, BackupVaultResource, PatchResourceRequestInput } from '../../azure';
import { isAzureError } from '../../azure';
import { asBotError } from '../../errors';
import type { Logger } from '../../log';
import type { Store, TriggerIntent } from '../../store';
import { type AuditEventInput, appendAudit } from '../audit';
import { botError } from '../messages';
import type { IssueRecord, RestoreRequest, VaultSettingChange, VaultSettingRequest } from '../request';
import { transition } from '../transitions';
import { vaultPosture } from '../vault-posture';
import { currentValue, isApplied, refuseVaultChange, specOf, vaultPatchFor } from '../vault-settings';
import type { CrashHook } from './crash-hook';
import { SYSTEM_ACTOR, SYSTEM_CHANNEL } from './deps';
import type { RecoveryEntry } from './recovery';
import type { RequestRepository } from './request-repo';
import type { TriggerOutcome } from './trigger';
import { readVaultForChange, type VaultSettingAzure } from './vault-setting-checks';

/**
 * The trigger path of a vault-setting request, the one place that PATCHes a vault:
 *   (a) approved → triggering, one conditional update that only one caller wins;
 *   (b) the vault read again: already as asked (succeeded, nothing sent), no longer possible (failed), or on;
 *   (c) the intent (vault, change, PATCH body) committed BEFORE the PATCH, by exactly one process;
 *   (d) the PATCH; Azure's acceptance saved at once with the operation's poller state (→ running);
 *   (e) the operation followed to its end, the vault checked, → succeeded or failed, audited.
 * A crash anywhere is finished by `recoverTriggering` / `resumeRunning`, which read the vault or resume the
 * saved operation (`resumeVaultUpdate`) rather than PATCH again; only when the vault shows no trace of the
 * change long after the intent is the same PATCH sent once more (it sets a value, so a repeat cannot do more).
 */

export interface VaultSettingIntentDetails {
  operation: 'updateVault';
  vaultId: string;
  vaultName: string;
  change: VaultSettingChange;
  patch: PatchResourceRequestInput;
  /** When the request entered `triggering` and when this intent was written (service clock, ISO). */
  triggeredAt: string;
  intentAt: string;
}

/**
 * How long a step may be quiet before another replica takes it over. A live trigger has Azure's acceptance
 * within seconds and a vault update ends within a minute or so; before that, recovery leaves it alone.
 */
export const VAULT_SETTING_RESUME_AFTER_MS = 60_000;

export interface VaultSettingContext {
  store: Store;
  repo: RequestRepository;
  azure: VaultSettingAzure;
  now: () => Date;
  logger: Logger;
  crash: CrashHook;
  /** PATCH again only when the vault shows nothing of the change this long after the last attempt. */
  retriggerAfterMs: number;
  resumeAfterMs?: number;
}

type Via = 'trigger' | 'recovery';

export class VaultSettingTrigger {
  constructor(private readonly ctx: VaultSettingContext) {}

  /** Triggers an approved request; any number of concurrent callers send at most one PATCH. */
  async trigger(request: VaultSettingRequest): Promise<TriggerOutcome> {
    if (request.state !== 'approved') return { status: 'skipped', request, reason: 'not-approved' };
    const claimed = transition(request, { type: 'trigger' }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, claimed, [
      this.audit('trigger_started', request.id, { change: request.change }),
    ]);
    if (!saved.ok) return { status: 'skipped', request: saved.current, reason: 'taken' };
    return this.checkAndCall(saved.request as VaultSettingRequest);
  }

  /** Steps (b) to (e) for a request in `triggering` without an intent (so no PATCH was ever sent for it). */
  async checkAndCall(request: VaultSettingRequest): Promise<TriggerOutcome> {
    const read = await readVaultForChange(this.ctx.azure, request.vault);
    if (!read.ok) {
      const reason = { code: read.error.code, message: read.error.message };
      return read.transient ? this.pending(request, reason) : this.fail(request, reason);
    }
    if (isApplied(read.posture, request.change)) return this.succeed(request, 'trigger', true);
    const refusal = refuseVaultChange(read.posture, request.change);
    if (refusal) return this.fail(request, { code: refusal.code, message: refusal.message });

    this.ctx.crash('before-intent');
    const details: VaultSettingIntentDetails = {
      operation: 'updateVault',
      vaultId: request.vault.id,
      vaultName: request.vault.name,
      change: request.change,
      patch: vaultPatchFor(request.change),
      triggeredAt: request.azure.triggeredAt ?? request.updatedAt,
      intentAt: this.ctx.now().toISOString(),
    };
    const { intent, created } = await this.ctx.store.intents.recordIntent(request.id, details);
    if (!created) {
      return this.pending(request, {
        code: 'TRIGGER_INTENT_EXISTS',
        message: `another process is already changing the vault for ${request.id}`,
      });
    }
    this.ctx.crash('after-intent');
    return this.call(request, intent.details, 'trigger');
  }

  /** Step (d): the PATCH. The caller has made sure it is this process's to send. */
  async call(request: VaultSettingRequest, details: VaultSettingIntentDetails, via: Via): Promise<TriggerOutcome> {
    let operation: ArmOperation<BackupVaultResource>;
    try {
      operation = await this.ctx.azure.updateVault(details.vaultId, details.patch);
    } catch (error) {
      const reason = issueOf(error);
      if (isAzureError(error) && refusedBeforeStarting(error.status)) return this.fail(request, reason);
      return this.pending(request, reason);
    }
    this.ctx.crash('after-azure-call');
    // Azure accepted the PATCH: from now on it is never sent again, and a restart resumes this operation.
    const running = transition(request, { type: 'triggered', pollerState: operation.toString() }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, running, [
      this.audit('triggered', request.id, { operation: 'updateVault', change: request.change, via }),
    ]);
    if (!saved.ok) return { status: 'skipped', request: saved.current, reason: 'taken' };
    this.ctx.crash('after-record');
    return this.follow(saved.request as VaultSettingRequest, operation, via);
  }

  /** Step (e): the operation to its end, then the vault as it came out of it. */
  async follow(
    request: VaultSettingRequest,
    operation: ArmOperation<BackupVaultResource>,
    via: Via,
  ): Promise<TriggerOutcome> {
    let vault: BackupVaultResource;
    try {
      vault = await operation.pollUntilDone();
    } catch (error) {
      if (isAzureError(error, 'AZURE_OPERATION_FAILED')) {
        return this.fail(request, { code: error.armCode ?? 'OperationFailed', message: error.message });
      }
      return this.pending(request, issueOf(error));
    }
    const posture = vaultPosture(vault);
    if (!isApplied(posture, request.change)) {
      const notApplied = botError('VAULT_SETTING_NOT_APPLIED', {
        vaultName: request.vault.name,
        setting: specOf(request.change).settingName,
        wanted: request.change.to,
        actual: currentValue(posture, request.change),
      });
      return this.fail(request, { code: notApplied.code, message: notApplied.message });
    }
    return this.succeed(request, via, false);
  }

  // ---- recovery ----------------------------------------------------------------------------------------

  /** A request left in `triggering`: see the rules at the top of this file. */
  async recoverTriggering(request: VaultSettingRequest): Promise<RecoveryEntry> {
    const intent = await this.ctx.store.intents.getIntent<VaultSettingIntentDetails>(request.id);
    if (!intent) return entryOf('continued', await this.checkAndCall(request));
    const quietMs = this.ctx.now().getTime() - lastActivityMs(request, intent);
    if (quietMs < this.resumeAfterMs) {
      return waiting(request, `the PATCH may still be on its way (${Math.round(quietMs / 1000)} s)`);
    }
    const read = await readVaultForChange(this.ctx.azure, request.vault);
    if (!read.ok) {
      if (read.transient) return waiting(request, `${read.error.code}: ${read.error.message}`);
      return entryOf('failed', await this.fail(request, { code: read.error.code, message: read.error.message }));
    }
    // The vault already shows the change: the PATCH went through before the answer was lost.
    if (isApplied(read.posture, request.change)) return entryOf('completed', await this.succeed(request, 'recovery'));
    const refusal = refuseVaultChange(read.posture, request.change);
    if (refusal) {
      return entryOf('failed', await this.fail(request, { code: refusal.code, message: refusal.message }));
    }
    if (quietMs < this.ctx.retriggerAfterMs) {
      return waiting(
        request,
        `the vault does not show the change yet; ${Math.round(quietMs / 1000)} s since the intent`,
      );
    }
    // One conditional update decides which replica sends the PATCH again (and restarts the quiet window).
    const claim = transition(request, { type: 'progress' }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, claim, [
      this.audit('trigger_retried', request.id, {
        reason: 'the vault shows nothing of the recorded PATCH',
        intentAt: intent.details.intentAt,
        quietSeconds: Math.round(quietMs / 1000),
      }),
    ]);
    if (!saved.ok) return waiting(request, 'another replica took it');
    this.ctx.logger.warn('recovery: sending the vault PATCH again', { requestId: request.id });
    return entryOf('retriggered', await this.call(saved.request as VaultSettingRequest, intent.details, 'recovery'));
  }

  /** A request left in `running`: Azure accepted the PATCH; its saved operation is followed, never resent. */
  async resumeRunning(request: VaultSettingRequest): Promise<RecoveryEntry> {
    const quietMs = this.ctx.now().getTime() - Date.parse(request.updatedAt);
    if (quietMs < this.resumeAfterMs) return waiting(request, 'the vault update is being followed');
    const state = request.azure.pollerState;
    if (state) {
      try {
        const outcome = await this.follow(request, this.ctx.azure.resumeVaultUpdate(state), 'recovery');
        if (outcome.status !== 'pending')
          return entryOf(outcome.status === 'succeeded' ? 'completed' : 'failed', outcome);
      } catch (error) {
        this.ctx.logger.warn('recovery: could not resume the vault update', {
          requestId: request.id,
          code: asBotError(error).code,
        });
      }
    }
    // No operation to follow (or it cannot be followed any more): the vault itself says whether it happened.
    const read = await readVaultForChange(this.ctx.azure, request.vault);
    if (read.ok && isApplied(read.posture, request.change)) {
      return entryOf('completed', await this.succeed(request, 'recovery'));
    }
    return waiting(request, read.ok ? 'the vault does not show the change yet' : read.error.message);
  }

  // ---- endings -----------------------------------------------------------------------------------------

  /** → succeeded (through running when the PATCH was not needed or its acceptance was never saved), audited. */
  private async succeed(request: VaultSettingRequest, via: Via, alreadyApplied = false): Promise<TriggerOutcome> {
    let current: RestoreRequest = request;
    if (current.state === 'triggering') {
      const running = await this.ctx.repo.save(current, transition(current, { type: 'triggered' }, this.ctx.now()), [
        this.audit('triggered', request.id, { operation: 'updateVault', change: request.change, via, alreadyApplied }),
      ]);
      if (!running.ok) return { status: 'skipped', request: running.current, reason: 'taken' };
      current = running.request;
    }
    const done = await this.ctx.repo.save(current, transition(current, { type: 'succeed' }, this.ctx.now()), [
      this.audit('vault_setting_changed', request.id, {
        vaultId: request.vault.id,
        change: request.change,
        via,
        alreadyApplied,
      }),
    ]);
    if (!done.ok) return { status: 'skipped', request: done.current, reason: 'taken' };
    this.ctx.logger.info('vault setting changed', { requestId: request.id, change: request.change, via });
    return { status: 'succeeded', request: done.request, alreadyApplied };
  }

  private async fail(request: VaultSettingRequest, reason: IssueRecord): Promise<TriggerOutcome> {
    const next = transition(request, { type: 'fail', error: reason }, this.ctx.now());
    const saved = await this.ctx.repo.save(request, next, [
      this.audit('failed', request.id, { code: reason.code, message: reason.message }),
    ]);
    if (!saved.ok) return { status: 'skipped', request: saved.current, reason: 'taken' };
    this.ctx.logger.warn('vault setting not changed', { requestId: request.id, code: reason.code });
    return { status: 'failed', request: saved.request, reason };
  }

  private async pending(request: VaultSettingRequest, reason: IssueRecord): Promise<TriggerOutcome> {
    await appendAudit(
      this.ctx.store,
      this.audit('trigger_uncertain', request.id, { code: reason.code, message: reason.message }),
    );
    this.ctx.logger.warn('vault setting outcome unknown; recovery will reconcile', {
      requestId: request.id,
      code: reason.code,
    });
    return { status: 'pending', request, reason };
  }

  private audit(type: string, requestId: string, details: Record<string, unknown>): AuditEventInput {
    return { type, actor: SYSTEM_ACTOR, channel: SYSTEM_CHANNEL, requestId, details, at: this.ctx.now() };
  }

  private get resumeAfterMs(): number {
    return this.ctx.resumeAfterMs ?? VAULT_SETTING_RESUME_AFTER_MS;
  }
}

/** As for restores: a 4xx other than 408, 409 and 429 is Azure refusing the PATCH, so nothing changed. */
function refusedBeforeStarting(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429;
}

function issueOf(error: unknown): IssueRecord {
  if (isAzureError(error)) return { code: error.armCode ?? error.code, message: error.message };
  const bot = asBotError(error);
  return { code: bot.code, message: bot.message };
}

function lastActivityMs(request: RestoreRequest, intent: TriggerIntent<VaultSettingIntentDetails>): number {
  return Math.max(Date.parse(request.updatedAt), intent.createdAt.getTime(), Date.parse(intent.details.intentAt) || 0);
}

/** A request recovery meant to finish but that is not finished (Azure unsure, another replica won) is waiting. */
function entryOf(action: RecoveryEntry['action'], outcome: TriggerOutcome): RecoveryEntry {
  const unfinished = outcome.status !== 'succeeded' && outcome.status !== 'failed';
  const resolved = unfinished && (action === 'completed' || action === 'failed') ? 'waiting' : action;
  return { requestId: outcome.request.id, action: resolved, outcome };
}

function waiting(request: RestoreRequest, detail: string): RecoveryEntry {
  return { requestId: request.id, action: 'waiting', detail };
}
