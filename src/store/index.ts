export type { AuditChainHead, AuditRow, AuditRows } from './audit-rows';
export type { ConversationReferences } from './conversation-references';
export type { Backend, Db, Queryable, QueryResult } from './db';
export type { DialogStateStorage, StoreItems } from './dialog-state';
export type { IdempotencyKeys, IdempotencyRecord } from './idempotency-keys';
export type { InventoryRecords, InventoryVaultRecord } from './inventory';
export type { JobWatch, JobWatches, LeasedJobWatch, NewJobWatch } from './job-watches';
export { type MigrationOutcome, migrate } from './migrate';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';
export type {
  NewRequestRecord,
  RequestListFilter,
  RequestRecord,
  RequestRecords,
  RequestUpdate,
  SwapExpectation,
  SwapResult,
} from './request-records';
export { type OpenStoreOptions, openStore, type Store, type StoreRepositories, type StoreTx, storeOver } from './store';
export type { TriggerIntent, TriggerIntents } from './trigger-intents';
