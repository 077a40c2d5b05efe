/**
 * The one conversation (SPEC section 2), shared by Teams and Slack: `createConversationApp` for the channels,
 * and the step data functions for Slack's options load and anything else that needs the same pick lists.
 */
export { type Answer, readAnswer } from './answer';
export { ApprovalMessages, type ApprovalRecord } from './approval/approval-messages';
export { APPROVAL_ACTIONS, approvalView, REJECT_REASON_INPUT, requestFacts } from './approval/approval-view';
export { type Command, parseCommand, tokenize } from './command-grammar';
export { createConversationApp, RestoreConversation } from './conversation-app';
export { findServer, type InstanceSummary, instanceOptions, listInstances } from './data/instances';
export { recoveryPointOptionsForQuery, recoveryPointsForQuery } from './data/point-query';
export {
  nearestPointAtOrBefore,
  newestPoints,
  POINTS_PER_PAGE,
  type PointPage,
  type PointSource,
  type PointSummary,
  pointKey,
  recoveryPointOptions,
  recoveryPointPage,
} from './data/recovery-points';
export { regionModeOptions, restoreRegion, secondaryUnavailableReason } from './data/region-modes';
export { targetOptions, targetsFor } from './data/targets';
export { listVaultsInScope, VAULT_LIST_LIMIT, type VaultSummary, vaultOptions, vaultSummary } from './data/vaults';
export { type ConversationAzure, type ConversationDeps, type KeyValueStore, keyValueOverStorage } from './deps';
export { helpView } from './look/help-view';
export { jobsView } from './look/jobs-view';
export { statusView } from './look/status-view';
export { vaultsView } from './look/vaults-view';
export { DIALOG_TEXT, say } from './messages';
export { RESTORE_WIZARD_DIALOG_ID, viewActivity } from './restore-wizard-dialog';
export { VAULT_SETTING_ACTIONS } from './settings/actions';
export { type AnnounceDeps, announceVaultSettingOutcomes } from './settings/announce';
export { ageText, localTime, timeLabel } from './time-labels';
export { parseTypedTime, type TypedTime } from './typed-time';
export { WizardEngine } from './wizard/engine';
export { DIALOG_VERSION } from './wizard/state';
