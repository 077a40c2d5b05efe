import type { DataProtectionClient } from '../azure';
import type { Logger } from '../log';
import type { Policy, UserGroupDirectory } from '../restore';
import type { RestoreInventory } from '../restore/inventory';
import type { RestoreService } from '../restore/service';
import type { DialogStateStorage } from '../store';
import type { Poster } from './ports';

/** The Azure calls the conversation makes itself (reads for the pick lists, jobs and status). */
export type ConversationAzure = Pick<
  DataProtectionClient,
  | 'listSubscriptions'
  | 'listVaultsInSubscription'
  | 'getVault'
  | 'listBackupInstances'
  | 'listRecoveryPoints'
  | 'getRecoveryPoint'
  | 'newestRecoveryPoint'
  | 'fetchSecondaryRecoveryPoints'
  | 'newestSecondaryRecoveryPoint'
  | 'validateRestore'
  | 'validateCrossRegionRestore'
  | 'listJobs'
  | 'getJob'
  | 'fetchCrossRegionRestoreJobs'
  | 'fetchCrossRegionRestoreJob'
>;

/** Small JSON key/value storage (`store.conversations` satisfies it): where approval messages and nonces live. */
export interface KeyValueStore {
  put(key: string, value: unknown): Promise<void>;
  get<T = unknown>(key: string): Promise<T | undefined>;
}

export interface ConversationDeps {
  service: RestoreService;
  client: ConversationAzure;
  policy: Policy;
  /** Dialog state (`store.dialogState`): botbuilder's Storage contract with eTags. */
  storage: DialogStateStorage;
  /**
   * Where the approval message of each request and its nonce are kept (pass `store.conversations`); the
   * request record has no field for a posted message's full reference, so it lives here, keyed by request id.
   * When absent, the same records go into `storage` under the same keys (`approval:<request id>`).
   */
  conversations?: KeyValueStore;
  poster: Poster;
  userGroups: UserGroupDirectory;
  now: () => Date;
  logger: Logger;
  /**
   * What the bot last saw of vaults and instances (kept warm in the background, updated by every listing
   * here): while a vault's region does not answer, the wizard lists from it and restores in the secondary
   * region. Without it, an outage of the vault's region simply fails the step.
   */
  inventory?: RestoreInventory;
}

/** The dialog state storage seen as a key/value store (for deployments that pass no `conversations`). */
export function keyValueOverStorage(storage: DialogStateStorage): KeyValueStore {
  return {
    async put(key, value) {
      await storage.write({ [key]: { value } });
    },
    async get<T>(key: string) {
      const items = await storage.read([key]);
      return (items[key] as { value?: T } | undefined)?.value;
    },
  };
}
