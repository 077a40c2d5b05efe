import { specOf, type VaultSettingRequest } from '../../restore';
import type { TriggerOutcome } from '../../restore/service';
import { say } from '../messages';
import type { View } from '../views';

/**
 * What is replied in the approval thread once a vault change was triggered: done (with what happens next),
 * not done and why, or not known yet. `request` is the request as it is after the trigger.
 */
export function vaultSettingReply(request: VaultSettingRequest, outcome: TriggerOutcome): View {
  const spec = specOf(request.change);
  const names = {
    requestId: request.id,
    vaultName: request.vault.name,
    setting: spec.settingName,
    value: request.change.to,
  };
  switch (outcome.status) {
    case 'succeeded': {
      if (outcome.alreadyApplied)
        return { kind: 'notice', tone: 'good', title: say('VAULT_SETTING_WAS_ALREADY', names) };
      return {
        kind: 'notice',
        tone: 'good',
        title: say('VAULT_SETTING_DONE', names),
        ...(request.change.setting === 'crossRegionRestore' ? { text: [say('VAULT_SETTING_DONE_CRR')] } : {}),
      };
    }
    case 'failed':
      return {
        kind: 'error',
        tone: 'attention',
        title: say('VAULT_SETTING_NOT_CHANGED', {
          requestId: request.id,
          code: outcome.reason.code,
          message: outcome.reason.message,
        }),
        error: { code: outcome.reason.code, message: outcome.reason.message },
      };
    case 'pending':
      return {
        kind: 'notice',
        tone: 'warning',
        title: say('VAULT_SETTING_PENDING', { requestId: request.id, message: outcome.reason.message }),
      };
    default:
      return { kind: 'notice', title: say('VAULT_SETTING_HANDLED_ELSEWHERE', { requestId: request.id }) };
  }
}
