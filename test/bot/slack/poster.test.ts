import { SlackApi } from '../../../src/bot/slack/api';
import { KeyedQueue } from '../../../src/bot/slack/background';
import { SlackPeople } from '../../../src/bot/slack/people';
import { commandScope, SlackPoster } from '../../../src/bot/slack/poster';
import { SlackTurns } from '../../../src/bot/slack/surfaces';
import { SlackUserGroups } from '../../../src/bot/slack/user-groups';
import { viewActivity } from '../../../src/dialogs';
import type { Actor, MessageRef } from '../../../src/dialogs/ports';
import type { View } from '../../../src/dialogs/views';
import { isBotError } from '../../../src/errors';
import { silentLogger } from '../../../src/log';
import { FakeSlackApi } from '../../fakes/slack-api';
import { headersOf, type Json, visibleText } from './slack-driver';

let fake: FakeSlackApi;
let api: SlackApi;
let poster: SlackPoster;

const notice = (title: string): View => ({ kind: 'notice', title });
const alice: Actor = { channel: 'slack', userId: 'U0ALICE', displayName: 'Alice', tenantOrTeamId: 'T0DEMO' };

beforeAll(async () => {
  fake = await FakeSlackApi.start({
    teamId: 'T0DEMO',
    users: [{ id: 'U0ALICE', name: 'Alice Requester', tz: 'Europe/Berlin' }],
    channels: [
      { id: 'C0ONCALL', name: 'oncall' },
      { id: 'C0OUTSIDE', name: 'outside', is_member: false },
    ],
    userGroups: { S0DBAS: ['U0DBA'] },
  });
  api = new SlackApi({ token: 'xoxb-test', apiUrl: fake.url, logger: silentLogger, retryConfig: { retries: 0 } });
  poster = new SlackPoster({
    api,
    turns: new SlackTurns(),
    queue: new KeyedQueue(),
    botUserId: 'U0BOT',
    logger: silentLogger,
  });
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await fake?.close();
});

