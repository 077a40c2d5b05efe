import type { VaultSettingSpec } from '../../restore';
import { vaultKey } from '../data/vaults';
import type { Action } from '../views';

/**
 * The vault-setting buttons. Their data are short keys only: the posture view's buttons carry the vault's key
 * and the change's key; the confirmation's carry a random token naming the stored confirmation.
 */
export const VAULT_SETTING_ACTIONS = {
  /** On the posture view: ask for a change (opens the confirmation). */
  ask: 'vault-setting',
  /** On the confirmation: request approval. */
  confirm: 'vault-setting-confirm',
  cancel: 'vault-setting-cancel',
} as const;

/** The text input of the Lock confirmation: the vault's name, typed by the requester. */
export const CONFIRM_NAME_INPUT = 'vaultName';

const ACTION_IDS: readonly string[] = Object.values(VAULT_SETTING_ACTIONS);

export function isVaultSettingAction(action: string | undefined): boolean {
  return action !== undefined && ACTION_IDS.includes(action);
}

export function askAction(vaultId: string, spec: VaultSettingSpec): Action {
  return {
    id: VAULT_SETTING_ACTIONS.ask,
    label: spec.label,
    style: spec.irreversible ? 'danger' : 'default',
    mode: 'submit',
    data: { vault: vaultKey(vaultId), change: spec.key },
  };
}
