import { BotError } from '../errors';
import { formatUtc, joinWords } from './format';
import type { RequestState } from './request';

/**
 * Every sentence the restore domain says to a person, keyed. Error keys are also the BotError codes, so a
 * channel can switch on the code and show the message; wording changes here and nowhere else.
 */

export const STATE_LABELS: Record<RequestState, string> = {
  draft: 'Draft',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  triggering: 'Starting',
  running: 'Running',
  succeeded: 'Completed',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

const EVENT_VERBS: Record<string, string> = {
  submit: 'offered for approval',
  approve: 'approved',
  reject: 'rejected',
  expire: 'expired',
  cancel: 'cancelled',
  trigger: 'started',
  progress: 'updated with job progress',
  triggered: 'marked as running',
  succeed: 'marked as completed',
  fail: 'marked as failed',
};

type NoParams = Record<string, never>;

export const catalogue = {
  // Requests and approvals
  REQUEST_INVALID_TRANSITION: (p: { requestId: string; from: RequestState; to: RequestState; event: string }) =>
    `Request ${p.requestId} is ${STATE_LABELS[p.from].toLowerCase()}; it cannot be ${EVENT_VERBS[p.event] ?? p.event} (${p.from} → ${p.to} is not a valid step).`,
  REQUEST_NOT_VALIDATED: (p: { requestId: string }) =>
    `Request ${p.requestId} cannot be offered for approval until its checks pass.`,
  REQUEST_SELF_APPROVAL: (p: { requestId: string }) =>
    `You asked for ${p.requestId}, so you cannot approve or reject it; another approver has to decide.`,
  REQUEST_ALREADY_APPROVED_BY_YOU: (p: { requestId: string; at: string; have: number; need: number }) =>
    p.have >= p.need
      ? `You already approved ${p.requestId} (${formatUtc(p.at)}); nothing changed.`
      : `You already approved ${p.requestId} (${formatUtc(p.at)}); it still needs ${p.need - p.have} more approval${p.need - p.have === 1 ? '' : 's'} from someone else. Nothing changed.`,
  REQUEST_ALREADY_DECIDED: (p: { requestId: string; state: RequestState; by: string; at: string }) => {
    if (p.state === 'expired') return `${p.requestId} already expired at ${formatUtc(p.at)}. Nothing changed.`;
    const verdict = p.state === 'rejected' || p.state === 'cancelled' ? p.state : 'approved';
    const since =
      verdict === 'approved' && p.state !== 'approved' ? ` (now ${STATE_LABELS[p.state].toLowerCase()})` : '';
    return `${p.requestId} was already decided: ${verdict} by ${p.by} at ${formatUtc(p.at)}${since}. Nothing changed.`;
  },
  REQUEST_EXPIRED: (p: { requestId: string; expiresAt: string }) =>
    `${p.requestId} expired at ${formatUtc(p.expiresAt)} and can no longer be approved or rejected; the requester can ask again.`,
  REQUEST_NOT_YET_EXPIRED: (p: { requestId: string; expiresAt: string }) =>
    `${p.requestId} does not expire until ${formatUtc(p.expiresAt)}.`,
  REQUEST_REJECT_REASON_REQUIRED: (p: { requestId: string }) =>
    `Please give a reason for rejecting ${p.requestId}; the requester will see it.`,
  APPROVAL_RECORDED: (p: { requestId: string; have: number; need: number }) =>
    `Your approval of ${p.requestId} is recorded (${p.have} of ${p.need}); waiting for ${p.need - p.have} more.`,
  APPROVAL_COMPLETE: (p: { requestId: string }) =>
    `${p.requestId} is approved; re-checking and starting the restore now.`,

  // Policy
  POLICY_INVALID: (p: { source: string; issues: readonly string[] }) =>
    `The policy file ${p.source} is invalid:\n${p.issues.map((i) => `  ${i}`).join('\n')}`,
  POLICY_CHANNEL_DISABLED: (p: { channel: string }) =>
    `Restores are not configured for ${channelName(p.channel)}: the policy file has no ${p.channel} section.`,
  POLICY_WORKSPACE_NOT_ALLOWED: (p: { channel: string; tenantOrTeamId: string }) =>
    `This ${p.channel === 'slack' ? 'Slack workspace' : 'Microsoft Entra tenant'} (${p.tenantOrTeamId}) is not allowed to use restore-bot; ask an administrator to add it to the policy.`,
  POLICY_CHANNEL_NOT_ALLOWED: (p: {
    channel: string;
    conversationId: string;
    allowed: readonly string[];
    purpose: 'request' | 'approve';
  }) =>
    p.purpose === 'request'
      ? `/restore cannot be used in this conversation (${p.conversationId}); use one of the allowed channels: ${joinWords(p.allowed)}.`
      : `Approvals are not accepted from this conversation (${p.conversationId}); approve in ${joinWords(p.allowed, 'an allowed channel', 'or')}.`,
  POLICY_NOT_REQUESTER: (_: NoParams) =>
    'You are not allowed to request restores; ask an administrator to add you (or a user group you belong to) to the requesters in the policy.',
  POLICY_NOT_APPROVER: (p: { requestId: string }) =>
    `You are not an approver for ${p.requestId}; only the approvers named in the policy can approve or reject it.`,
  POLICY_WRONG_CHANNEL: (p: { requestId: string; requestChannel: string; clickChannel: string }) =>
    `${p.requestId} was requested in ${channelName(p.requestChannel)} and can only be decided there, not from ${channelName(p.clickChannel)}.`,
  POLICY_APPROVAL_CHANNEL_REQUIRED: (p: { channel: string }) =>
    `A restore asked for in a private chat needs an approval channel, and the policy sets no ${p.channel}.approvalChannel; ask from an allowed channel instead.`,

  // Prechecks: failures
  PRECHECK_VAULT_OUT_OF_SCOPE: (p: { vaultName: string; subscriptionId: string }) =>
    `${p.vaultName} is in subscription ${p.subscriptionId}, which the policy does not include; restores can only come from the subscriptions listed there.`,
  PRECHECK_VAULT_NOT_FOUND: (p: { vaultName: string }) =>
    `Backup vault ${p.vaultName} was not found (deleted, moved, or the bot lost access); start again with /restore to pick a current vault.`,
  PRECHECK_SECONDARY_NOT_GEO_REDUNDANT: (p: { vaultName: string; redundancy: string; location: string }) =>
    `${p.vaultName} is ${p.redundancy}; restoring to the secondary region needs a GeoRedundant vault, and redundancy cannot be changed once items are protected. Restore in the primary region (${p.location}) instead.`,
  PRECHECK_CRR_DISABLED: (p: { vaultName: string; secondaryRegion: string }) =>
    `Cross Region Restore is Disabled on ${p.vaultName}; enable it with /restore vaults — it can take up to 48 h before instances appear in ${p.secondaryRegion}.`,
  PRECHECK_SECONDARY_REGION_UNKNOWN: (p: { vaultName: string; location: string }) =>
    `The secondary region of ${p.vaultName} (in ${p.location}) is unknown: Azure lists no replicated region and ${p.location} has no paired region. Restore in the primary region instead.`,
  PRECHECK_POINT_NOT_FOUND: (p: { pointTime: string; serverName: string }) =>
    `The recovery point of ${formatUtc(p.pointTime)} for ${p.serverName} no longer exists (retention may have removed it); pick another point.`,
  PRECHECK_POINT_NOT_REPLICATED: (p: { pointTime: string; serverName: string; secondaryRegion: string }) =>
    `The recovery point of ${formatUtc(p.pointTime)} for ${p.serverName} is not in ${p.secondaryRegion} yet (copies reach the secondary region up to 12 h after the backup); pick an older point or restore in the primary region.`,
  PRECHECK_POINT_NOT_COMPLETED: (p: { pointTime: string; state: string }) =>
    `The recovery point of ${formatUtc(p.pointTime)} is ${p.state}, not Completed, so it cannot be restored; pick another point.`,
  PRECHECK_TARGET_UNKNOWN: (p: { targetName: string }) =>
    `Restore target ${p.targetName} is no longer in the policy's restoreTargets; pick one of the configured targets.`,
  PRECHECK_TARGET_NOT_ALLOWED: (p: {
    targetName: string;
    targetRegion: string;
    restoreRegion: string;
    allowed: readonly string[];
  }) =>
    `Target ${p.targetName} is in ${p.targetRegion}, but this restore runs in ${p.restoreRegion}; targets allowed there: ${joinWords(p.allowed)}.`,
  PRECHECK_VALIDATION_FAILED: (p: { code: string; message: string }) =>
    `Azure's restore validation failed: ${p.code}: ${p.message}`,
  PRECHECK_AZURE_THROTTLED: (p: { retryAfterSeconds: number }) =>
    `Azure is throttling requests; try again in ${p.retryAfterSeconds} s.`,
  PRECHECK_AZURE_UNAVAILABLE: (p: { what: string; code: string; message: string }) =>
    `Azure could not be reached while ${p.what} (${p.code}: ${p.message}); the region may be having an outage. Try again shortly, or restore in the secondary region.`,
  PRECHECK_AZURE_FORBIDDEN: (p: { what: string; code: string; message: string }) =>
    `The bot's Azure identity is not allowed to do this while ${p.what} (${p.code}: ${p.message}); it needs the Backup Operator role on the vault.`,
  PRECHECK_AZURE_ERROR: (p: { what: string; code: string; message: string }) =>
    `Azure returned an error while ${p.what}: ${p.code}: ${p.message}`,

  // Prechecks: warnings
  PRECHECK_IMMUTABILITY_DISABLED: (p: { vaultName: string }) =>
    `Immutability is Disabled on ${p.vaultName}: its recovery points could be deleted early. Consider enabling it with /restore vaults.`,
  PRECHECK_SOFT_DELETE_OFF: (p: { vaultName: string }) =>
    `Soft delete is Off on ${p.vaultName}: deleted backups cannot be recovered. Consider turning it on.`,
  PRECHECK_VAULT_UNREADABLE: (p: { vaultName: string; code: string }) =>
    `Could not read ${p.vaultName} (${p.code}); its primary region may be down. Relying on Azure's cross-region validation instead.`,
  PRECHECK_VAULT_FROM_INVENTORY: (p: {
    vaultName: string;
    region: string;
    code: string;
    knownAt: string;
    age: string;
    serversKnownAt?: string;
    serversAge?: string;
  }) =>
    `Degraded: ${p.region}, the region of ${p.vaultName}, is not answering (${p.code}). The vault's settings come from the bot's inventory as of ${formatUtc(p.knownAt)} (${p.age})${p.serversKnownAt ? `, its servers as of ${formatUtc(p.serversKnownAt)} (${p.serversAge})` : ''}; Azure's own validation in the restore region still decides.`,
  PRECHECK_INSTANCE_NOT_IN_INVENTORY: (p: { serverName: string; vaultName: string }) =>
    `${p.serverName} was not among the servers of ${p.vaultName} when the bot last listed them; Azure's validation will tell whether it is still protected there.`,
  // Vault posture (/restore vaults): warnings
  POSTURE_CRR_IMPOSSIBLE: (p: { vaultName: string; redundancy: string; location: string; itemsProtected: boolean }) =>
    `Cross Region Restore is impossible on ${p.vaultName}: it is ${p.redundancy}, so its backups exist only in ${p.location}${p.itemsProtected ? ', and storage redundancy cannot be changed now that items are protected' : '; make it GeoRedundant before protecting any server'}. An outage of ${p.location} leaves nothing to restore from.`,
  POSTURE_SECONDARY_STALE: (p: {
    serverName: string;
    secondaryRegion: string;
    behindHours: number;
    expectedTime: string;
  }) =>
    `The newest recovery point of ${p.serverName} in ${p.secondaryRegion} is ${p.behindHours} h older than its primary point of ${formatUtc(p.expectedTime)}, beyond the 12 h replication window: replication to ${p.secondaryRegion} looks stuck.`,
  POSTURE_SECONDARY_EMPTY: (p: { serverName: string; secondaryRegion: string; expectedTime: string }) =>
    `${p.serverName} has no recovery point in ${p.secondaryRegion}, although its primary point of ${formatUtc(p.expectedTime)} is older than the 12 h replication window (right after Cross Region Restore is enabled this can take up to 48 h).`,

  // Vault settings (journey 5): refusals and warnings
  VAULT_SETTING_CRR_NEEDS_GEO_REDUNDANT: (p: { vaultName: string; redundancy: string }) =>
    `Cross Region Restore cannot be enabled on ${p.vaultName}: it is ${p.redundancy}, Cross Region Restore needs GeoRedundant storage, and storage redundancy cannot be changed once items are protected.`,
  VAULT_SETTING_IRREVERSIBLE: (p: { vaultName: string; setting: string; current: string; wanted: string }) =>
    `${p.setting} is ${p.current} on ${p.vaultName}, which can never be undone; it cannot be set to ${p.wanted}.`,
  VAULT_SETTING_ALREADY_SET: (p: { vaultName: string; setting: string; value: string }) =>
    `${p.setting} is already ${p.value} on ${p.vaultName}; there is nothing to change.`,
  VAULT_SETTING_ALREADY_REQUESTED: (p: {
    vaultName: string;
    setting: string;
    requestId: string;
    state: RequestState;
  }) =>
    `${p.requestId} already asks to change ${p.setting} on ${p.vaultName} (${STATE_LABELS[p.state].toLowerCase()}); nothing new was requested.`,
  VAULT_SETTING_NOT_APPLIED: (p: { vaultName: string; setting: string; wanted: string; actual: string }) =>
    `Azure finished updating ${p.vaultName}, but ${p.setting} is ${p.actual}, not ${p.wanted}.`,
  VAULT_SETTING_WARN_CRR: (p: { vaultName: string; secondaryRegion: string }) =>
    `Enabling Cross Region Restore on ${p.vaultName} cannot be undone and costs extra (storage in the secondary region and cross-region restores are billed); backup items can take up to 48 h to appear in ${p.secondaryRegion}.`,
  VAULT_SETTING_WARN_LOCK: (p: { vaultName: string }) =>
    `Locking immutability on ${p.vaultName} cannot be undone: no recovery point can then be deleted before it expires, by anyone.`,
} satisfies Record<string, (params: never) => string>;

export type MessageKey = keyof typeof catalogue;
export type MessageParams<K extends MessageKey> = Parameters<(typeof catalogue)[K]>[0];

export function message<K extends MessageKey>(key: K, params: MessageParams<K>): string {
  return (catalogue[key] as (p: MessageParams<K>) => string)(params);
}

/** A BotError whose code is the catalogue key and whose details are the message's parameters. */
export function botError<K extends MessageKey>(
  key: K,
  params: MessageParams<K>,
  options?: { cause?: unknown },
): BotError {
  return new BotError(key, message(key, params), { ...params }, options);
}

function channelName(channel: string): string {
  return channel === 'teams' ? 'Microsoft Teams' : channel === 'slack' ? 'Slack' : channel;
}
