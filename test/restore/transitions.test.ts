import { BotError } from '../../src/errors';
import {
  REQUEST_STATES,
  type RequestEvent,
  type RequestEventType,
  type RequestState,
  type RestoreRequest,
  transition,
} from '../../src/restore';
import { awaitingApproval, draftRestore, minutesAfter, PASSED, requestIn, T0 } from './support/requests';

const approver = { principal: 'U0APPROVER', displayName: 'Avery Approver' };

/** One sample of every event, valid in content, so that only the (state, event) pair decides. */
const EVENTS: Record<RequestEventType, RequestEvent> = {
  submit: { type: 'submit', validation: PASSED, expiresAt: minutesAfter(60).toISOString() },
  approve: { type: 'approve', by: approver },
  reject: { type: 'reject', by: approver, reason: 'not during the freeze' },
  expire: { type: 'expire' },
  cancel: { type: 'cancel', by: { principal: 'U0REQ', displayName: 'Rita Requester' } },
  trigger: { type: 'trigger' },
  progress: { type: 'progress', pollerState: '{"op":"1"}' },
  triggered: { type: 'triggered', jobId: 'job-9' },
  succeed: { type: 'succeed' },
  fail: { type: 'fail', error: { code: 'UserErrorMSIMissingPermissions', message: 'The vault identity lacks access' } },
};

