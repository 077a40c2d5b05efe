import type { TurnContext } from 'botbuilder-core';
import { isBotError } from '../../errors';
import {
  formatUtc,
  refuseVaultChange,
  samePrincipal,
  specOfKey,
  type VaultSettingRequest,
  type VaultSettingSpec,
  vaultPosture,
} from '../../restore';
import type { Answer } from '../answer';
import type { ApprovalMessages } from '../approval/approval-messages';
import { postApprovalRequest } from '../approval/post-approval';
import { type ConversationDeps, type KeyValueStore, keyValueOverStorage } from '../deps';
import { say } from '../messages';
import { policyPlace, requesterOf, type Who } from '../places';
import type { ConversationTarget } from '../ports';
import { sendViews } from '../restore-wizard-dialog';
import type { View } from '../views';
import { CONFIRM_NAME_INPUT, VAULT_SETTING_ACTIONS } from './actions';
import { changeText } from './change-facts';
import { confirmationView } from './confirmation-view';
import { type PendingConfirmation, VaultSettingConfirmations } from './confirmations';
import { findVaultByKey } from './vaults-in-scope';

export type VaultSettingFlowDeps = Pick<
  ConversationDeps,
  'client' | 'policy' | 'service' | 'poster' | 'now' | 'logger' | 'userGroups' | 'storage' | 'conversations'
>;

/**
 * Journey 5 from the posture view's buttons to a request behind approval:
 *   ask     — a button on `/restore vaults`: the vault key and change key are checked against the vaults in
 *             scope, the policy and the vault as Azure has it now; then a confirmation, private to the person
 *             like the wizard (their 1:1 chat when asked in a channel), stored under a random token;
 *   confirm — the confirmation's button (and, to lock immutability, the vault's name typed): the service
 *             checks everything again and stores the request; its approval card goes where restores' go;
 *   cancel  — closes the confirmation.
 * A forged, stale, foreign or repeated click changes nothing and says why.
 */
export class VaultSettingFlow {
  private readonly confirmations: VaultSettingConfirmations;

  constructor(
    private readonly deps: VaultSettingFlowDeps,
    private readonly approvals: ApprovalMessages,
  ) {
    const kv: KeyValueStore = deps.conversations ?? keyValueOverStorage(deps.storage);
    this.confirmations = new VaultSettingConfirmations(kv, deps.now);
  }

  /** The views for this turn (a confirmation sent privately is sent here, and only a note is returned). */
  async onAction(who: Who, answer: Answer): Promise<View[]> {
    try {
      switch (answer.action) {
        case VAULT_SETTING_ACTIONS.ask:
          return await this.ask(who, answer.values);
        case VAULT_SETTING_ACTIONS.confirm:
          return await this.confirm(who, answer.values);
        default:
          return await this.cancel(who, answer.values);
      }
    } catch (error) {
      if (!isBotError(error)) throw error;
      this.deps.logger.warn('vault setting step failed', { code: error.code });
      return [
        refusal(error.code, say('AZURE_TROUBLE', { what: 'preparing the vault change', message: error.message })),
      ];
    }
  }

  private async ask(who: Who, values: Record<string, string>): Promise<View[]> {
    const spec = specOfKey(values.change);
    if (!spec) return [refusal('VAULT_SETTING_BUTTON_INVALID', say('VAULT_SETTING_BUTTON_INVALID'))];
    const decision = await this.deps.policy.mayRequest(who.actor, policyPlace(who.place), this.deps.userGroups);
    if (!decision.allowed) return [refusal(decision.error.code, decision.error.message)];
    const vault = await findVaultByKey(this.deps.client, this.deps.policy, values.vault);
    if (!vault) return [refusal('VAULT_NOT_IN_SCOPE', say('VAULT_NOT_IN_SCOPE'))];
    const posture = vaultPosture(vault);
    const refused = refuseVaultChange(posture, spec.change);
    if (refused) return [refusal(refused.code, refused.message, say('VAULT_SETTING_NOT_POSSIBLE'))];

    const pending = await this.confirmations.open({
      vault: { id: vault.id, name: posture.name, location: posture.location },
      changeKey: spec.key,
      requester: { channel: who.actor.channel, userId: who.actor.userId, displayName: who.actor.displayName },
      askedIn: who.place,
    });
    const view = confirmationView(pending, posture, spec, this.deps.policy.requiredApprovals);
    if (who.place.personal) return [view];
    const chat = await this.openPrivateChat(who);
    if (chat && (await this.sendPrivately(chat, view))) {
      return [{ kind: 'notice', title: say('VAULT_SETTING_CONFIRM_PRIVATELY', { name: who.actor.displayName }) }];
    }
    return [
      confirmationView(pending, posture, spec, this.deps.policy.requiredApprovals, {
        notes: [say('VAULT_SETTING_PRIVATE_CHAT_UNAVAILABLE')],
      }),
    ];
  }

