import { BotError } from '../../src/errors';
import {
  ALLOWED,
  approve,
  botError,
  expireIfDue,
  type PolicyDecision,
  type RestoreRequest,
  refused,
  reject,
  transition,
} from '../../src/restore';
import { awaitingApproval, draftRestore, minutesAfter, requestIn } from './support/requests';

const avery = { principal: 'U0APPROVER', displayName: 'Avery Approver' };
const dana = { principal: 'U0DBA', displayName: 'Dana DBA' };
const notApprover: PolicyDecision = refused(botError('POLICY_NOT_APPROVER', { requestId: 'R-7KQ2' }));

function refusal(action: () => unknown): BotError {
  try {
    action();
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('approving', () => {
  it('one approval by an allowed approver approves a request that needs one', () => {
    const result = approve(awaitingApproval(), avery, ALLOWED, minutesAfter(5));
    expect(result.outcome).toBe('approved');
    expect(result.request.state).toBe('approved');
    expect(result.request.approvals).toEqual([{ ...avery, at: '2026-11-24T12:05:00.000Z' }]);
  });

  it('the requester can never approve, even when the policy (wrongly) allows it', () => {
    const request = awaitingApproval();
    const error = refusal(() =>
      approve(request, { principal: 'U0REQ', displayName: 'Someone' }, ALLOWED, minutesAfter(5)),
    );
    expect(error.code).toBe('REQUEST_SELF_APPROVAL');
    expect(error.message).toBe(
      'You asked for R-7KQ2, so you cannot approve or reject it; another approver has to decide.',
    );
  });

  it('compares principal ids, never display names', () => {
    const sameName = { principal: 'U0APPROVER', displayName: 'Rita Requester' };
    expect(approve(awaitingApproval(), sameName, ALLOWED, minutesAfter(5)).outcome).toBe('approved');
  });

  it('compares Entra object ids in any case', () => {
    const request = awaitingApproval(
      draftRestore({
        requester: {
          channel: 'teams',
          userId: 'a1b2c3d4-0000-4000-8000-00000000abcd',
          displayName: 'Rita',
          tenantOrTeamId: 't',
        },
      }),
    );
    const shouting = { principal: 'A1B2C3D4-0000-4000-8000-00000000ABCD', displayName: 'Rita' };
    expect(refusal(() => approve(request, shouting, ALLOWED, minutesAfter(5))).code).toBe('REQUEST_SELF_APPROVAL');
  });

  it('a non-approver gets the policy refusal and nothing changes', () => {
    const request = awaitingApproval();
    const snapshot = structuredClone(request);
    const error = refusal(() => approve(request, dana, notApprover, minutesAfter(5)));
    expect(error.code).toBe('POLICY_NOT_APPROVER');
    expect(request).toEqual(snapshot);
  });

  it('needs N distinct approvers, and a second click by the same approver changes nothing', () => {
    const request = awaitingApproval(draftRestore({ requiredApprovals: 2 }));
    const first = approve(request, avery, ALLOWED, minutesAfter(5));
    expect(first).toMatchObject({ outcome: 'recorded', have: 1, need: 2 });
    expect(first.request.state).toBe('awaiting_approval');

    const again = refusal(() => approve(first.request, avery, ALLOWED, minutesAfter(6)));
    expect(again.code).toBe('REQUEST_ALREADY_APPROVED_BY_YOU');
    expect(again.message).toBe(
      'You already approved R-7KQ2 (2026-11-24 12:05 UTC); it still needs 1 more approval from someone else. Nothing changed.',
    );

    const second = approve(first.request, dana, ALLOWED, minutesAfter(7));
    expect(second.outcome).toBe('approved');
    expect(second.request.approvals.map((a) => a.principal)).toEqual(['U0APPROVER', 'U0DBA']);
  });

  it('a second click after the request was approved is still "already approved by you"', () => {
    const { request } = approve(awaitingApproval(), avery, ALLOWED, minutesAfter(5));
    const error = refusal(() => approve(request, avery, ALLOWED, minutesAfter(6)));
    expect(error.code).toBe('REQUEST_ALREADY_APPROVED_BY_YOU');
    expect(error.message).toBe('You already approved R-7KQ2 (2026-11-24 12:05 UTC); nothing changed.');
  });

  it('another approver clicking a decided request hears who decided and when', () => {
    const { request } = approve(awaitingApproval(), avery, ALLOWED, minutesAfter(5));
    const error = refusal(() => approve(request, dana, ALLOWED, minutesAfter(6)));
    expect(error.code).toBe('REQUEST_ALREADY_DECIDED');
    expect(error.details).toMatchObject({ state: 'approved', by: 'Avery Approver', at: '2026-11-24T12:05:00.000Z' });
    expect(error.message).toBe(
      'R-7KQ2 was already decided: approved by Avery Approver at 2026-11-24 12:05 UTC. Nothing changed.',
    );
  });

  it.each([
    ['rejected', 'rejected by Avery Approver at 2026-11-24 12:01 UTC'],
    ['cancelled', 'cancelled by Rita Requester at 2026-11-24 12:01 UTC'],
    ['running', 'approved by Avery Approver at 2026-11-24 12:01 UTC (now running)'],
    ['succeeded', 'approved by Avery Approver at 2026-11-24 12:01 UTC (now completed)'],
  ] as const)('a click on a %s request is "already decided" (%s)', (state, words) => {
    const error = refusal(() => approve(requestIn(state), dana, ALLOWED, minutesAfter(30)));
    expect(error.code).toBe('REQUEST_ALREADY_DECIDED');
    expect(error.message).toContain(words);
  });

  it('nothing is accepted after expiry, and the request can then be moved to expired', () => {
    const request = awaitingApproval();
    const late = minutesAfter(60);
    const error = refusal(() => approve(request, avery, ALLOWED, late));
    expect(error.code).toBe('REQUEST_EXPIRED');
    expect(error.message).toBe(
      'R-7KQ2 expired at 2026-11-24 13:00 UTC and can no longer be approved or rejected; the requester can ask again.',
    );
    expect(refusal(() => reject(request, avery, 'too late', ALLOWED, late)).code).toBe('REQUEST_EXPIRED');

    expect(expireIfDue(request, minutesAfter(59))).toBeUndefined();
    const expired = expireIfDue(request, late) as RestoreRequest;
    expect(expired.state).toBe('expired');
    expect(refusal(() => approve(expired, avery, ALLOWED, minutesAfter(61))).code).toBe('REQUEST_EXPIRED');
    expect(expireIfDue(expired, minutesAfter(61))).toBeUndefined();
  });

  it('a draft cannot be approved', () => {
    expect(refusal(() => approve(draftRestore(), avery, ALLOWED, minutesAfter(1))).code).toBe(
      'REQUEST_INVALID_TRANSITION',
    );
  });
});

describe('rejecting', () => {
  it('an approver rejects with a reason, which decides the request', () => {
    const rejected = reject(
      awaitingApproval(draftRestore({ requiredApprovals: 2 })),
      avery,
      'wrong server',
      ALLOWED,
      minutesAfter(5),
    );
    expect(rejected.state).toBe('rejected');
    expect(rejected.rejections[0]).toMatchObject({ principal: 'U0APPROVER', reason: 'wrong server' });
  });

  it('the requester cannot reject their own request, a non-approver cannot reject at all', () => {
    const request = awaitingApproval();
    const self = { principal: 'U0REQ', displayName: 'Rita Requester' };
    expect(refusal(() => reject(request, self, 'oops', ALLOWED, minutesAfter(5))).code).toBe('REQUEST_SELF_APPROVAL');
    expect(refusal(() => reject(request, dana, 'no', notApprover, minutesAfter(5))).code).toBe('POLICY_NOT_APPROVER');
  });

  it('an approver who approved first may still reject while more approvals are needed', () => {
    const { request } = approve(
      awaitingApproval(draftRestore({ requiredApprovals: 2 })),
      avery,
      ALLOWED,
      minutesAfter(5),
    );
    expect(reject(request, avery, 'changed my mind', ALLOWED, minutesAfter(6)).state).toBe('rejected');
  });

  it('a rejection without a reason is refused', () => {
    expect(refusal(() => reject(awaitingApproval(), avery, '', ALLOWED, minutesAfter(5))).code).toBe(
      'REQUEST_REJECT_REASON_REQUIRED',
    );
  });

  it('a rejected request cannot be approved afterwards', () => {
    const rejected = transition(awaitingApproval(), { type: 'reject', by: avery, reason: 'no' }, minutesAfter(5));
    expect(refusal(() => approve(rejected, dana, ALLOWED, minutesAfter(6))).code).toBe('REQUEST_ALREADY_DECIDED');
  });
});
