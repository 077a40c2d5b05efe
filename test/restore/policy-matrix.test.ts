import type { BotError } from '../../src/errors';
import {
  approve,
  type ChannelActor,
  type ChannelKind,
  NO_USER_GROUPS,
  type Place,
  type Policy,
  parsePolicy,
  type RestoreRequest,
} from '../../src/restore';
import { awaitingApproval, draftRestore, minutesAfter, SUBSCRIPTION } from './support/requests';
import { InMemoryUserGroups } from './support/user-groups';

const POLICY = `
subscriptions: ["${SUBSCRIPTION}"]
restoreTargets:
  - name: dr-eastus
    region: eastus
    containerUrl: https://stcontosodreus.blob.core.windows.net/pg-restores
  - name: dr-eastus-2
    region: eastus
    containerUrl: https://stcontosodreus2.blob.core.windows.net/pg-restores
  - name: dr-westus
    region: westus
    containerUrl: https://stcontosodrwus.blob.core.windows.net/pg-restores
slack:
  workspaces: [T0DEMO]
  channels: [C0ONCALL]
  requesters: [U0REQ, S0ONCALL]
  approvers: [U0APPROVER, S0DBAS]
  approvalChannel: C0APPROVALS
teams:
  tenants: [tenant-a]
  channels: ["19:oncall@thread.tacv2"]
  requesters: [req-1]
  approvers: [appr-1]
`;

const policy: Policy = parsePolicy(POLICY, 'matrix.yaml');
const groups = new InMemoryUserGroups({ S0ONCALL: ['U0GROUPREQ'], S0DBAS: ['U0GROUPDBA'] });

/** Per platform: who plays each role, and an allowed and a not-allowed place. */
const CAST = {
  slack: {
    tenant: 'T0DEMO',
    requester: 'U0REQ',
    approver: 'U0APPROVER',
    outsider: 'U0OUTSIDER',
    otherRequester: 'U0OTHER',
    allowed: 'C0ONCALL',
    notAllowed: 'C0RANDOM',
  },
  teams: {
    tenant: 'tenant-a',
    requester: 'req-1',
    approver: 'appr-1',
    outsider: 'outsider-9',
    otherRequester: 'req-2',
    // A click on a card in a channel thread carries the thread's message id after the channel id.
    allowed: '19:oncall@thread.tacv2;messageid=1700000000000',
    notAllowed: '19:random@thread.tacv2',
  },
} as const;

type Role = 'requester' | 'approver' | 'outsider';
type Action = 'request' | 'approve-others' | 'approve-own';

const SELF = 'You asked for R-7KQ2, so you cannot approve or reject it; another approver has to decide.';
const NOT_APPROVER =
  'You are not an approver for R-7KQ2; only the approvers named in the policy can approve or reject it.';
const NOT_REQUESTER =
  'You are not allowed to request restores; ask an administrator to add you (or a user group you belong to) to the requesters in the policy.';
const WRONG_PLACE = {
  slack: {
    request: '/restore cannot be used in this conversation (C0RANDOM); use one of the allowed channels: C0ONCALL.',
    approve: 'Approvals are not accepted from this conversation (C0RANDOM); approve in C0ONCALL or C0APPROVALS.',
  },
  teams: {
    request:
      '/restore cannot be used in this conversation (19:random@thread.tacv2); use one of the allowed channels: 19:oncall@thread.tacv2.',
    approve:
      'Approvals are not accepted from this conversation (19:random@thread.tacv2); approve in 19:oncall@thread.tacv2.',
  },
};

type Expected = 'allowed' | 'approved' | [code: string, message: string];

