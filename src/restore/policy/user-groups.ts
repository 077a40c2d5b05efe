/**
 * Membership of Slack user groups (`S…` ids in the policy). The Slack channel implements it with the Slack
 * API and a short cache; the policy only asks.
 */
export interface UserGroupDirectory {
  isMember(userId: string, groupId: string): Promise<boolean>;
}

/** For Teams and for policies without groups: nobody is in any group. */
export const NO_USER_GROUPS: UserGroupDirectory = {
  isMember: async () => false,
};
