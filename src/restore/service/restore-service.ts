import { BotError, isBotError } from '../../errors';
import type { Logger } from '../../log';
import type { Store } from '../../store';
import { approve as approveRule, expireIfDue, reject as rejectRule } from '../approvals';
import { type AuditEventInput, appendAudit } from '../audit';
import { precheckAzureOver } from '../azure-port';
import { newRequestId } from '../ids';
import type { ChannelActor, Place, Policy, UserGroupDirectory } from '../policy';
import type { PrecheckAzure } from '../ports';
import { runPrechecks, toValidationRecord } from '../prechecks';
import {
  type BackupInstanceRef,
  createDraftRequest,
  type IssueRecord,
  type PostTo,
  type RecoveryPointRef,
  type RegionMode,
  type Requester,
  type RestoreRequest,
  samePrincipal,
  type ValidationRecord,
  type VaultRef,
  type VaultSettingChange,
  type VaultSettingRequest,
} from '../request';
import { transition } from '../transitions';
import { crashHookFromEnvironment } from './crash-hook';
import {
  DEFAULT_RETRIGGER_AFTER_MS,
  type RestoreAzure,
  type RestoreServiceDeps,
  SYSTEM_ACTOR,
  SYSTEM_CHANNEL,
} from './deps';
import { notTheRequester } from './errors';
import { Recovery, type RecoveryEntry } from './recovery';
import { RequestRepository } from './request-repo';
import { type TriggerOutcome, TriggerPath } from './trigger';
import { noOtherOpenRequest, runVaultSettingPrechecks, vaultSettingValidation } from './vault-setting-checks';
import { VaultSettingTrigger } from './vault-setting-trigger';

/** Someone clicking in a channel: who (principal id and tenant/team), and the name to show. */
export interface Clicker extends ChannelActor {
  displayName: string;
}

export interface CreateRestoreInput {
  requester: Requester;
  /** Where the restore was asked for. */
  place: Place;
  vault: VaultRef;
  backupInstance: BackupInstanceRef;
  regionMode: RegionMode;
  recoveryPoint: RecoveryPointRef;
  /** A restore target named in the policy. */
  targetName: string;
  /** Default: the policy's approval conversation for `place`. */
  postTo?: PostTo;
}

/** A vault-setting request (journey 5): which vault, which change, asked by whom and where. */
export interface CreateVaultSettingInput {
  requester: Requester;
  place: Place;
  vault: VaultRef;
  change: VaultSettingChange;
  /** Default: the policy's approval conversation for `place`. */
  postTo?: PostTo;
}

export type CreateVaultSettingOutcome =
  | { created: true; request: VaultSettingRequest; warnings: IssueRecord[] }
  /** Not stored: the change is not possible now (or already asked for); each failure says why. */
  | { created: false; validation: ValidationRecord; failures: BotError[] };

export type CreateRestoreOutcome =
  /** Stored and offered for approval (`awaiting_approval`); warnings are for the approval card. */
  | { created: true; request: RestoreRequest; warnings: IssueRecord[] }
  /** Not stored: the prechecks failed; each failure says what to do. */
  | { created: false; validation: ValidationRecord; failures: BotError[] };

export type ApproveOutcome =
  | { outcome: 'recorded'; request: RestoreRequest; have: number; need: number }
  | { outcome: 'approved'; request: RestoreRequest; trigger: TriggerOutcome }
  /** With `deferTrigger`: approved and saved; the caller runs `trigger(id)` after answering the click. */
  | { outcome: 'approved'; request: RestoreRequest; trigger: 'deferred' };

export interface ApproveOptions {
  /**
   * Save the approval and return without calling Azure. Chat platforms want a click answered within about a
   * second; the caller answers, then calls `trigger(id)`. A crash in between is safe: `recover()` triggers
   * requests left in `approved`.
   */
  deferTrigger?: boolean;
}

