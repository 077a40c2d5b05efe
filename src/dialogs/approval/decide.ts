import { isBotError } from '../../errors';
import { message, parseRequestId, type RestoreRequest, STATE_LABELS } from '../../restore';
import type { TriggerOutcome } from '../../restore/service';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import { clickerOf, policyPlace } from '../places';
import type { ExecuteClick, ExecuteResult } from '../ports';
import { vaultSettingReply } from '../settings/replies';
import type { View } from '../views';
import { type ApprovalMessages, type ApprovalRecord, nonceMatches } from './approval-messages';
import { APPROVAL_ACTIONS, approvalView, REJECT_REASON_INPUT } from './approval-view';

type DecideDeps = Pick<ConversationDeps, 'service' | 'poster' | 'now' | 'logger'>;

/** Longest request id / nonce a genuine card carries; anything longer is not ours. */
const MAX_FIELD_LENGTH = 64;

/**
 * An Approve / Reject click. The card's data is untrusted: the request id must name a stored restore request
 * and the nonce must match the one stored when its card was posted, else nothing happens. Decisions are the
 * service's; this answers the clicker at once and leaves Azure and the other copies to `afterResponse`.
 */
export class ApprovalClicks {
  constructor(
    private readonly deps: DecideDeps,
    private readonly approvals: ApprovalMessages,
  ) {}

  async onExecute(click: ExecuteClick): Promise<ExecuteResult> {
    const found = await this.authentic(click);
    if (!found) return invalid(say('APPROVAL_BUTTON_INVALID'));
    const { request, record } = found;
    if (click.actionId !== APPROVAL_ACTIONS.approve && click.actionId !== APPROVAL_ACTIONS.reject) {
      return { view: this.card(request, record), notice: say('APPROVAL_UNKNOWN_ACTION') };
    }
    try {
      return click.actionId === APPROVAL_ACTIONS.approve
        ? await this.approve(click, request, record)
        : await this.reject(click, request, record);
    } catch (error) {
      if (!isBotError(error)) {
        this.deps.logger.error('approval click failed', { requestId: request.id, error });
        return { view: this.card(request, record), notice: say('APPROVAL_FAILED_UNEXPECTEDLY') };
      }
      return this.refused(error.code, error.message, request, record);
    }
  }

  private async authentic(
    click: ExecuteClick,
  ): Promise<{ request: RestoreRequest; record: ApprovalRecord } | undefined> {
    const { requestId, nonce } = click.data;
    if (typeof requestId !== 'string' || typeof nonce !== 'string') return undefined;
    if (requestId.length > MAX_FIELD_LENGTH || nonce.length > MAX_FIELD_LENGTH) return undefined;
    const id = parseRequestId(requestId);
    if (!id || id !== requestId) return undefined;
    const record = await this.approvals.get(id);
    if (!record || !nonceMatches(record.nonce, nonce)) return undefined;
    const request = await this.deps.service.get(id);
    if (!request) return undefined;
    return { request, record };
  }

  private async approve(click: ExecuteClick, request: RestoreRequest, record: ApprovalRecord): Promise<ExecuteResult> {
    const outcome = await this.deps.service.approve(request.id, clickerOf(click.actor), policyPlace(click.place), {
      deferTrigger: true,
    });
    const decided = outcome.request;
    const view = this.card(decided, record);
    if (outcome.outcome === 'recorded') {
      return {
        view,
        notice: say('APPROVAL_RECORDED', { requestId: request.id, have: outcome.have, need: outcome.need }),
        afterResponse: () => this.updateCopies(record, view),
      };
    }
    return {
      view,
      afterResponse: async () => {
        await this.updateCopies(record, view);
        const trigger = await this.deps.service.trigger(request.id);
        const after = await this.deps.service.get(request.id);
        if (after) await this.updateCopies(record, this.card(after, record));
        await this.replyInThread(
          record,
          after?.kind === 'vault-setting' ? vaultSettingReply(after, trigger) : triggerReply(request.id, trigger),
        );
      },
    };
  }

