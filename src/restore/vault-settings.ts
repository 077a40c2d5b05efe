import type { PatchResourceRequestInput } from '../azure';
import type { BotError } from '../errors';
import { botError } from './messages';
import type { VaultSettingChange } from './request';
import { enumIs, type VaultPosture } from './vault-posture';

/**
 * The vault settings a person may ask to change (SPEC journey 5), as data: what each change is called, whether
 * it can ever be undone, whether the requester must type the vault's name, and the PATCH that makes it. The
 * rules here are pure: the posture they judge is read by the caller.
 */

/** Short keys for buttons and stored confirmations; never anything a person types. */
export type VaultSettingChangeKey = 'enable-crr' | 'enable-immutability' | 'lock-immutability';

export interface VaultSettingSpec {
  key: VaultSettingChangeKey;
  change: VaultSettingChange;
  /** What the button and the approval card call it. */
  label: string;
  /** What the setting is called in sentences. */
  settingName: string;
  /** Azure documents no way back (CRR once Enabled; immutability once Locked). */
  irreversible: boolean;
  /** The requester confirms by typing the vault's name (SPEC: a second, explicit confirmation). */
  needsTypedName: boolean;
}

export const VAULT_SETTING_SPECS: readonly VaultSettingSpec[] = [
  {
    key: 'enable-crr',
    change: { setting: 'crossRegionRestore', to: 'Enabled' },
    label: 'Enable Cross Region Restore',
    settingName: 'Cross Region Restore',
    irreversible: true,
    needsTypedName: false,
  },
  {
    key: 'enable-immutability',
    change: { setting: 'immutability', to: 'Unlocked' },
    label: 'Enable immutability',
    settingName: 'Immutability',
    irreversible: false,
    needsTypedName: false,
  },
  {
    key: 'lock-immutability',
    change: { setting: 'immutability', to: 'Locked' },
    label: 'Lock immutability',
    settingName: 'Immutability',
    irreversible: true,
    needsTypedName: true,
  },
];

export function specOfKey(key: unknown): VaultSettingSpec | undefined {
  return VAULT_SETTING_SPECS.find((s) => s.key === key);
}

export function specOf(change: VaultSettingChange): VaultSettingSpec {
  const spec = VAULT_SETTING_SPECS.find((s) => s.change.setting === change.setting && s.change.to === change.to);
  if (!spec) throw new RangeError(`not a vault setting change: ${JSON.stringify(change)}`);
  return spec;
}

/** The setting's value on the vault now, spelled as Azure spells it. */
export function currentValue(posture: VaultPosture, change: VaultSettingChange): string {
  return change.setting === 'crossRegionRestore' ? posture.crossRegionRestore : posture.immutability;
}

/** True when the vault already has the value the change asks for. */
export function isApplied(posture: VaultPosture, change: VaultSettingChange): boolean {
  return enumIs(currentValue(posture, change), change.to);
}

/**
 * Why this change cannot be asked for on this vault now, or undefined when it can: CRR on a vault that is not
 * GeoRedundant, anything that would undo a one-way setting, or a value the vault already has.
 */
export function refuseVaultChange(posture: VaultPosture, change: VaultSettingChange): BotError | undefined {
  const spec = specOf(change);
  const current = currentValue(posture, change);
  if (change.setting === 'crossRegionRestore') {
    if (isApplied(posture, change)) return alreadySet(posture, spec, current);
    if (!enumIs(posture.storageRedundancy, 'GeoRedundant')) {
      return botError('VAULT_SETTING_CRR_NEEDS_GEO_REDUNDANT', {
        vaultName: posture.name,
        redundancy: posture.storageRedundancy,
      });
    }
    return undefined;
  }
  if (isApplied(posture, change)) return alreadySet(posture, spec, current);
  if (enumIs(current, 'Locked')) {
    return botError('VAULT_SETTING_IRREVERSIBLE', {
      vaultName: posture.name,
      setting: spec.settingName,
      current,
      wanted: change.to,
    });
  }
  return undefined;
}

function alreadySet(posture: VaultPosture, spec: VaultSettingSpec, value: string): BotError {
  return botError('VAULT_SETTING_ALREADY_SET', { vaultName: posture.name, setting: spec.settingName, value });
}

/** The changes that can be asked for on this vault now (the posture view's buttons). */
export function possibleChanges(posture: VaultPosture): VaultSettingSpec[] {
  return VAULT_SETTING_SPECS.filter((spec) => refuseVaultChange(posture, spec.change) === undefined);
}

/** What approvers and the requester must know before the change: cost, delay, no way back. */
export function changeWarnings(posture: VaultPosture, change: VaultSettingChange): BotError[] {
  const spec = specOf(change);
  if (change.setting === 'crossRegionRestore') {
    return [
      botError('VAULT_SETTING_WARN_CRR', {
        vaultName: posture.name,
        secondaryRegion: posture.secondaryRegion ?? 'the secondary region',
      }),
    ];
  }
  return spec.irreversible ? [botError('VAULT_SETTING_WARN_LOCK', { vaultName: posture.name })] : [];
}

/** The PATCH body (`PatchResourceRequestInput`) that makes the change and touches nothing else. */
export function vaultPatchFor(change: VaultSettingChange): PatchResourceRequestInput {
  return change.setting === 'crossRegionRestore'
    ? { properties: { featureSettings: { crossRegionRestoreSettings: { state: change.to } } } }
    : { properties: { securitySettings: { immutabilitySettings: { state: change.to } } } };
}

/** Stored data is checked before use: a change read back from JSON is one of the three, or nothing. */
export function isVaultSettingChange(value: unknown): value is VaultSettingChange {
  if (typeof value !== 'object' || value === null) return false;
  const { setting, to } = value as { setting?: unknown; to?: unknown };
  return VAULT_SETTING_SPECS.some((s) => s.change.setting === setting && s.change.to === to);
}