/** Codes that mean "you may not", as opposed to "too late" or "already done": these are audited. */
const DENIAL_CODES = new Set([
  'REQUEST_SELF_APPROVAL',
  'POLICY_NOT_APPROVER',
  'POLICY_NOT_REQUESTER',
  'POLICY_WRONG_CHANNEL',
  'POLICY_CHANNEL_DISABLED',
  'POLICY_CHANNEL_NOT_ALLOWED',
  'POLICY_WORKSPACE_NOT_ALLOWED',
  'POLICY_APPROVAL_CHANNEL_REQUIRED',
  'REQUEST_NOT_REQUESTER',
]);

/** Enough for any realistic crowd of approvers clicking at once; beyond it something is wrong. */
const MAX_SAVE_ATTEMPTS = 100;
/** A 4-symbol id space fills up slowly; a few redraws are plenty. */
const MAX_ID_DRAWS = 8;

/**
 * The restore lifecycle with its side effects: policy, prechecks, the store, the audit log and Azure, in that
 * order of asking. Every decision is the pure domain's (approvals.ts, transitions.ts); this class only loads,
 * decides, and saves with one conditional update, so concurrent clicks and replicas agree on one outcome.
 */
export class RestoreService {
  readonly #store: Store;
  readonly #policy: Policy;
  readonly #groups: UserGroupDirectory;
  readonly #now: () => Date;
  readonly #logger: Logger;
  readonly #repo: RequestRepository;
  readonly #precheckAzure: PrecheckAzure;
  readonly #triggers: TriggerPath;
  readonly #recovery: Recovery;
  readonly #newId: () => string;
  readonly #azure: RestoreAzure;

