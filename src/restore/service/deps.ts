import type { DataProtectionClient } from '../../azure';
import type { Logger } from '../../log';
import type { Store } from '../../store';
import type { AuditActor } from '../audit';
import type { PrecheckClient } from '../azure-port';
import type { RestoreInventory } from '../inventory';
import type { Policy, UserGroupDirectory } from '../policy';
import type { CrashHook } from './crash-hook';

/** The Data Protection client methods the service uses: the prechecks' reads, the triggers, the job lists. */
export type RestoreAzure = PrecheckClient &
  Pick<
    DataProtectionClient,
    | 'restore'
    | 'crossRegionRestore'
    | 'resumeOperation'
    | 'listJobs'
    | 'fetchCrossRegionRestoreJobs'
    // Vault-setting requests: the PATCH and its resumption.
    | 'updateVault'
    | 'resumeVaultUpdate'
  >;

export interface RestoreServiceDeps {
  store: Store;
  policy: Policy;
  azure: RestoreAzure;
  userGroups: UserGroupDirectory;
  now: () => Date;
  logger: Logger;
  /** What the bot last saw of vaults: the prechecks fall back on it while a vault's region does not answer. */
  inventory?: RestoreInventory;
  options?: RestoreServiceOptions;
}

export interface RestoreServiceOptions {
  /**
   * Recovery calls Azure again for an intent without a job only when nothing has happened on the request for
   * this long and Azure lists no job for it (see recovery.ts for why). Default 15 minutes.
   */
  retriggerAfterMs?: number;
  /** Default: from RESTORE_BOT_CRASH_AT (tests only; does nothing when unset). */
  crashHook?: CrashHook;
}

export const DEFAULT_RETRIGGER_AFTER_MS = 15 * 60_000;

/** Who the audit log names for what the bot does on its own (triggers, expiry, recovery). */
export const SYSTEM_ACTOR: AuditActor = { id: 'system', displayName: 'restore-bot' };
export const SYSTEM_CHANNEL = 'system';
