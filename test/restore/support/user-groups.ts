import type { UserGroupDirectory } from '../../../src/restore';

/** A real, in-memory user-group directory (what the Slack channel will back with usergroups.users.list). */
export class InMemoryUserGroups implements UserGroupDirectory {
  readonly lookups: Array<{ userId: string; groupId: string }> = [];
  private readonly members = new Map<string, Set<string>>();

  constructor(groups: Record<string, string[]> = {}) {
    for (const [group, users] of Object.entries(groups)) this.members.set(group, new Set(users));
  }

  async isMember(userId: string, groupId: string): Promise<boolean> {
    this.lookups.push({ userId, groupId });
    return this.members.get(groupId)?.has(userId) ?? false;
  }
}
