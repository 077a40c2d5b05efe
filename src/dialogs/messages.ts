import { formatUtc } from '../restore';

/**
 * Everything the conversation itself says (the restore domain's sentences stay in src/restore/messages.ts).
 * Keyed, so wording changes in one place; codes of error views are the keys.
 */
export const DIALOG_TEXT = {
  // Wizard plumbing
  BOT_UPDATED: () => "The bot was updated; let's start again.",
  CHOICE_NOT_AVAILABLE: () => 'That choice is no longer available; pick again from the list below.',
  FORM_NOT_ACTIVE: () => 'That form is no longer active. Type `restore` to start a new restore.',
  WIZARD_CANCELLED: () => 'Restore wizard cancelled; nothing was requested.',
  NOTHING_TO_CANCEL: () => 'There is no restore wizard to cancel.',
  ASK_FIRST: (p: { step: string }) => `Pick ${p.step} from the list, or type it.`,
  CONTINUED_PRIVATELY: (p: { name: string }) => `I've sent you a private message to continue, ${p.name}.`,
  PRIVATE_CHAT_UNAVAILABLE: () =>
    'I could not open a private chat with you, so the restore continues in this thread, where others can see it.',

  // Vault step
  NO_VAULTS_IN_SCOPE: () =>
    'No Backup vault is visible in the subscriptions the policy allows; check the bot identity has Backup Reader on them.',
  TOO_MANY_VAULTS: (p: { limit: number }) =>
    `More than ${p.limit} vaults are in scope: type part of a vault name to search.`,
  NO_VAULT_MATCHES: (p: { query: string; suggestion?: string }) =>
    `No vault name contains "${p.query}".${p.suggestion ? ` Did you mean ${p.suggestion}?` : ''}`,
  VAULT_GONE: (p: { name: string }) =>
    `Vault ${p.name} is no longer available (deleted, moved or out of scope); pick another.`,

  // Region step
  SECONDARY_NOT_AVAILABLE: (p: { vault: string; reason: string }) =>
    `Restoring ${p.vault} in its secondary region is not possible: ${p.reason}.`,
  REGION_UNKNOWN_ANSWER: (p: { typed: string }) => `"${p.typed}" is not a region choice; answer primary or secondary.`,

  // Instance step
  NO_INSTANCES: (p: { vault: string }) => `${p.vault} protects no PostgreSQL server; pick another vault.`,
  UNKNOWN_SERVER: (p: { name: string; suggestion?: string }) =>
    `No protected server is called ${p.name}.${p.suggestion ? ` Did you mean ${p.suggestion}?` : ''}`,
  SERVER_IN_SEVERAL_VAULTS: (p: { name: string }) => `${p.name} is protected by several vaults; pick the vault.`,
  SERVER_FOUND: (p: { name: string; vault: string }) => `${p.name} is protected by ${p.vault}.`,

  // Recovery point step
  TIME_UNREADABLE: (p: { typed: string }) =>
    `I could not read "${p.typed}" as a time. Try latest, 2026-11-20 14:00, yesterday 18:00 or before 3h ago.`,
  NO_POINT_BEFORE: (p: { time: string; server: string }) =>
    `${p.server} has no recovery point at or before ${formatUtc(p.time)} here; pick one from the list.`,
  NO_POINTS: (p: { server: string; where: string }) =>
    `${p.server} has no recovery point ${p.where} yet; go back and pick another region or server.`,
  POINT_GONE: (p: { time: string }) =>
    `The recovery point of ${formatUtc(p.time)} no longer exists (retention may have removed it); pick another.`,
  NEAREST_POINT: (p: { typed: string; label: string }) => `Nearest point at or before "${p.typed}": ${p.label}.`,

  // Target step
  NO_TARGETS: (p: { region: string }) =>
    `No restore target is configured for ${p.region}: the policy's restoreTargets has none in that region. Go back and pick another region, or ask an administrator to add a target there.`,
  UNKNOWN_TARGET: (p: { name: string; region: string; allowed: string; suggestion?: string }) =>
    `${p.name} is not a restore target for ${p.region} (allowed: ${p.allowed}).${p.suggestion ? ` Did you mean ${p.suggestion}?` : ''}`,

  // Review and request
  VALIDATION_FAILED: () => 'The checks failed, so this restore cannot be requested as it is:',
  APPROVAL_REQUESTED: (p: { requestId: string }) => `Approval requested: ${p.requestId}`,
  APPROVAL_POST_FAILED: (p: { requestId: string; message: string }) =>
    `The approval request ${p.requestId} could not be posted (${p.message}); it was withdrawn. Try again.`,

  // Approval clicks
  APPROVAL_BUTTON_INVALID: () =>
    'This button does not belong to an approval request the bot knows (it may be forged or out of date); nothing changed.',
  APPROVAL_RECORDED: (p: { requestId: string; have: number; need: number }) =>
    `${p.have} of ${p.need} approvals: your approval of ${p.requestId} is recorded; waiting for ${p.need - p.have} more.`,
  APPROVAL_UNKNOWN_ACTION: () => 'This card only accepts Approve and Reject; nothing changed.',
  APPROVAL_FAILED_UNEXPECTEDLY: () => 'Something went wrong while recording your decision; nothing changed. Try again.',
  RESTORE_STARTED: (p: { requestId: string; jobId: string }) => `Restore started for ${p.requestId}: job ${p.jobId}`,
  RESTORE_NOT_STARTED: (p: { requestId: string; code: string; message: string }) =>
    `The restore for ${p.requestId} did not start: ${p.code}: ${p.message}`,
  RESTORE_PENDING: (p: { requestId: string; message: string }) =>
    `Azure has not confirmed the restore for ${p.requestId} yet (${p.message}); the bot will reconcile and report here.`,
  REQUEST_REJECTED_REPLY: (p: { requestId: string; by: string; reason: string }) =>
    `${p.requestId} was rejected by ${p.by}: ${p.reason}`,
  REQUEST_EXPIRED_REPLY: (p: { requestId: string; requester: string }) =>
    `${p.requestId} expired without a decision; ${p.requester} can ask again with /restore.`,

  // Commands
  UNKNOWN_COMMAND: (p: { typed: string; suggestion?: string }) =>
    `I don't know "${p.typed}".${p.suggestion ? ` Did you mean \`${p.suggestion}\`?` : ''}`,
  UNKNOWN_OPTION: (p: { option: string; suggestion?: string }) =>
    `Unknown option ${p.option}.${p.suggestion ? ` Did you mean ${p.suggestion}?` : ''}`,
  OPTION_NEEDS_VALUE: (p: { option: string }) => `${p.option} needs a value.`,
  STATUS_NEEDS_ID: () => 'Give a request id (R-XXXX) or a job id: `status R-7KQ2`.',
  STATUS_NOT_FOUND: (p: { id: string }) => `No request or restore job ${p.id} was found.`,
  UNKNOWN_VAULT: (p: { name: string; suggestion?: string }) =>
    `No vault in scope is called ${p.name}.${p.suggestion ? ` Did you mean ${p.suggestion}?` : ''}`,
  NO_JOBS: (p: { where: string }) => `No restore jobs ${p.where}.`,
  AZURE_TROUBLE: (p: { what: string; message: string }) => `Azure could not be asked while ${p.what}: ${p.message}`,
} satisfies Record<string, (params: never) => string>;

export type DialogTextKey = keyof typeof DIALOG_TEXT;

export function say<K extends DialogTextKey>(key: K, ...params: Parameters<(typeof DIALOG_TEXT)[K]>): string {
  return (DIALOG_TEXT[key] as (...p: unknown[]) => string)(...params);
}
