import { normalizeRegion } from '../../azure/regions';
import { botError } from '../messages';
import { type ChannelKind, type RestoreRequest, type RestoreTargetRef, samePrincipal } from '../request';
import { ALLOWED, type PolicyDecision, refused } from './decision';
import type { UserGroupDirectory } from './user-groups';

/** One chat platform's rules, with the SPEC's defaults filled in (empty list = any). */
export interface ChannelRules {
  workspacesOrTenants: readonly string[];
  channels: readonly string[];
  requesters: readonly string[];
  approvers: readonly string[];
  approvalChannel: string | null;
}

export interface PolicyConfig {
  /** null = every subscription the bot's identity can see. */
  subscriptions: readonly string[] | null;
  restoreTargets: readonly RestoreTargetRef[];
  requiredApprovals: number;
  expiresAfterMinutes: number;
  slack: ChannelRules | null;
  teams: ChannelRules | null;
}

/** Who is acting, as the channel identified them. */
export interface ChannelActor {
  channel: ChannelKind;
  /** Slack user id, or Entra object id (Teams `from.aadObjectId`, else `from.id`). */
  userId: string;
  /** Slack team id of the user (differs from the host workspace for Slack Connect guests), or Entra tenant id. */
  tenantOrTeamId: string;
}

/** Where the action happens. */
export interface Place {
  /** Slack channel id, Teams channel id (`channelData.channel.id`) or conversation id for chats. */
  conversationId: string;
  /** A 1:1 chat with the bot (Slack DM, Teams personal scope). */
  personal?: boolean;
}

/**
 * The validated policy and the questions the rest of the bot asks it. Decisions are returned, not thrown,
 * so callers can audit refusals and show the message to the one person who asked.
 */
export class Policy {
  constructor(
    readonly config: PolicyConfig,
    /** Where it came from (file path), for messages. */
    readonly source = 'policy',
  ) {}

  get requiredApprovals(): number {
    return this.config.requiredApprovals;
  }

  get expiresAfterMinutes(): number {
    return this.config.expiresAfterMinutes;
  }

  /** When a request offered for approval at `now` expires. */
  expiresAt(now: Date): string {
    return new Date(now.getTime() + this.config.expiresAfterMinutes * 60_000).toISOString();
  }

  isSubscriptionInScope(subscriptionId: string): boolean {
    const wanted = this.config.subscriptions;
    return wanted === null || wanted.some((s) => s.toLowerCase() === subscriptionId.toLowerCase());
  }

  /** The subscriptions the bot should look at, out of those its identity can see. */
  subscriptionsInScope(visible: readonly string[]): string[] {
    return visible.filter((s) => this.isSubscriptionInScope(s));
  }

  /** The containers that may receive files restored in `region`. */
  targetsIn(region: string): RestoreTargetRef[] {
    const wanted = normalizeRegion(region);
    return this.config.restoreTargets.filter((t) => normalizeRegion(t.region) === wanted);
  }

  target(name: string): RestoreTargetRef | undefined {
    return this.config.restoreTargets.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }

  /** Where approval requests for something asked in `place` are posted. */
  approvalConversation(channel: ChannelKind, place: Place): string {
    const rules = this.rules(channel);
    if (rules?.approvalChannel) return rules.approvalChannel;
    if (place.personal) throw botError('POLICY_APPROVAL_CHANNEL_REQUIRED', { channel });
    return baseConversationId(place.conversationId);
  }

  /** May this person start a restore (or vault change) here? */
  async mayRequest(actor: ChannelActor, place: Place, groups: UserGroupDirectory): Promise<PolicyDecision> {
    const rules = this.rules(actor.channel);
    if (!rules) return refused(botError('POLICY_CHANNEL_DISABLED', { channel: actor.channel }));
    const where = this.checkWorkspaceAndPlace(actor, rules, place, 'request');
    if (where) return where;
    if (!(await matchesAny(actor, rules.requesters, groups))) return refused(botError('POLICY_NOT_REQUESTER', {}));
    return ALLOWED;
  }

  /**
   * May this person approve or reject this request? Never its requester (compared by principal id), only the
   * policy's approvers, only from the platform, workspace/tenant and channels the policy allows.
   */
  async mayApprove(
    actor: ChannelActor,
    request: RestoreRequest,
    groups: UserGroupDirectory,
    place?: Place,
  ): Promise<PolicyDecision> {
    if (actor.channel !== request.requester.channel) {
      return refused(
        botError('POLICY_WRONG_CHANNEL', {
          requestId: request.id,
          requestChannel: request.requester.channel,
          clickChannel: actor.channel,
        }),
      );
    }
    if (samePrincipal(actor.channel, actor.userId, request.requester.userId)) {
      return refused(botError('REQUEST_SELF_APPROVAL', { requestId: request.id }));
    }
    const rules = this.rules(actor.channel);
    if (!rules) return refused(botError('POLICY_CHANNEL_DISABLED', { channel: actor.channel }));
    const where = this.checkWorkspaceAndPlace(actor, rules, place, 'approve');
    if (where) return where;
    if (!(await matchesAny(actor, rules.approvers, groups))) {
      return refused(botError('POLICY_NOT_APPROVER', { requestId: request.id }));
    }
    return ALLOWED;
  }

  private rules(channel: ChannelKind): ChannelRules | null {
    return channel === 'slack' ? this.config.slack : this.config.teams;
  }

  private checkWorkspaceAndPlace(
    actor: ChannelActor,
    rules: ChannelRules,
    place: Place | undefined,
    purpose: 'request' | 'approve',
  ): PolicyDecision | undefined {
    const tenants = rules.workspacesOrTenants;
    if (tenants.length > 0 && !tenants.some((t) => sameId(actor.channel, t, actor.tenantOrTeamId))) {
      return refused(
        botError('POLICY_WORKSPACE_NOT_ALLOWED', { channel: actor.channel, tenantOrTeamId: actor.tenantOrTeamId }),
      );
    }
    if (!place) return undefined;
    if (place.personal && purpose === 'request') {
      // A 1:1 chat is not a channel: it is allowed when the approval can go to the policy's approval channel.
      return rules.approvalChannel
        ? undefined
        : refused(botError('POLICY_APPROVAL_CHANNEL_REQUIRED', { channel: actor.channel }));
    }
    const conversation = baseConversationId(place.conversationId);
    const allowed = [
      ...rules.channels,
      ...(purpose === 'approve' && rules.approvalChannel ? [rules.approvalChannel] : []),
    ];
    if (rules.channels.length > 0 && !allowed.some((c) => sameId(actor.channel, c, conversation))) {
      return refused(
        botError('POLICY_CHANNEL_NOT_ALLOWED', {
          channel: actor.channel,
          conversationId: conversation,
          allowed,
          purpose,
        }),
      );
    }
    return undefined;
  }
}

/** Teams replies in a channel thread carry `;messageid=…` after the channel's conversation id. */
export function baseConversationId(conversationId: string): string {
  return conversationId.split(';')[0]!;
}

/** Ids (users, tenants, channels) compare like principals: case-exact on Slack, any case on Teams. */
const sameId = samePrincipal;

async function matchesAny(
  actor: ChannelActor,
  entries: readonly string[],
  groups: UserGroupDirectory,
): Promise<boolean> {
  if (entries.some((e) => e === '*' || sameId(actor.channel, e, actor.userId))) return true;
  if (actor.channel !== 'slack') return false;
  // Groups last and one by one: each check may be a Slack API call.
  for (const entry of entries) {
    if (entry.startsWith('S') && (await groups.isMember(actor.userId, entry))) return true;
  }
  return false;
}
