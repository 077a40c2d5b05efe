/** The restore service: the lifecycle with its side effects (store, audit log, Azure), exactly once. */
export {
  CRASH_ENV_VARIABLE,
  CRASH_POINTS,
  type CrashHook,
  type CrashPoint,
  crashHookFromEnvironment,
  NO_CRASH,
} from './crash-hook';
export {
  DEFAULT_RETRIGGER_AFTER_MS,
  type RestoreAzure,
  type RestoreServiceDeps,
  type RestoreServiceOptions,
  SYSTEM_ACTOR,
  SYSTEM_CHANNEL,
} from './deps';
export type { RecoveryAction, RecoveryEntry } from './recovery';
export {
  type ApproveOptions,
  type ApproveOutcome,
  type Clicker,
  type CreateRestoreInput,
  type CreateRestoreOutcome,
  type CreateVaultSettingInput,
  type CreateVaultSettingOutcome,
  RestoreService,
} from './restore-service';
export type { TriggerOutcome } from './trigger';
export { findTriggeredJob, JOB_CLOCK_SKEW_MS, type TriggerIntentDetails } from './trigger-intent';
export { readVaultForChange, type VaultReading, type VaultSettingAzure } from './vault-setting-checks';
export { VAULT_SETTING_RESUME_AFTER_MS, type VaultSettingIntentDetails } from './vault-setting-trigger';