describe('posts, thread replies and updates', () => {
  test('a post starts a thread; a keyed reply carries its key as metadata, and findReply finds it', async () => {
    const root = await poster.post(
      { channel: 'slack', conversationId: 'C0ONCALL' },
      notice('Restore approval: R-ABCD'),
    );
    expect(root).toMatchObject({ channel: 'slack', conversationId: 'C0ONCALL' });
    expect(root.threadId).toBe(root.messageId);
    await poster.reply(root, notice('unrelated reply'));
    const reply = await poster.reply(root, notice('Restore R-ABCD completed'), { key: 'R-ABCD:completed' });
    expect(reply.threadId).toBe(root.messageId);
    const sent = fake.callsTo('chat.postMessage').at(-1)!;
    expect(sent.args.thread_ts).toBe(root.messageId);
    expect(sent.args.metadata).toEqual({ event_type: 'restore_bot_post', event_payload: { key: 'R-ABCD:completed' } });

    expect(await poster.findReply(root, 'R-ABCD:completed')).toEqual({ found: true, message: reply });
    expect(await poster.findReply(root, 'R-ABCD:failed')).toEqual({ found: false });
    fake.fail('conversations.replies', { error: 'ratelimited' });
    expect(await poster.findReply(root, 'R-ABCD:completed')).toEqual({ found: 'unknown' });
  });

  test('an update replaces the message for everyone', async () => {
    const root = await poster.post({ channel: 'slack', conversationId: 'C0ONCALL' }, notice('Awaiting'));
    await poster.update(root, notice('Approved by Dan'));
    expect(headersOf(fake.message('C0ONCALL', root.messageId)!.blocks as Json[])).toEqual(['Approved by Dan']);
  });

  test("Slack's refusals become errors with stable codes and sentences a person can act on", async () => {
    const error = await poster.post({ channel: 'slack', conversationId: 'C0OUTSIDE' }, notice('x')).catch((e) => e);
    expect(isBotError(error, 'SLACK_NOT_IN_CHANNEL')).toBe(true);
    expect(error.message).toContain('invite it with /invite');
    const modal = await poster.post({ channel: 'slack', conversationId: 'modal:V1' }, notice('x')).catch((e) => e);
    expect(isBotError(modal, 'SLACK_NOT_A_CHANNEL')).toBe(true);
  });

  test('a rate limit longer than the bot will wait is not waited for', async () => {
    const impatient = new SlackApi({
      token: 'xoxb-test',
      apiUrl: fake.url,
      logger: silentLogger,
      retryConfig: { retries: 0 },
      rateLimitMaxWaitMs: 500,
    });
    const root: MessageRef = await poster.post({ channel: 'slack', conversationId: 'C0ONCALL' }, notice('x'));
    fake.rateLimit('chat.update', { retryAfterSeconds: 30 });
    const started = Date.now();
    const error = await impatient
      .update({ channel: 'C0ONCALL', ts: root.messageId, text: 'y', blocks: [] })
      .catch((e) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(isBotError(error, 'SLACK_RATE_LIMITED')).toBe(true);
    expect(error.details.retryAfterSeconds).toBe(30);
    expect(fake.callsTo('chat.update')).toHaveLength(1);
  });
});

describe('the private place is the modal the slash command opened', () => {
  test('outside a command there is no private chat, and no unknown modal can be written to', async () => {
    expect(await poster.openPrivateChat(alice)).toBeUndefined();
    const error = await poster
      .continueIn({ channel: 'slack', conversationId: 'modal:V404' }, async () => {})
      .catch((e) => e);
    expect(isBotError(error, 'SLACK_MODAL_UNKNOWN')).toBe(true);
  });

  test("inside Alice's command, her modal is her private chat; what a turn there says fills it as one view", async () => {
    const { id: viewId } = await api.openView(fake.triggerId(), {
      type: 'modal',
      title: { type: 'plain_text', text: 'Restore' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Loading' } }],
    });
    const scope = { userId: alice.userId, userName: alice.displayName, modal: { viewId }, handedOver: false };
    await commandScope.run(scope, async () => {
      expect(await poster.openPrivateChat({ ...alice, userId: 'U0SOMEONE' })).toBeUndefined();
      const target = await poster.openPrivateChat(alice);
      expect(target).toEqual({ channel: 'slack', conversationId: `modal:${viewId}` });
      await poster.continueIn(target!, async (context) => {
        expect(context.activity.from?.id).toBe(alice.userId);
        expect(context.activity.conversation?.id).toBe(`modal:${viewId}`);
        await context.sendActivity(viewActivity(notice('Where to restore')));
        await context.sendActivity(viewActivity(notice('Pick a recovery point')));
      });
    });
    expect(scope.handedOver).toBe(true);
    expect(fake.callsTo('views.update')).toHaveLength(1);
    expect(headersOf(fake.view(viewId)!.view.blocks)).toEqual(['Where to restore', 'Pick a recovery point']);
  });
});

describe('people and user groups, asked of Slack and kept for a while', () => {
  test("a person's name and time zone come from users.info, once", async () => {
    const people = new SlackPeople(api, silentLogger);
    const first = await people.actor({ id: 'U0ALICE', name: 'alice', teamId: 'T0DEMO' });
    expect(first).toEqual({
      channel: 'slack',
      userId: 'U0ALICE',
      displayName: 'Alice Requester',
      tenantOrTeamId: 'T0DEMO',
      timeZone: 'Europe/Berlin',
    });
    await people.actor({ id: 'U0ALICE', name: 'alice', teamId: 'T0DEMO' });
    expect(fake.callsTo('users.info')).toHaveLength(1);
    fake.fail('users.info', { error: 'user_not_found' });
    expect(await people.actor({ id: 'U0GONE', name: 'gone', teamId: 'T0DEMO' })).toEqual({
      channel: 'slack',
      userId: 'U0GONE',
      displayName: 'gone',
      tenantOrTeamId: 'T0DEMO',
    });
  });

  test('group membership is read once per 5 minutes; when Slack cannot answer, nobody is a member', async () => {
    let now = 1_000_000;
    const groups = new SlackUserGroups(api, silentLogger, { now: () => now });
    expect(await groups.isMember('U0DBA', 'S0DBAS')).toBe(true);
    expect(await groups.isMember('U0ALICE', 'S0DBAS')).toBe(false);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(1);
    now += 5 * 60_000;
    fake.fail('usergroups.users.list', { error: 'ratelimited' });
    expect(await groups.isMember('U0DBA', 'S0DBAS')).toBe(false);
    // The failure is not kept: the next click asks again.
    expect(await groups.isMember('U0DBA', 'S0DBAS')).toBe(true);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(3);
    expect(await groups.isMember('U0DBA', 'S0NOSUCH')).toBe(false);
  });
});

test('rendered thread replies are plain to read', async () => {
  const root = await poster.post({ channel: 'slack', conversationId: 'C0ONCALL' }, notice('root'));
  await poster.reply(root, {
    kind: 'error',
    title: 'The restore for R-ABCD did not start',
    error: { code: 'X', message: 'm' },
  });
  const reply = fake.thread('C0ONCALL', root.messageId).at(-1)!;
  expect(reply.text).toBe('The restore for R-ABCD did not start');
  expect(visibleText(reply.blocks as Json[])).toContain('Error code: X');
});
