/**
 * The restore request: everything the bot must remember between "Request approval" and the job's end.
 * Plain JSON (ISO time strings, no classes) so the store can persist it as it is and channels can render it.
 */

export const REQUEST_STATES = [
  'draft',
  'awaiting_approval',
  'approved',
  'triggering',
  'running',
  'succeeded',
  'failed',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** States after which nothing more happens to a request. */
export const FINAL_STATES: readonly RequestState[] = ['succeeded', 'failed', 'rejected', 'expired', 'cancelled'];

export type ChannelKind = 'slack' | 'teams';
export type RequestKind = 'restore' | 'vault-setting';
export type RegionMode = 'primary' | 'secondary';

export interface Requester {
  channel: ChannelKind;
  /** The principal id: Slack user id (U…/W…) or Entra object id (Teams `from.aadObjectId`, else `from.id`). */
  userId: string;
  displayName: string;
  /** Slack team id (T…) or Entra tenant id. */
  tenantOrTeamId: string;
}

export interface VaultRef {
  /** Full ARM id of the Backup vault. */
  id: string;
  name: string;
  location: string;
}

export interface BackupInstanceRef {
  /** Full ARM id of the backup instance. */
  id: string;
  name: string;
  serverName: string;
}

export interface RecoveryPointRef {
  /** The recovery point's name / recoveryPointId, as restore bodies expect it. */
  id: string;
  /** ISO time of the recovery point. */
  time: string;
}

/** A container named in the policy's `restoreTargets`. */
export interface RestoreTargetRef {
  name: string;
  region: string;
  containerUrl: string;
}

export type VaultSettingChange =
  | { setting: 'crossRegionRestore'; to: 'Enabled' }
  | { setting: 'immutability'; to: 'Unlocked' | 'Locked' };

export interface IssueRecord {
  code: string;
  message: string;
}

export interface AzureValidationSummary {
  /**
   * `Failed`: Azure answered that the restore would fail. `unavailable`: Azure could not give an answer
   * (throttled, outage, permissions). `skipped`: an earlier check already failed, so Azure was not asked.
   */
  status: 'Succeeded' | 'Failed' | 'unavailable' | 'skipped';
  code?: string;
  message?: string;
}

/** What the prechecks found, as stored on the request and shown on the approval card. */
export interface ValidationRecord {
  ok: boolean;
  checkedAt: string;
  failures: IssueRecord[];
  warnings: IssueRecord[];
  azure: AzureValidationSummary;
}

export interface Decision {
  principal: string;
  displayName: string;
  at: string;
}

export interface Rejection extends Decision {
  reason: string;
}

export interface Cancellation extends Decision {
  reason?: string;
}

export interface AzureProgress {
  jobId?: string;
  /** Serialized long-running-operation poller state, so a restarted replica can resume polling. */
  pollerState?: string;
  /** When the trigger intent was recorded (before Azure was called). */
  triggeredAt?: string;
}

export interface FailureRecord extends IssueRecord {
  at: string;
}

/** Where the approval request and its follow-ups are posted. */
export interface PostTo {
  channel: ChannelKind;
  /** Slack channel id, or Teams conversation id. */
  conversationId: string;
  /** Channel-specific reference needed to post proactively (Teams ConversationReference); opaque here. */
  conversationRef?: Record<string, unknown>;
  /** The approval message: Slack `ts` (also the thread), Teams activity id. Set once posted. */
  messageRef?: string;
}

interface RequestBase {
  id: string;
  requester: Requester;
  vault: VaultRef;
  validation: ValidationRecord | null;
  requiredApprovals: number;
  approvals: Decision[];
  rejections: Rejection[];
  cancellation: Cancellation | null;
  failure: FailureRecord | null;
  /** Set when the request is offered for approval. */
  expiresAt: string | null;
  azure: AzureProgress;
  postTo: PostTo | null;
  createdAt: string;
  updatedAt: string;
  state: RequestState;
  /** Increments on every transition; the store updates conditionally on it. */
  version: number;
}

export interface DataRestoreRequest extends RequestBase {
  kind: 'restore';
  backupInstance: BackupInstanceRef;
  regionMode: RegionMode;
  recoveryPoint: RecoveryPointRef;
  target: RestoreTargetRef;
}

export interface VaultSettingRequest extends RequestBase {
  kind: 'vault-setting';
  change: VaultSettingChange;
}

export type RestoreRequest = DataRestoreRequest | VaultSettingRequest;

interface NewRequestCommon {
  id: string;
  requester: Requester;
  vault: VaultRef;
  requiredApprovals: number;
  postTo?: PostTo | null;
}

export type NewRequestInput =
  | (NewRequestCommon & {
      kind: 'restore';
      backupInstance: BackupInstanceRef;
      regionMode: RegionMode;
      recoveryPoint: RecoveryPointRef;
      target: RestoreTargetRef;
    })
  | (NewRequestCommon & { kind: 'vault-setting'; change: VaultSettingChange });

/** A new request in `draft`; it is offered for approval by the `submit` transition once prechecks pass. */
export function createDraftRequest(input: NewRequestInput, now: Date): RestoreRequest {
  if (!Number.isInteger(input.requiredApprovals) || input.requiredApprovals < 1) {
    throw new RangeError(`requiredApprovals must be an integer >= 1, got ${input.requiredApprovals}`);
  }
  const at = now.toISOString();
  const base = {
    id: input.id,
    requester: { ...input.requester },
    vault: { ...input.vault },
    validation: null,
    requiredApprovals: input.requiredApprovals,
    approvals: [],
    rejections: [],
    cancellation: null,
    failure: null,
    expiresAt: null,
    azure: {},
    postTo: input.postTo ?? null,
    createdAt: at,
    updatedAt: at,
    state: 'draft' as const,
    version: 0,
  };
  if (input.kind === 'restore') {
    return {
      ...base,
      kind: 'restore',
      backupInstance: { ...input.backupInstance },
      regionMode: input.regionMode,
      recoveryPoint: { ...input.recoveryPoint },
      target: { ...input.target },
    };
  }
  return { ...base, kind: 'vault-setting', change: { ...input.change } };
}

export function isFinal(state: RequestState): boolean {
  return FINAL_STATES.includes(state);
}

/**
 * The form in which principal ids are compared: Slack ids are case-exact; Entra object ids are GUIDs that
 * arrive in either case (and plain strings in the Teams playground).
 */
export function principalKey(channel: ChannelKind, principal: string): string {
  return channel === 'teams' ? principal.toLowerCase() : principal;
}

export function samePrincipal(channel: ChannelKind, a: string, b: string): boolean {
  return principalKey(channel, a) === principalKey(channel, b);
}

/** Distinct principals who approved (first approval of each); a repeated approval never counts twice. */
export function distinctApprovers(request: RestoreRequest): Decision[] {
  const seen = new Map<string, Decision>();
  for (const approval of request.approvals) {
    const key = principalKey(request.requester.channel, approval.principal);
    if (!seen.has(key)) seen.set(key, approval);
  }
  return [...seen.values()];
}