  private async confirm(who: Who, values: Record<string, string>): Promise<View[]> {
    const found = await this.usable(who, values.token);
    if ('refused' in found) return [found.refused];
    const { pending, spec } = found;
    if (spec.needsTypedName) {
      const typed = (values[CONFIRM_NAME_INPUT] ?? '').trim();
      if (typed !== pending.vault.name) {
        return [
          refusal(
            'VAULT_SETTING_NAME_MISMATCH',
            say('VAULT_SETTING_NAME_MISMATCH', { typed, vaultName: pending.vault.name }),
          ),
        ];
      }
    }
    let outcome: Awaited<ReturnType<VaultSettingFlowDeps['service']['createVaultSettingRequest']>>;
    try {
      outcome = await this.deps.service.createVaultSettingRequest({
        requester: requesterOf(who.actor),
        place: policyPlace(pending.askedIn),
        vault: pending.vault,
        change: spec.change,
      });
    } catch (error) {
      if (!isBotError(error)) throw error;
      return [refusal(error.code, error.message)];
    }
    if (!outcome.created) {
      const code = outcome.failures[0]?.code ?? 'VAULT_SETTING_NOT_POSSIBLE';
      const why = outcome.failures.map((f) => f.message).join(' ');
      return [refusal(code, why, say('VAULT_SETTING_NOT_POSSIBLE'))];
    }
    await this.confirmations.close(pending, { requestId: outcome.request.id });
    return [await this.postForApproval(outcome.request)];
  }

  private async cancel(who: Who, values: Record<string, string>): Promise<View[]> {
    const found = await this.usable(who, values.token);
    if ('refused' in found) return [found.refused];
    await this.confirmations.close(found.pending, { cancelled: true });
    return [{ kind: 'notice', title: say('VAULT_SETTING_CANCELLED') }];
  }

  /** The stored confirmation a token names, if this person may still use it. */
  private async usable(
    who: Who,
    token: string | undefined,
  ): Promise<{ pending: PendingConfirmation; spec: VaultSettingSpec } | { refused: View }> {
    const pending = await this.confirmations.get(token);
    const spec = pending && specOfKey(pending.changeKey);
    if (!pending || !spec) {
      return { refused: refusal('VAULT_SETTING_BUTTON_INVALID', say('VAULT_SETTING_BUTTON_INVALID')) };
    }
    const mine =
      pending.requester.channel === who.actor.channel &&
      samePrincipal(who.actor.channel, pending.requester.userId, who.actor.userId);
    if (!mine) {
      const text = say('VAULT_SETTING_NOT_YOURS', { name: pending.requester.displayName });
      return { refused: refusal('VAULT_SETTING_NOT_YOURS', text) };
    }
    if (pending.closed) {
      return {
        refused:
          'requestId' in pending.closed
            ? refusal(
                'VAULT_SETTING_CONFIRMATION_USED',
                say('VAULT_SETTING_CONFIRMATION_USED', { requestId: pending.closed.requestId }),
              )
            : refusal('VAULT_SETTING_CONFIRMATION_CANCELLED', say('VAULT_SETTING_CONFIRMATION_CANCELLED')),
      };
    }
    if (this.confirmations.isExpired(pending)) {
      return {
        refused: refusal('VAULT_SETTING_CONFIRMATION_EXPIRED', say('VAULT_SETTING_CONFIRMATION_EXPIRED')),
      };
    }
    return { pending, spec };
  }

  private async postForApproval(request: VaultSettingRequest): Promise<View> {
    const posted = await postApprovalRequest(this.deps, this.approvals, request);
    if (!posted.posted) {
      return refusal(
        'APPROVAL_POST_FAILED',
        say('APPROVAL_POST_FAILED', { requestId: request.id, message: posted.error.message }),
      );
    }
    return {
      kind: 'notice',
      tone: 'good',
      title: say('APPROVAL_REQUESTED', { requestId: request.id }),
      text: [say('VAULT_SETTING_APPROVERS_ASKED')],
      facts: [
        { label: 'Request', value: request.id },
        { label: 'Vault', value: request.vault.name },
        { label: 'Change', value: changeText(request.change) },
        ...(request.expiresAt ? [{ label: 'Expires', value: formatUtc(request.expiresAt) }] : []),
      ],
      ...(request.validation?.warnings.length ? { warnings: request.validation.warnings.map((w) => w.message) } : {}),
    };
  }

  private async openPrivateChat(who: Who): Promise<ConversationTarget | undefined> {
    try {
      return await this.deps.poster.openPrivateChat(who.actor);
    } catch (error) {
      this.deps.logger.warn('could not open a 1:1 chat; the confirmation stays in the thread', { error });
      return undefined;
    }
  }

  private async sendPrivately(chat: ConversationTarget, view: View): Promise<boolean> {
    try {
      await this.deps.poster.continueIn(chat, (context: TurnContext) => sendViews(context, [view]));
      return true;
    } catch (error) {
      this.deps.logger.warn('could not send the confirmation to the 1:1 chat; it stays in the thread', { error });
      return false;
    }
  }
}

/** A refused click or a step that cannot go on: nothing changed, and why. */
function refusal(code: string, message: string, title = 'Nothing changed'): View {
  return { kind: 'error', title, error: { code, message } };
}
