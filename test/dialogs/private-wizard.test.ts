/**
 * The wizard is private to its requester (SPEC section 2, journey 1): asked for in a channel, it continues in
 * the requester's 1:1 chat, and the approval card still goes where the restore was asked for. The test policy
 * sets no approval channel, so a wizard that forgot the asking channel would be refused in the 1:1 chat.
 */
import { say } from '../../src/dialogs';
import type { ConversationTarget } from '../../src/dialogs/ports';
import type { View } from '../../src/dialogs/views';
import { action, Chat, type Harness, last, oncallChannel, requester, startHarness } from './support';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.poster.opensPrivateChats = true;
  h.poster.privateChatsUnreachable = false;
});

const CONTINUED = say('CONTINUED_PRIVATELY', { name: requester.displayName });

/** The 1:1 chat the wizard moved to, and what the bot sent there in the turn it started itself. */
function movedTo(): { target: ConversationTarget; chat: Chat; views: View[] } {
  const { target, views } = last(h.poster.proactive);
  return { target, views, chat: new Chat(h.app, { conversationId: target.conversationId, personal: true }) };
}

it('asked for in a channel, the wizard continues in the 1:1 chat; the approval card goes to the asking channel', async () => {
  const thread = new Chat(h.app);
  const inThread = await thread.say(requester, 'restore pg-orders-prod --latest --target dr-eastus');
  expect(inThread.map((v) => v.title)).toEqual([CONTINUED]);

  const { target, chat, views } = movedTo();
  expect(target.conversationId).toBe(`a:private-${requester.userId}`);
  // The shortcut's answers went along: the first card in the 1:1 chat is the review.
  const review = last(views);
  expect(review.title).toBe('Review the restore');

  const confirmation = last(await chat.submit(requester, action(review, 'request')));
  expect(confirmation.title).toMatch(/^Approval requested: R-/);
  const approval = last(h.poster.posts);
  expect(approval.view.kind).toBe('approval');
  expect(approval.target.conversationId).toBe(oncallChannel.conversationId);

  // Nothing of the wizard is left in the thread.
  expect((await thread.say(requester, 'cancel'))[0]!.title).toBe('There is no restore wizard to cancel.');
});

it('is answered step by step in the 1:1 chat', async () => {
  await new Chat(h.app).say(requester, '/restore');
  const { chat, views } = movedTo();
  const [vaultStep] = views;
  expect(vaultStep!.title).toBe('Restore: pick a Backup vault');
  expect(vaultStep!.text ?? []).not.toContain(say('PRIVATE_CHAT_UNAVAILABLE'));
  const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
  expect(regionStep!.title).toBe('Where to restore');
});

it('stays in the thread, and says so, when no 1:1 chat can be opened; a later private wizard replaces it', async () => {
  h.poster.opensPrivateChats = false;
  const before = h.poster.proactive.length;
  const thread = new Chat(h.app);
  const [vaultStep] = await thread.say(requester, 'restore');
  expect(vaultStep!.title).toBe('Restore: pick a Backup vault');
  expect(vaultStep!.text).toContain(say('PRIVATE_CHAT_UNAVAILABLE'));
  expect(h.poster.proactive).toHaveLength(before);
  const [regionStep] = await thread.choose(requester, vaultStep!, 'bv-prod-eastus');
  expect(regionStep!.title).toBe('Where to restore');

  h.poster.opensPrivateChats = true;
  expect((await thread.say(requester, 'restore')).map((v) => v.title)).toEqual([CONTINUED]);
  expect((await thread.say(requester, 'cancel'))[0]!.title).toBe('There is no restore wizard to cancel.');
});

it('stays in the thread when the 1:1 chat opens but cannot be reached', async () => {
  h.poster.privateChatsUnreachable = true;
  const before = h.poster.proactive.length;
  const [vaultStep] = await new Chat(h.app).say(requester, 'restore');
  expect(vaultStep!.title).toBe('Restore: pick a Backup vault');
  expect(vaultStep!.text).toContain(say('PRIVATE_CHAT_UNAVAILABLE'));
  expect(h.poster.proactive).toHaveLength(before);
});