  private async reject(click: ExecuteClick, request: RestoreRequest, record: ApprovalRecord): Promise<ExecuteResult> {
    const typed = click.inputs[REJECT_REASON_INPUT] ?? (typeof click.data.reason === 'string' ? click.data.reason : '');
    const reason = typed.trim();
    if (!reason) {
      return {
        view: this.card(request, record),
        notice: message('REQUEST_REJECT_REASON_REQUIRED', { requestId: request.id }),
      };
    }
    const rejected = await this.deps.service.reject(
      request.id,
      clickerOf(click.actor),
      reason,
      policyPlace(click.place),
    );
    const view = this.card(rejected, record);
    return {
      view,
      afterResponse: async () => {
        await this.updateCopies(record, view);
        await this.replyInThread(record, {
          kind: 'notice',
          tone: 'attention',
          title: say('REQUEST_REJECTED_REPLY', { requestId: request.id, by: click.actor.displayName, reason }),
        });
      },
    };
  }

  /** A click the rules refuse: only the clicker hears why; the card stays as it is (or turns *Expired*). */
  private async refused(
    code: string,
    refusal: string,
    request: RestoreRequest,
    record: ApprovalRecord,
  ): Promise<ExecuteResult> {
    if (code !== 'REQUEST_EXPIRED') {
      const current = (await this.deps.service.get(request.id)) ?? request;
      return { view: this.card(current, record), notice: refusal };
    }
    await this.deps.service.expireDue(this.deps.now());
    const expired = (await this.deps.service.get(request.id)) ?? request;
    const view = this.card(expired, record);
    return {
      view,
      notice: refusal,
      afterResponse: async () => {
        await this.updateCopies(record, view);
        await this.replyInThread(record, {
          kind: 'notice',
          tone: 'warning',
          title: say('REQUEST_EXPIRED_REPLY', { requestId: request.id, requester: request.requester.displayName }),
        });
      },
    };
  }

  private card(request: RestoreRequest, record: ApprovalRecord): View {
    return approvalView(request, { nonce: record.nonce, now: this.deps.now() });
  }

  private async updateCopies(record: ApprovalRecord, view: View): Promise<void> {
    for (const copy of record.messages) {
      try {
        await this.deps.poster.update(copy, view);
      } catch (error) {
        this.deps.logger.warn('could not update an approval card copy', { messageId: copy.messageId, error });
      }
    }
  }

  private async replyInThread(record: ApprovalRecord, view: View | undefined): Promise<void> {
    const thread = record.messages[0];
    if (!thread || !view) return;
    try {
      await this.deps.poster.reply(thread, view);
    } catch (error) {
      this.deps.logger.warn('could not reply in the approval thread', { messageId: thread.messageId, error });
    }
  }
}

function triggerReply(requestId: string, outcome: TriggerOutcome): View | undefined {
  switch (outcome.status) {
    case 'running':
      // The notifier follows the job from here: its *started* post (job id, portal link) says this, once.
      return undefined;
    case 'failed':
      return {
        kind: 'error',
        tone: 'attention',
        title: say('RESTORE_NOT_STARTED', { requestId, code: outcome.reason.code, message: outcome.reason.message }),
        error: { code: outcome.reason.code, message: outcome.reason.message },
      };
    case 'pending':
      return {
        kind: 'notice',
        tone: 'warning',
        title: say('RESTORE_PENDING', { requestId, message: outcome.reason.message }),
      };
    case 'skipped':
      return { kind: 'notice', title: `Restore for ${requestId} is already being handled.` };
    case 'succeeded':
      // Only vault-setting requests end here, and they are answered by vaultSettingReply.
      return { kind: 'notice', tone: 'good', title: STATE_LABELS.succeeded };
  }
}

function invalid(message: string): ExecuteResult {
  return {
    view: { kind: 'notice', title: 'Nothing changed', error: { code: 'APPROVAL_BUTTON_INVALID', message } },
    notice: message,
  };
}