  constructor(deps: RestoreServiceDeps & { newRequestId?: () => string }) {
    this.#store = deps.store;
    this.#policy = deps.policy;
    this.#groups = deps.userGroups;
    this.#now = deps.now;
    this.#logger = deps.logger;
    this.#newId = deps.newRequestId ?? (() => newRequestId());
    this.#repo = new RequestRepository(deps.store);
    this.#precheckAzure = precheckAzureOver(deps.azure, deps.inventory);
    const azure: RestoreAzure = deps.azure;
    this.#azure = azure;
    const crash = deps.options?.crashHook ?? crashHookFromEnvironment();
    const retriggerAfterMs = deps.options?.retriggerAfterMs ?? DEFAULT_RETRIGGER_AFTER_MS;
    const vaultSettings = new VaultSettingTrigger({
      store: deps.store,
      repo: this.#repo,
      azure,
      now: deps.now,
      logger: deps.logger,
      crash,
      retriggerAfterMs,
    });
    this.#triggers = new TriggerPath({
      store: deps.store,
      repo: this.#repo,
      azure,
      precheckAzure: this.#precheckAzure,
      policy: deps.policy,
      now: deps.now,
      logger: deps.logger,
      crash,
      vaultSettings,
    });
    this.#recovery = new Recovery({
      store: deps.store,
      repo: this.#repo,
      azure,
      triggers: this.#triggers,
      now: deps.now,
      logger: deps.logger,
      retriggerAfterMs,
      vaultSettings,
    });
  }

  /** The request as stored, or undefined. */
  get(requestId: string): Promise<RestoreRequest | undefined> {
    return this.#repo.find(requestId);
  }

  /**
   * A new restore request: policy (may this person ask here?), prechecks, then stored as `awaiting_approval`
   * with its `request_created` and `validated` audit events in one transaction. A refusal by the policy
   * throws its BotError (audited as permission_denied); failed prechecks store nothing and return the failures.
   */
  async createRequest(input: CreateRestoreInput): Promise<CreateRestoreOutcome> {
    const postTo = await this.#admit(input);
    const target = this.#policy.target(input.targetName) ?? { name: input.targetName, region: '', containerUrl: '' };
    const now = this.#now();
    const draft = createDraftRequest(
      {
        kind: 'restore',
        id: this.#newId(),
        requester: input.requester,
        vault: input.vault,
        backupInstance: input.backupInstance,
        regionMode: input.regionMode,
        recoveryPoint: input.recoveryPoint,
        target,
        requiredApprovals: this.#policy.requiredApprovals,
        postTo,
      },
      now,
    );
    if (draft.kind !== 'restore') throw new BotError('INTERNAL', 'a restore draft must be a restore');
    const checks = await runPrechecks(draft, { azure: this.#precheckAzure, policy: this.#policy });
    const checkedAt = this.#now();
    const validation = toValidationRecord(checks, checkedAt);
    if (!checks.ok) {
      await this.#auditRefusedDraft(draft, validation, checkedAt);
      return { created: false, validation, failures: checks.failures };
    }
    const request = await this.#offer(draft, validation, now, checkedAt);
    return { created: true, request, warnings: validation.warnings };
  }

  /**
   * A new vault-setting request (journey 5): the same policy as restores, then the change checked against the
   * vault as Azure has it now (CRR only on GeoRedundant vaults, nothing that undoes a one-way setting, not a
   * value it already has), then stored as `awaiting_approval` with its audit events, unless another request
   * for the same setting of the vault is still open. Refusals by the policy throw; the others are returned.
   */
  async createVaultSettingRequest(input: CreateVaultSettingInput): Promise<CreateVaultSettingOutcome> {
    const postTo = await this.#admit(input);
    const now = this.#now();
    const draft = createDraftRequest(
      {
        kind: 'vault-setting',
        id: this.#newId(),
        requester: input.requester,
        vault: input.vault,
        change: input.change,
        requiredApprovals: this.#policy.requiredApprovals,
        postTo,
      },
      now,
    ) as VaultSettingRequest;
    const checks = await runVaultSettingPrechecks(draft, { azure: this.#azure, policy: this.#policy });
    const checkedAt = this.#now();
    const validation = vaultSettingValidation(checks, checkedAt);
    const refused = async (failures: BotError[]): Promise<CreateVaultSettingOutcome> => {
      const record = {
        ...validation,
        ok: false,
        failures: failures.map((f) => ({ code: f.code, message: f.message })),
      };
      await this.#auditRefusedDraft(draft, record, checkedAt, { change: input.change });
      return { created: false, validation: record, failures };
    };
    if (!checks.ok) return refused(checks.failures);
    try {
      const request = await this.#offer(draft, validation, now, checkedAt, noOtherOpenRequest(draft));
      return { created: true, request: request as VaultSettingRequest, warnings: validation.warnings };
    } catch (error) {
      if (isBotError(error, 'VAULT_SETTING_ALREADY_REQUESTED')) return refused([error]);
      throw error;
    }
  }

  /**
   * One approver's click. The policy decides who may, the pure `approve` decides what it means, and one
   * conditional update on the version records it. A click that loses a race re-reads and is answered by the
   * same rules (REQUEST_ALREADY_DECIDED, REQUEST_ALREADY_APPROVED_BY_YOU), changing nothing. The approval
   * that completes the set triggers the restore before returning.
   */
  async approve(
    requestId: string,
    clicker: Clicker,
    place?: Place,
    options: ApproveOptions = {},
  ): Promise<ApproveOutcome> {
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const request = await this.#repo.require(requestId);
      const decision = await this.#policy.mayApprove(clicker, request, this.#groups, place);
      const outcome = await this.#refusalsAudited(clicker, request, 'approve', () =>
        approveRule(request, actorOf(clicker), decision, this.#now()),
      );
      const complete = outcome.outcome === 'approved';
      const saved = await this.#repo.save(request, outcome.request, [
        this.#clickAudit('approved', clicker, request.id, {
          complete,
          ...(outcome.outcome === 'recorded' && { have: outcome.have, need: outcome.need }),
        }),
      ]);
      if (!saved.ok) continue;
      if (outcome.outcome === 'recorded') {
        return { outcome: 'recorded', request: saved.request, have: outcome.have, need: outcome.need };
      }
      if (options.deferTrigger) return { outcome: 'approved', request: saved.request, trigger: 'deferred' };
      return { outcome: 'approved', request: saved.request, trigger: await this.#triggerAfterApproval(saved.request) };
    }
    throw busy(requestId);
  }

  /** One approver's rejection (a reason is required); it decides the request. */
  async reject(requestId: string, clicker: Clicker, reason: string, place?: Place): Promise<RestoreRequest> {
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const request = await this.#repo.require(requestId);
      const decision = await this.#policy.mayApprove(clicker, request, this.#groups, place);
      const next = await this.#refusalsAudited(clicker, request, 'reject', () =>
        rejectRule(request, actorOf(clicker), reason, decision, this.#now()),
      );
      const saved = await this.#repo.save(request, next, [
        this.#clickAudit('rejected', clicker, request.id, { reason: reason.trim() }),
      ]);
      if (saved.ok) return saved.request;
    }
    throw busy(requestId);
  }

  /** The requester withdraws a request that is still a draft or awaiting approval. */
  async cancel(requestId: string, by: Clicker, reason?: string): Promise<RestoreRequest> {
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const request = await this.#repo.require(requestId);
      if (!samePrincipal(request.requester.channel, by.userId, request.requester.userId)) {
        const error = notTheRequester(requestId);
        await this.#auditDenial(error, by, by.displayName, requestId, 'cancel');
        throw error;
      }
      const next = transition(request, { type: 'cancel', by: actorOf(by), ...(reason && { reason }) }, this.#now());
      const saved = await this.#repo.save(request, next, [
        this.#clickAudit('cancelled', by, request.id, reason ? { reason } : {}),
      ]);
      if (saved.ok) return saved.request;
    }
    throw busy(requestId);
  }

  /**
   * Moves every request whose approval window closed by `now` to `expired` (audited), and returns them so the
   * channels can update their cards and tell the requesters. A request decided meanwhile is left as it is.
   */
  async expireDue(now: Date = this.#now()): Promise<RestoreRequest[]> {
    const expired: RestoreRequest[] = [];
    for (const request of await this.#repo.listExpiring(now)) {
      const next = expireIfDue(request, now);
      if (!next) continue;
      const saved = await this.#repo.save(request, next, [
        {
          type: 'expired',
          actor: SYSTEM_ACTOR,
          channel: SYSTEM_CHANNEL,
          requestId: request.id,
          details: { expiresAt: request.expiresAt },
          at: now,
        },
      ]);
      if (saved.ok) expired.push(saved.request);
    }
    return expired;
  }

  /** Triggers an approved request (normally called by `approve`); safe to call any number of times at once. */
  trigger(requestId: string): Promise<TriggerOutcome> {
    return this.#triggers.trigger(requestId);
  }

  /** Finishes triggers a crash or an unanswered Azure call left behind; see recovery.ts for the rules. */
  recover(): Promise<RecoveryEntry[]> {
    return this.#recovery.recover();
  }

  async #triggerAfterApproval(request: RestoreRequest): Promise<TriggerOutcome> {
    try {
      return await this.#triggers.trigger(request.id);
    } catch (error) {
      // The approval is recorded; whatever stopped the trigger (store or network trouble), recovery resumes it.
      const bot = isBotError(error) ? error : new BotError('INTERNAL', String((error as Error)?.message ?? error));
      this.#logger.error('trigger after approval failed; recovery will resume it', {
        requestId: request.id,
        code: bot.code,
      });
      return { status: 'pending', request, reason: { code: bot.code, message: bot.message } };
    }
  }

  /** May this person ask here (a refusal is audited and thrown)? Returns where the approval request goes. */
  async #admit(input: { requester: Requester; place: Place; postTo?: PostTo }): Promise<PostTo> {
    const actor = input.requester;
    const decision = await this.#policy.mayRequest(actor, input.place, this.#groups);
    if (!decision.allowed) {
      await this.#auditDenial(decision.error, actor, actor.displayName, null, 'request');
      throw decision.error;
    }
    return (
      input.postTo ?? {
        channel: actor.channel,
        conversationId: this.#policy.approvalConversation(actor.channel, input.place),
      }
    );
  }

  /** A draft the prechecks refused: nothing is stored but the audit event saying why. */
  async #auditRefusedDraft(
    draft: RestoreRequest,
    validation: ValidationRecord,
    checkedAt: Date,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.#audit({
      type: 'validated',
      actor: SYSTEM_ACTOR,
      channel: SYSTEM_CHANNEL,
      requestId: null,
      details: { stage: 'request', draftId: draft.id, requester: draft.requester.userId, ...extra, ...validation },
      at: checkedAt,
    });
  }

  /** A checked draft offered for approval: stored with its `request_created` and `validated` events at once. */
  #offer(
    draft: RestoreRequest,
    validation: ValidationRecord,
    now: Date,
    checkedAt: Date,
    guard?: Parameters<RequestRepository['insert']>[2],
  ): Promise<RestoreRequest> {
    const offered = transition(
      draft,
      { type: 'submit', validation, expiresAt: this.#policy.expiresAt(checkedAt) },
      checkedAt,
    );
    const { requester } = draft;
    return this.#insertWithFreshId(
      offered,
      (id) => [
        {
          type: 'request_created',
          actor: { id: requester.userId, displayName: requester.displayName },
          channel: requester.channel,
          requestId: id,
          details: describeRequest({ ...offered, id } as RestoreRequest),
          at: now,
        },
        {
          type: 'validated',
          actor: SYSTEM_ACTOR,
          channel: SYSTEM_CHANNEL,
          requestId: id,
          details: { stage: 'request', ...validation },
          at: checkedAt,
        },
      ],
      guard,
    );
  }

  async #insertWithFreshId(
    offered: RestoreRequest,
    audit: (id: string) => AuditEventInput[],
    guard?: Parameters<RequestRepository['insert']>[2],
  ): Promise<RestoreRequest> {
    let candidate = offered;
    for (let draw = 1; ; draw++) {
      try {
        return await this.#repo.insert(candidate, audit(candidate.id), guard);
      } catch (error) {
        if (!isBotError(error, 'STORE_DUPLICATE') || draw >= MAX_ID_DRAWS) throw error;
        this.#logger.info('request id taken; drawing another', { id: candidate.id });
        candidate = { ...candidate, id: this.#newId() };
      }
    }
  }

  /** Runs a pure decision; a refusal that means "you may not" is audited before it is thrown. */
  async #refusalsAudited<T>(clicker: Clicker, request: RestoreRequest, action: string, decide: () => T): Promise<T> {
    try {
      return decide();
    } catch (error) {
      if (isBotError(error)) await this.#auditDenial(error, clicker, clicker.displayName, request.id, action);
      throw error;
    }
  }

  async #auditDenial(
    error: BotError,
    actor: ChannelActor,
    displayName: string,
    requestId: string | null,
    action: string,
  ): Promise<void> {
    if (!DENIAL_CODES.has(error.code)) return;
    await this.#audit({
      type: 'permission_denied',
      actor: { id: actor.userId, displayName },
      channel: actor.channel,
      requestId,
      details: { action, code: error.code, tenantOrTeamId: actor.tenantOrTeamId },
      at: this.#now(),
    });
  }

  #clickAudit(type: string, clicker: Clicker, requestId: string, details: Record<string, unknown>): AuditEventInput {
    return {
      type,
      actor: { id: clicker.userId, displayName: clicker.displayName },
      channel: clicker.channel,
      requestId,
      details,
      at: this.#now(),
    };
  }

  async #audit(event: AuditEventInput): Promise<void> {
    await appendAudit(this.#store, event);
  }
}

function actorOf(clicker: Clicker) {
  return { principal: clicker.userId, displayName: clicker.displayName };
}

function busy(requestId: string): BotError {
  return new BotError('REQUEST_BUSY', `Request ${requestId} kept changing under us; try again.`, { requestId });
}

/** What the audit log keeps about a new request: enough to tell later what was asked, never secrets. */
function describeRequest(request: RestoreRequest): Record<string, unknown> {
  if (request.kind !== 'restore') return { kind: request.kind, vault: request.vault.id, change: request.change };
  return {
    kind: request.kind,
    vault: request.vault.id,
    backupInstance: request.backupInstance.id,
    regionMode: request.regionMode,
    recoveryPoint: request.recoveryPoint,
    target: request.target,
    requiredApprovals: request.requiredApprovals,
    expiresAt: request.expiresAt,
  };
}
