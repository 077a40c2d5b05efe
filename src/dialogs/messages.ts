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

  // Disaster day: the vault's region does not answer, the inventory stands in
  INVENTORY_COLD: (p: { vault: string; region?: string; code: string }) =>
    `${p.region ? `${p.region}, the region of ${p.vault},` : `The region of ${p.vault}`} is not answering (${p.code}), and the bot has never stored the list of servers that vault protects, so it has no backup instance ids to restore with (restore <server> --secondary needs them too). ${outageWhatToDo(p.region)}`,
  INVENTORY_COLD_VAULTS: (p: { code: string }) =>
    `Azure did not answer the list of vaults (${p.code}), and the bot has never stored an inventory of them, so it cannot list them. ${outageWhatToDo()}`,
  INVENTORY_COLD_SEARCH: (p: { server: string; vaults: string; code: string }) =>
    `${p.server} was not found, but ${p.vaults} could not be searched: not answering (${p.code}) and never listed by the bot. ${outageWhatToDo()}`,
  VAULTS_FROM_INVENTORY: (p: { code: string; knownAt: string }) =>
    `Azure did not answer the list of vaults (${p.code}): these are the vaults as the bot last listed them, ${p.knownAt}.`,
  SERVERS_FROM_INVENTORY: (p: { vault: string; region: string; code: string; knownAt: string }) =>
    `${p.region} is not answering (${p.code}): the servers of ${p.vault} as the bot last listed them, ${p.knownAt}.`,
  PRIMARY_DOWN_SECONDARY_ONLY: (p: { region: string; code: string; secondary: string }) =>
    `The vault's region, ${p.region}, is not answering (${p.code}); only Cross Region Restore into ${p.secondary} can run now`,
  PRIMARY_REGION_DOWN: (p: { vault: string; region: string; code: string; reason: string }) =>
    `${p.region}, the region of ${p.vault}, is not answering (${p.code}), and this vault cannot restore anywhere else: ${p.reason}. Nothing can be restored from it until ${p.region} answers again; go back and pick another vault.`,
  PRIMARY_NOT_OFFERED: (p: { region: string }) =>
    `The restore cannot run in the primary region, ${p.region}, which is not answering: it continues in the secondary region.`,
  DEGRADED_MODE: (p: { region: string; code: string; since: string; secondary: string; knownAt: string }) =>
    `Disaster-day mode: ${p.region} has not been answering (${p.code}) since ${p.since}. Only Cross Region Restore into ${p.secondary} is offered. The vault's settings and its servers come from the bot's inventory (${p.knownAt}); recovery points, Azure's validation and the restore itself use ${p.secondary}'s own endpoints, which need only the stored ids.`,
  REGION_NOT_ANSWERING: (p: { region: string }) => `${p.region} not answering: secondary region only`,

  // Secondary-region availability per server (the portal's "Instance Region == Secondary Region")
  SECONDARY_SUMMARY: (p: { region: string; available: number; total: number }) =>
    `${p.available} of ${p.total} server${p.total === 1 ? '' : 's'} can be restored in ${p.region} now (the portal's Instance Region = Secondary Region view).`,
  SECONDARY_READY: (p: { region: string; newest: string; behind?: string }) =>
    `${p.region} now: newest copy ${p.newest}${p.behind ? `; newest backup (${p.behind}) not there yet` : ''}`,
  SECONDARY_NOT_YET: (p: { region: string }) =>
    `not in ${p.region} yet: no recovery point has been replicated there (up to 12 h after a backup, 48 h after CRR is enabled)`,
  SECONDARY_UNKNOWN: (p: { region: string; code: string }) => `${p.region}: could not check (${p.code})`,
  // Vault posture and vault settings (journey 5)
  VAULTS_IN_SCOPE: (p: { count: number }) => `${p.count} vault${p.count === 1 ? '' : 's'} in scope`,
  VAULT_UNREADABLE: (p: { code: string; message: string }) =>
    `Azure could not be asked about this vault: ${p.code}: ${p.message}`,
  VAULT_SETTING_CONFIRM_PRIVATELY: (p: { name: string }) =>
    `I've sent you a private message to confirm the vault change, ${p.name}.`,
  VAULT_SETTING_PRIVATE_CHAT_UNAVAILABLE: () =>
    'I could not open a private chat with you, so the confirmation is here, where others can see it; only you can use it.',
  VAULT_SETTING_BUTTON_INVALID: () =>
    'This button does not belong to a vault change the bot offered (it may be forged or out of date); nothing changed.',
  VAULT_NOT_IN_SCOPE: () =>
    'That vault is not in scope any more (deleted, moved, or the policy changed); nothing changed. Type vaults to see the current ones.',
  VAULT_SETTING_NOT_YOURS: (p: { name: string }) =>
    `This confirmation is ${p.name}'s; nothing changed. To ask for a change yourself, type vaults.`,
  VAULT_SETTING_CONFIRMATION_EXPIRED: () =>
    'This confirmation has expired; nothing changed. Type vaults to start again.',
  VAULT_SETTING_CONFIRMATION_USED: (p: { requestId: string }) =>
    `This confirmation was already used: approval was requested as ${p.requestId}. Nothing changed.`,
  VAULT_SETTING_CONFIRMATION_CANCELLED: () => 'This confirmation was cancelled; nothing changed.',
  VAULT_SETTING_NAME_MISMATCH: (p: { typed: string; vaultName: string }) =>
    `"${p.typed}" is not the vault's name: type ${p.vaultName} exactly to lock its immutability. Nothing was requested.`,
  VAULT_SETTING_CANCELLED: () => 'Vault change cancelled; nothing was requested.',
  VAULT_SETTING_NOT_POSSIBLE: () => 'This change cannot be requested',
  VAULT_SETTING_TYPE_NAME: (p: { vaultName: string }) => `Type the vault's name, ${p.vaultName}, to confirm`,
  VAULT_SETTING_APPROVERS_ASKED: () =>
    'Approvers were asked in the approval conversation; the decision and the result will be posted there.',
  VAULT_SETTING_DONE: (p: { requestId: string; vaultName: string; setting: string; value: string }) =>
    `${p.requestId}: ${p.setting} is now ${p.value} on ${p.vaultName}.`,
  VAULT_SETTING_DONE_CRR: () =>
    'Backup items can take up to 48 h to appear in the secondary region; /restore vaults shows when they have.',
  VAULT_SETTING_WAS_ALREADY: (p: { requestId: string; vaultName: string; setting: string; value: string }) =>
    `${p.requestId}: ${p.setting} was already ${p.value} on ${p.vaultName} (changed outside the bot); nothing was sent to Azure.`,
  VAULT_SETTING_NOT_CHANGED: (p: { requestId: string; code: string; message: string }) =>
    `The vault change ${p.requestId} was not made: ${p.code}: ${p.message}`,
  VAULT_SETTING_PENDING: (p: { requestId: string; message: string }) =>
    `Azure has not confirmed the vault change ${p.requestId} yet (${p.message}); the bot will check the vault again and finish it.`,
  VAULT_SETTING_HANDLED_ELSEWHERE: (p: { requestId: string }) =>
    `The vault change ${p.requestId} is already being handled.`,
} satisfies Record<string, (params: never) => string>;

/** What an on-call engineer can still do when the bot has no stored ids for a vault whose region is down. */
function outageWhatToDo(region?: string): string {
  return `What you can do now: restore in the Azure portal (Backup center → Backup instances, filter Instance Region = Secondary Region, then Restore), or wait for ${region ?? 'the region'} to answer and try again. To be ready next time, keep the bot running: it refreshes its inventory in the background (INVENTORY_REFRESH_MINUTES).`;
}

export type DialogTextKey = keyof typeof DIALOG_TEXT;

export function say<K extends DialogTextKey>(key: K, ...params: Parameters<(typeof DIALOG_TEXT)[K]>): string {
  return (DIALOG_TEXT[key] as (...p: unknown[]) => string)(...params);
}