function expectations(channel: ChannelKind): Array<[Role, 'allowed' | 'not allowed', Action, Expected]> {
  const place = WRONG_PLACE[channel];
  return [
    ['requester', 'allowed', 'request', 'allowed'],
    ['requester', 'allowed', 'approve-others', ['POLICY_NOT_APPROVER', NOT_APPROVER]],
    ['requester', 'allowed', 'approve-own', ['REQUEST_SELF_APPROVAL', SELF]],
    ['requester', 'not allowed', 'request', ['POLICY_CHANNEL_NOT_ALLOWED', place.request]],
    ['requester', 'not allowed', 'approve-others', ['POLICY_CHANNEL_NOT_ALLOWED', place.approve]],
    ['requester', 'not allowed', 'approve-own', ['REQUEST_SELF_APPROVAL', SELF]],
    ['approver', 'allowed', 'request', ['POLICY_NOT_REQUESTER', NOT_REQUESTER]],
    ['approver', 'allowed', 'approve-others', 'approved'],
    ['approver', 'allowed', 'approve-own', ['REQUEST_SELF_APPROVAL', SELF]],
    ['approver', 'not allowed', 'request', ['POLICY_CHANNEL_NOT_ALLOWED', place.request]],
    ['approver', 'not allowed', 'approve-others', ['POLICY_CHANNEL_NOT_ALLOWED', place.approve]],
    ['approver', 'not allowed', 'approve-own', ['REQUEST_SELF_APPROVAL', SELF]],
    ['outsider', 'allowed', 'request', ['POLICY_NOT_REQUESTER', NOT_REQUESTER]],
    ['outsider', 'allowed', 'approve-others', ['POLICY_NOT_APPROVER', NOT_APPROVER]],
    ['outsider', 'allowed', 'approve-own', ['REQUEST_SELF_APPROVAL', SELF]],
    ['outsider', 'not allowed', 'request', ['POLICY_CHANNEL_NOT_ALLOWED', place.request]],
    ['outsider', 'not allowed', 'approve-others', ['POLICY_CHANNEL_NOT_ALLOWED', place.approve]],
    ['outsider', 'not allowed', 'approve-own', ['REQUEST_SELF_APPROVAL', SELF]],
  ];
}

function requestBy(channel: ChannelKind, userId: string): RestoreRequest {
  return awaitingApproval(
    draftRestore({
      requester: { channel, userId, displayName: `Name of ${userId}`, tenantOrTeamId: CAST[channel].tenant },
    }),
  );
}

/** What the person sees: allowed, approved, or the refusal's code and message. */
async function attempt(channel: ChannelKind, role: Role, where: 'allowed' | 'not allowed', action: Action) {
  const cast = CAST[channel];
  const actor: ChannelActor = { channel, userId: cast[role], tenantOrTeamId: cast.tenant };
  const place: Place = { conversationId: where === 'allowed' ? cast.allowed : cast.notAllowed };
  if (action === 'request') {
    const decision = await policy.mayRequest(actor, place, groups);
    return decision.allowed ? 'allowed' : [decision.error.code, decision.error.message];
  }
  const request = requestBy(channel, action === 'approve-own' ? cast[role] : cast.otherRequester);
  const decision = await policy.mayApprove(actor, request, groups, place);
  try {
    const result = approve(request, { principal: actor.userId, displayName: 'Clicker' }, decision, minutesAfter(5));
    return result.outcome;
  } catch (error) {
    return [(error as BotError).code, (error as BotError).message];
  }
}

describe.each(['slack', 'teams'] as const)('policy matrix on %s: role × channel × self-approval', (channel) => {
  it.each(expectations(channel))('%s in an %s channel: %s', async (role, where, action, expected) => {
    expect(await attempt(channel, role, where, action)).toEqual(expected);
  });
});