/** The lifecycle written out by hand: every pair not listed here must be refused. */
const ALLOWED: Record<RequestState, Partial<Record<RequestEventType, RequestState>>> = {
  draft: { submit: 'awaiting_approval', cancel: 'cancelled' },
  awaiting_approval: { approve: 'approved', reject: 'rejected', expire: 'expired', cancel: 'cancelled' },
  approved: { trigger: 'triggering', fail: 'failed' },
  triggering: { progress: 'triggering', triggered: 'running', fail: 'failed' },
  running: { progress: 'running', succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
  rejected: {},
  expired: {},
  cancelled: {},
};

/** Inside the approval window, except for `expire`, which needs it to be over. */
const nowFor = (event: RequestEventType) => (event === 'expire' ? minutesAfter(90) : minutesAfter(10));

const cells = REQUEST_STATES.flatMap((state) =>
  (Object.keys(EVENTS) as RequestEventType[]).map((event) => ({ state, event, to: ALLOWED[state][event] })),
);

describe('request lifecycle: every state × every event', () => {
  it('covers all 10 states and 10 events', () => {
    expect(cells).toHaveLength(100);
  });

  it.each(cells.filter((c) => c.to !== undefined))('$state --$event--> $to', ({ state, event, to }) => {
    const before = requestIn(state);
    const snapshot = structuredClone(before);
    const now = nowFor(event);
    const after = transition(before, EVENTS[event], now);
    expect(after.state).toBe(to);
    expect(after.version).toBe(before.version + 1);
    expect(after.updatedAt).toBe(now.toISOString());
    expect(before).toEqual(snapshot); // pure: the input is untouched
  });

  it.each(cells.filter((c) => c.to === undefined))('$state --$event--> refused', ({ state, event }) => {
    const before = requestIn(state);
    const snapshot = structuredClone(before);
    let thrown: unknown;
    try {
      transition(before, EVENTS[event], nowFor(event));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BotError);
    const error = thrown as BotError;
    expect(error.code).toBe('REQUEST_INVALID_TRANSITION');
    expect(error.details).toMatchObject({ requestId: 'R-7KQ2', from: state, event });
    expect(error.message).toContain(`${state} → `);
    expect(before).toEqual(snapshot);
  });
});

describe('what each transition records', () => {
  it('submit stores the validation and the expiry', () => {
    const next = awaitingApproval();
    expect(next.validation).toEqual(PASSED);
    expect(next.expiresAt).toBe('2026-11-24T13:00:00.000Z');
  });

  it('submit refuses a request whose checks failed', () => {
    const failed = { ...PASSED, ok: false, failures: [{ code: 'PRECHECK_CRR_DISABLED', message: 'x' }] };
    expect(() =>
      transition(draftRestore(), { type: 'submit', validation: failed, expiresAt: minutesAfter(60).toISOString() }, T0),
    ).toThrow(expect.objectContaining({ code: 'REQUEST_NOT_VALIDATED' }));
  });

  it('approve stays awaiting until the required number of distinct approvers is in', () => {
    let request: RestoreRequest = awaitingApproval(draftRestore({ requiredApprovals: 2 }));
    request = transition(request, { type: 'approve', by: approver }, minutesAfter(5));
    expect(request.state).toBe('awaiting_approval');
    request = transition(request, { type: 'approve', by: approver }, minutesAfter(6));
    expect(request.state).toBe('awaiting_approval'); // the same principal twice still counts once
    request = transition(
      request,
      { type: 'approve', by: { principal: 'U0DBA', displayName: 'Dana' } },
      minutesAfter(7),
    );
    expect(request.state).toBe('approved');
    expect(request.approvals.map((a) => [a.principal, a.at])).toEqual([
      ['U0APPROVER', '2026-11-24T12:05:00.000Z'],
      ['U0APPROVER', '2026-11-24T12:06:00.000Z'],
      ['U0DBA', '2026-11-24T12:07:00.000Z'],
    ]);
  });

  it('approve and reject are refused once the window has closed', () => {
    const request = awaitingApproval();
    for (const event of [EVENTS.approve, EVENTS.reject]) {
      expect(() => transition(request, event, minutesAfter(60))).toThrow(
        expect.objectContaining({ code: 'REQUEST_EXPIRED' }),
      );
    }
  });

  it('expire is refused while the window is still open', () => {
    expect(() => transition(awaitingApproval(), EVENTS.expire, minutesAfter(59))).toThrow(
      expect.objectContaining({ code: 'REQUEST_NOT_YET_EXPIRED' }),
    );
    expect(transition(awaitingApproval(), EVENTS.expire, minutesAfter(60)).state).toBe('expired');
  });

  it('reject needs a reason and keeps it with who and when', () => {
    expect(() =>
      transition(awaitingApproval(), { type: 'reject', by: approver, reason: '   ' }, minutesAfter(5)),
    ).toThrow(expect.objectContaining({ code: 'REQUEST_REJECT_REASON_REQUIRED' }));
    const rejected = transition(
      awaitingApproval(),
      { type: 'reject', by: approver, reason: ' freeze ' },
      minutesAfter(5),
    );
    expect(rejected.rejections).toEqual([{ ...approver, at: '2026-11-24T12:05:00.000Z', reason: 'freeze' }]);
  });

  it('trigger records the intent time and the re-check; progress and triggered record Azure state', () => {
    const recheck = { ...PASSED, checkedAt: minutesAfter(2).toISOString() };
    const triggering = transition(requestIn('approved'), { type: 'trigger', validation: recheck }, minutesAfter(2));
    expect(triggering.azure).toEqual({ triggeredAt: '2026-11-24T12:02:00.000Z' });
    expect(triggering.validation).toEqual(recheck);
    const polled = transition(triggering, { type: 'progress', pollerState: 'p1' }, minutesAfter(3));
    expect(polled.state).toBe('triggering');
    const running = transition(polled, { type: 'triggered', jobId: 'job-42' }, minutesAfter(4));
    expect(running.azure).toEqual({ triggeredAt: '2026-11-24T12:02:00.000Z', pollerState: 'p1', jobId: 'job-42' });
  });

  it('fail keeps the error for the follow-up message', () => {
    const failed = transition(requestIn('running'), EVENTS.fail, minutesAfter(9));
    expect(failed.failure).toEqual({
      code: 'UserErrorMSIMissingPermissions',
      message: 'The vault identity lacks access',
      at: '2026-11-24T12:09:00.000Z',
    });
  });

  it('cancel keeps who cancelled', () => {
    const cancelled = transition(draftRestore(), EVENTS.cancel, minutesAfter(1));
    expect(cancelled.cancellation).toEqual({
      principal: 'U0REQ',
      displayName: 'Rita Requester',
      at: '2026-11-24T12:01:00.000Z',
    });
  });

  it('names the refused step in words', () => {
    expect(() => transition(requestIn('succeeded'), EVENTS.approve, minutesAfter(10))).toThrow(
      'Request R-7KQ2 is completed; it cannot be approved (succeeded → approved is not a valid step).',
    );
  });
});
