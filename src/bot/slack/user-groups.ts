/**
 * The restore core's user-group membership (`S…` ids in the policy) from Slack: `usergroups.users.list`, kept
 * for 5 minutes because the method is rate-limited (Tier 2) and an approver clicks a few times at most.
 * When Slack cannot answer, the person counts as not a member (a refused click, which can be clicked again),
 * never as one.
 */
import type { Logger } from '../../log';
import type { UserGroupDirectory } from '../../restore';
import type { SlackApi } from './api';
import { TtlCache } from './ttl-cache';

export const USER_GROUP_TTL_MS = 5 * 60 * 1_000;

export class SlackUserGroups implements UserGroupDirectory {
  private readonly members: TtlCache<ReadonlySet<string>>;

  constructor(
    private readonly api: Pick<SlackApi, 'userGroupMembers'>,
    private readonly logger: Logger,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.members = new TtlCache(options.ttlMs ?? USER_GROUP_TTL_MS, options.now);
  }

  async isMember(userId: string, groupId: string): Promise<boolean> {
    try {
      const members = await this.members.get(groupId, async () => new Set(await this.api.userGroupMembers(groupId)));
      return members.has(userId);
    } catch (error) {
      this.logger.warn('could not read a Slack user group; counting the person as not a member', {
        groupId,
        error,
      });
      return false;
    }
  }
}
