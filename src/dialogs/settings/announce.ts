import type { RecoveryEntry } from '../../restore/service';
import { ApprovalMessages } from '../approval/approval-messages';
import { approvalView } from '../approval/approval-view';
import { type ConversationDeps, keyValueOverStorage } from '../deps';
import { vaultSettingReply } from './replies';

export type AnnounceDeps = Pick<ConversationDeps, 'poster' | 'now' | 'logger' | 'storage' | 'conversations'>;

/**
 * Vault changes that `service.recover()` finished (after a crash or a lost answer) have nobody's click waiting
 * on them: this updates their approval cards and replies with the result in the approval thread. Only the
 * replica whose save ended the request gets such an entry, so each result is announced once. Returns how
 * many were announced.
 */
export async function announceVaultSettingOutcomes(
  deps: AnnounceDeps,
  entries: readonly RecoveryEntry[],
): Promise<number> {
  const approvals = new ApprovalMessages(deps.conversations ?? keyValueOverStorage(deps.storage));
  let announced = 0;
  for (const entry of entries) {
    const outcome = entry.outcome;
    if (!outcome || (outcome.status !== 'succeeded' && outcome.status !== 'failed')) continue;
    const request = outcome.request;
    if (request.kind !== 'vault-setting') continue;
    const record = await approvals.get(request.id);
    const thread = record?.messages[0];
    if (!record || !thread) continue;
    const card = approvalView(request, { nonce: record.nonce, now: deps.now() });
    try {
      for (const copy of record.messages) await deps.poster.update(copy, card);
      await deps.poster.reply(thread, vaultSettingReply(request, outcome), {
        key: `vault-setting-result:${request.id}`,
      });
      announced++;
    } catch (error) {
      deps.logger.warn('could not announce a recovered vault change', { requestId: request.id, error });
    }
  }
  return announced;
}