describe('policy: the rest of who, where and what', () => {
  const slackActor = (userId: string, tenantOrTeamId = 'T0DEMO'): ChannelActor => ({
    channel: 'slack',
    userId,
    tenantOrTeamId,
  });
  const oncall: Place = { conversationId: 'C0ONCALL' };

  it('Slack user groups grant requesting and approving, asked through the directory', async () => {
    expect(await policy.mayRequest(slackActor('U0GROUPREQ'), oncall, groups)).toEqual({ allowed: true });
    expect(await policy.mayApprove(slackActor('U0GROUPDBA'), requestBy('slack', 'U0REQ'), groups, oncall)).toEqual({
      allowed: true,
    });
    const lookups = new InMemoryUserGroups({ S0DBAS: [] });
    const decision = await policy.mayApprove(slackActor('U0GROUPDBA'), requestBy('slack', 'U0REQ'), lookups, oncall);
    expect(decision.allowed).toBe(false);
    expect(lookups.lookups).toEqual([{ userId: 'U0GROUPDBA', groupId: 'S0DBAS' }]);
  });

  it('a directly listed user is decided without asking the directory', async () => {
    const lookups = new InMemoryUserGroups();
    await policy.mayApprove(slackActor('U0APPROVER'), requestBy('slack', 'U0REQ'), lookups, oncall);
    expect(lookups.lookups).toEqual([]);
  });

  it('a guest from another Slack workspace is refused', async () => {
    const decision = await policy.mayApprove(
      slackActor('U0APPROVER', 'T0GUEST'),
      requestBy('slack', 'U0REQ'),
      groups,
      oncall,
    );
    expect(decision).toMatchObject({
      allowed: false,
      error: {
        code: 'POLICY_WORKSPACE_NOT_ALLOWED',
        message:
          'This Slack workspace (T0GUEST) is not allowed to use restore-bot; ask an administrator to add it to the policy.',
      },
    });
  });

  it('the approval channel is a place to approve, not to request', async () => {
    const approvals: Place = { conversationId: 'C0APPROVALS' };
    expect(
      (await policy.mayApprove(slackActor('U0APPROVER'), requestBy('slack', 'U0REQ'), groups, approvals)).allowed,
    ).toBe(true);
    expect((await policy.mayRequest(slackActor('U0REQ'), approvals, groups)).allowed).toBe(false);
  });

  it('a request from a 1:1 chat is allowed when approvals have a channel to go to', async () => {
    const dm: Place = { conversationId: 'D0DM', personal: true };
    expect(await policy.mayRequest(slackActor('U0REQ'), dm, groups)).toEqual({ allowed: true });
    expect(policy.approvalConversation('slack', dm)).toBe('C0APPROVALS');
    const personal: Place = { conversationId: 'a:1personal', personal: true };
    const teamsActor: ChannelActor = { channel: 'teams', userId: 'req-1', tenantOrTeamId: 'tenant-a' };
    expect(await policy.mayRequest(teamsActor, personal, NO_USER_GROUPS)).toMatchObject({
      allowed: false,
      error: { code: 'POLICY_APPROVAL_CHANNEL_REQUIRED' },
    });
    expect(() => policy.approvalConversation('teams', personal)).toThrow(
      expect.objectContaining({ code: 'POLICY_APPROVAL_CHANNEL_REQUIRED' }),
    );
    expect(policy.approvalConversation('teams', { conversationId: '19:oncall@thread.tacv2;messageid=1' })).toBe(
      '19:oncall@thread.tacv2',
    );
  });

  it('a click from the other platform cannot decide a request', async () => {
    const decision = await policy.mayApprove(
      { channel: 'teams', userId: 'appr-1', tenantOrTeamId: 'tenant-a' },
      requestBy('slack', 'U0REQ'),
      groups,
    );
    expect(decision).toMatchObject({ allowed: false, error: { code: 'POLICY_WRONG_CHANNEL' } });
  });

  it('Teams tenants and ids compare in any case; Slack ids are exact', async () => {
    const upper: ChannelActor = { channel: 'teams', userId: 'APPR-1', tenantOrTeamId: 'TENANT-A' };
    expect((await policy.mayApprove(upper, requestBy('teams', 'req-1'), NO_USER_GROUPS)).allowed).toBe(true);
    expect(
      (await policy.mayApprove(slackActor('u0approver'), requestBy('slack', 'U0REQ'), groups, oncall)).allowed,
    ).toBe(false);
  });

  it('a platform without a policy section is closed', async () => {
    const slackOnly = parsePolicy(
      'restoreTargets:\n  - {name: t, region: westus, containerUrl: "https://a.blob.core.windows.net/abc"}\nslack:\n  requesters: ["*"]\n  approvers: [U0A]\n',
    );
    const decision = await slackOnly.mayRequest(
      { channel: 'teams', userId: 'x', tenantOrTeamId: 'y' },
      { conversationId: 'c' },
      NO_USER_GROUPS,
    );
    expect(decision).toMatchObject({
      allowed: false,
      error: {
        code: 'POLICY_CHANNEL_DISABLED',
        message: 'Restores are not configured for Microsoft Teams: the policy file has no teams section.',
      },
    });
    expect(await slackOnly.mayRequest(slackActor('U0ANYONE', 'T0ANY'), { conversationId: 'C0ANY' }, groups)).toEqual({
      allowed: true,
    });
  });

  it('answers which targets are allowed in a region and which subscriptions are in scope', () => {
    expect(policy.targetsIn('eastus').map((t) => t.name)).toEqual(['dr-eastus', 'dr-eastus-2']);
    expect(policy.targetsIn('West US').map((t) => t.name)).toEqual(['dr-westus']);
    expect(policy.targetsIn('centralus')).toEqual([]);
    expect(policy.target('DR-WESTUS')?.region).toBe('westus');
    expect(policy.subscriptionsInScope([SUBSCRIPTION.toUpperCase(), '22222222-2222-2222-2222-222222222222'])).toEqual([
      SUBSCRIPTION.toUpperCase(),
    ]);
    expect(policy.isSubscriptionInScope('22222222-2222-2222-2222-222222222222')).toBe(false);
  });
});
