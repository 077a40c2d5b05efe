import { message } from '../../src/restore';
import {
  action,
  approver,
  bystander,
  Chat,
  clickOn,
  fact,
  type Harness,
  last,
  personalChat,
  requester,
  requestViaShortcut,
  restorePosts,
  secondApprover,
  startHarness,
} from './support';

jest.setTimeout(60_000);

const APPROVALS_CHANNEL = '19:approvals@thread.tacv2';

let h: Harness;
beforeAll(async () => {
  // Two approvals, and a channel for approval requests: the rules these clicks are about.
  h = await startHarness((config) => ({
    ...config,
    requiredApprovals: 2,
    teams: { ...config.teams!, approvalChannel: APPROVALS_CHANNEL },
  }));
});
afterAll(() => h.close());

async function newRequest(chat = new Chat(h.app)) {
  const { approval, confirmation } = await requestViaShortcut(h, chat);
  return { card: approval.view, posted: approval, requestId: fact(confirmation, 'Request')! };
}

it('posts a request asked in a 1:1 chat to the policy approval channel', async () => {
  const { posted, requestId } = await newRequest(new Chat(h.app, personalChat));
  expect(posted.target).toEqual({ channel: 'teams', conversationId: APPROVALS_CHANNEL });
  expect(fact(posted.view, 'Request')).toBe(requestId);
  expect(posted.view.subtitle).toBe('Needs 2 approvals, never from the requester');
});

it('counts approvals, refuses a double click, and starts the restore exactly once', async () => {
  const { card, posted, requestId } = await newRequest();
  const before = (await restorePosts(h.emulatorUrl)).length;

  const first = await clickOn(h.app, approver, card, 'approve');
  expect(first.notice).toBe(`1 of 2 approvals: your approval of ${requestId} is recorded; waiting for 1 more.`);
  expect(first.view.subtitle).toBe('1 of 2 approvals: Avery Approver');
  expect(first.view.actions!.map((a) => a.id)).toEqual(['approve', 'reject']);
  await first.afterResponse?.();
  expect(last(h.poster.updates)).toEqual({ message: posted.ref, view: first.view });

  const again = await clickOn(h.app, approver, card, 'approve');
  expect(again.notice).toMatch(
    new RegExp(`^You already approved ${requestId} \\(.+ UTC\\); it still needs 1 more approval`),
  );
  expect(again.view.subtitle).toBe('1 of 2 approvals: Avery Approver');
  expect(again.afterResponse).toBeUndefined();

  const second = await clickOn(h.app, secondApprover, card, 'approve');
  expect(second.notice).toBeUndefined();
  expect(second.view.subtitle).toMatch(/^Approved by Avery Approver, Blake Approver at .+ UTC$/);
  expect(second.view.actions ?? []).toEqual([]);
  await second.afterResponse!();

  const late = await clickOn(h.app, secondApprover, card, 'approve');
  expect(late.notice).toMatch(/^You already approved/);
  // The same approver on another device (Entra ids arrive in either case) is still the same person.
  const sameInCapitals = await clickOn(h.app, { ...secondApprover, userId: 'USER-ID-0' }, card, 'approve');
  expect(sameInCapitals.notice).toMatch(/^You already approved/);
  expect((await restorePosts(h.emulatorUrl)).slice(before)).toHaveLength(1);
  // The click says nothing more in the thread: the notifier posts *started* once it follows the job.
  expect(h.poster.replies).toEqual([]);
  expect(await h.service.get(requestId)).toMatchObject({ state: 'running' });
});

it('never lets the requester approve, nor someone who is not an approver', async () => {
  const { card, requestId } = await newRequest();
  const self = await clickOn(h.app, requester, card, 'approve');
  expect(self.notice).toBe(message('REQUEST_SELF_APPROVAL', { requestId }));
  expect(self.view.actions!.map((a) => a.label)).toEqual(['Approve', 'Reject']);
  expect(self.afterResponse).toBeUndefined();

  const stranger = await clickOn(h.app, bystander, card, 'reject', { reason: 'no' });
  expect(stranger.notice).toBe(message('POLICY_NOT_APPROVER', { requestId }));
  expect((await h.service.get(requestId))!.state).toBe('awaiting_approval');
});

it('asks for a reason before rejecting, then shows who rejected and why', async () => {
  const { card, requestId } = await newRequest();
  const bare = await clickOn(h.app, approver, card, 'reject', { reason: '   ' });
  expect(bare.notice).toBe(`Please give a reason for rejecting ${requestId}; the requester will see it.`);
  expect((await h.service.get(requestId))!.state).toBe('awaiting_approval');

  const rejected = await clickOn(h.app, approver, card, 'reject', { reason: 'Wrong server, use the replica' });
  expect(rejected.notice).toBeUndefined();
  expect(rejected.view.subtitle).toMatch(/^Rejected by Avery Approver at .+ UTC: Wrong server, use the replica$/);
  expect(rejected.view.tone).toBe('attention');
  expect(rejected.view.actions ?? []).toEqual([]);
  await rejected.afterResponse!();
  expect(last(h.poster.replies).view.title).toBe(
    `${requestId} was rejected by Avery Approver: Wrong server, use the replica`,
  );

  const afterwards = await clickOn(h.app, secondApprover, card, 'approve');
  expect(afterwards.notice).toMatch(new RegExp(`^${requestId} was already decided: rejected by Avery Approver`));
});

it('turns the card to Expired (not Rejected) on a click after expiry', async () => {
  const { card, posted, requestId } = await newRequest();
  h.clock.offsetMs = 61 * 60_000;
  try {
    const click = await clickOn(h.app, approver, card, 'approve');
    expect(click.notice).toMatch(
      new RegExp(`^${requestId} expired at .+ UTC and can no longer be approved or rejected`),
    );
    expect(click.view.subtitle).toMatch(/^Expired at .+ UTC without a decision$/);
    expect(click.view.actions ?? []).toEqual([]);
    await click.afterResponse!();
    expect(last(h.poster.updates).message).toEqual(posted.ref);
    expect(last(h.poster.replies).view.title).toBe(
      `${requestId} expired without a decision; Rita Requester can ask again with /restore.`,
    );
    expect((await h.service.get(requestId))!.state).toBe('expired');
  } finally {
    h.clock.offsetMs = 0;
  }
});

it('changes nothing for a forged or replayed payload', async () => {
  const { card, requestId } = await newRequest();
  const data = action(card, 'approve').data;
  const forged = [
    { requestId: 'R-2222', nonce: data.nonce! },
    { requestId, nonce: 'A'.repeat(22) },
    { requestId, nonce: data.nonce!.slice(0, -1) },
    { requestId: 7, nonce: data.nonce! },
    { requestId: `${requestId} `, nonce: data.nonce! },
    {},
  ];
  for (const payload of forged) {
    const click = await h.app.onExecute({
      actor: approver,
      place: personalChat,
      actionId: 'approve',
      data: payload,
      inputs: {},
    });
    expect(click.notice).toBe(
      'This button does not belong to an approval request the bot knows (it may be forged or out of date); nothing changed.',
    );
    expect(click.afterResponse).toBeUndefined();
  }
  const request = (await h.service.get(requestId))!;
  expect(request.state).toBe('awaiting_approval');
  expect(request.approvals).toEqual([]);
});
