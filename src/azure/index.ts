export * from './arm-id';
export type {
  CallOptions,
  DataProtectionClientOptions,
  NewestRecoveryPointOptions,
  RecoveryPointRange,
  TriggerOptions,
} from './client';
export {
  DATA_PROTECTION_API_VERSION,
  DataProtectionClient,
  DEFAULT_ARM_ENDPOINT,
  SUBSCRIPTIONS_API_VERSION,
} from './client';
export type { CredentialKind } from './credentials';
export { ARM_SCOPE, createCredential, EMULATOR_TOKEN, StaticTokenCredential } from './credentials';
export * from './errors';
export * from './job-status';
export type { JobLroKind, LroKind, LroStatus, LroTiming } from './lro';
export { ArmOperation, DEFAULT_LRO_TIMING, kindOfSavedOperation } from './lro';
export type * from './models';
export type { ArmPage, PageFetcher } from './pager';
export { ArmPager } from './pager';
export * from './parse';
export { createArmPipeline, USER_AGENT_PREFIX } from './pipeline';
export * from './recovery-points';
export * from './regions';
export * from './requests';
export { parseRetryAfterMs } from './retry-after';
export type { RetryMode, RetryOptions } from './retry-policy';
export { armRetryPolicy, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from './retry-policy';
export type { ArmRequest, ArmResponse, OnArmCall } from './transport';
export { ArmTransport } from './transport';
export * from './vault-posture';
