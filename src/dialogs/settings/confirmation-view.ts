import { changeWarnings, formatUtc, type VaultPosture, type VaultSettingSpec } from '../../restore';
import { say } from '../messages';
import type { View } from '../views';
import { CONFIRM_NAME_INPUT, VAULT_SETTING_ACTIONS } from './actions';
import { changeText } from './change-facts';
import type { PendingConfirmation } from './confirmations';

const EXPLANATIONS: Record<VaultSettingSpec['key'], (posture: VaultPosture) => string> = {
  'enable-crr': (p) =>
    `Cross Region Restore lets ${p.name}'s servers be restored in ${p.secondaryRegion ?? 'the secondary region'} while ${p.location} is down.`,
  'enable-immutability': (p) =>
    `Immutability (Unlocked) stops anyone deleting ${p.name}'s recovery points before they expire; it can still be turned off later.`,
  'lock-immutability': (p) =>
    `Locked immutability stops anyone deleting ${p.name}'s recovery points before they expire, for good: it can never be turned off again.`,
};

/**
 * What the requester reads before asking for a vault change: what it does, what it costs, whether it can be
 * undone, and (Lock) the vault's name to type. Only the token travels in the buttons.
 */
export function confirmationView(
  pending: PendingConfirmation,
  posture: VaultPosture,
  spec: VaultSettingSpec,
  approvalsNeeded: number,
  extra: { error?: View['error']; notes?: string[] } = {},
): View {
  const data = { token: pending.token };
  const current = spec.change.setting === 'crossRegionRestore' ? posture.crossRegionRestore : posture.immutability;
  return {
    kind: 'step',
    title: `${spec.label} on ${posture.name}?`,
    subtitle: `Goes to approval (${approvalsNeeded} approver${approvalsNeeded === 1 ? '' : 's'}, never you)`,
    text: [...(extra.notes ?? []), EXPLANATIONS[spec.key](posture)],
    facts: [
      { label: 'Vault', value: `${posture.name} (${posture.location})` },
      { label: 'Change', value: changeText(spec.change, current) },
      { label: 'Reversible', value: spec.irreversible ? 'No: this cannot be undone' : 'Yes' },
      { label: 'Confirm by', value: formatUtc(pending.expiresAt) },
    ],
    warnings: changeWarnings(posture, spec.change).map((w) => w.message),
    ...(extra.error ? { error: extra.error } : {}),
    ...(spec.needsTypedName
      ? {
          inputs: [
            {
              id: CONFIRM_NAME_INPUT,
              label: say('VAULT_SETTING_TYPE_NAME', { vaultName: posture.name }),
              placeholder: posture.name,
              maxLength: 50,
            },
          ],
        }
      : {}),
    actions: [
      {
        id: VAULT_SETTING_ACTIONS.confirm,
        label: 'Request approval',
        style: spec.irreversible ? 'danger' : 'primary',
        mode: 'submit',
        data: { ...data },
        ...(spec.needsTypedName ? { requires: [CONFIRM_NAME_INPUT] } : {}),
      },
      { id: VAULT_SETTING_ACTIONS.cancel, label: 'Cancel', mode: 'submit', data: { ...data } },
    ],
  };
}
