/**
 * Posts outside a turn (approval cards, job progress, the private wizard) through the Teams Poster, checked
 * at the fake Bot Connector: the right route, the right conversation id, a valid card.
 */

import { ADAPTIVE_CARD_CONTENT_TYPE } from '../../../src/bot/teams/limits';
import type { MessageRef } from '../../../src/dialogs/ports';
import type { View } from '../../../src/dialogs/views';
import { BotError } from '../../../src/errors';
import { FakeBotConnector } from '../../fakes/bot-connector';
import { assertValidCard } from './card-validator';
import { ALEX, CHANNEL_ID, channelMessage, type Json, personalMessage, type Rig, startRig, TENANT } from './harness';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
  // The bot has heard from the channel and from Alex's 1:1 chat, as it would in Teams before posting.
  await rig.post(channelMessage(rig.connector.serviceUrl, 'restore'));
  await rig.post(personalMessage(rig.connector.serviceUrl, 'hello'));
});
afterAll(async () => rig?.close());

const view = (title: string): View => ({ kind: 'notice', title, facts: [{ label: 'Job', value: 'job-1' }] });
const cardOf = (body: Json) => {
  const attachment = body.attachments.find((a: Json) => a.contentType === ADAPTIVE_CARD_CONTENT_TYPE);
  assertValidCard(attachment.content);
  return attachment.content;
};

describe('TeamsPoster', () => {
  let root: MessageRef;

  test('post into a channel starts a new thread with createConversation', async () => {
    const before = rig.connector.calls.length;
    root = await rig.server.poster.post({ channel: 'teams', conversationId: CHANNEL_ID }, view('Approval requested'));
    const call = rig.connector.calls.slice(before).find((c) => c.route === 'createConversation')!;
    expect(call.body).toMatchObject({
      isGroup: true,
      channelData: { channel: { id: CHANNEL_ID }, tenant: { id: TENANT } },
    });
    expect(JSON.stringify(cardOf(call.body.activity))).toContain('Approval requested');
    expect(root).toEqual({
      channel: 'teams',
      conversationId: CHANNEL_ID,
      messageId: expect.any(String),
      threadId: root.messageId,
    });
  });

  test('reply lands in the thread of the earlier post', async () => {
    const ref = await rig.server.poster.reply(root, view('Restore started'));
    const call = await rig.connector.waitFor(
      (c) => c.route === 'reply' && JSON.stringify(c.body).includes('Restore started'),
    );
    expect(call.conversationId).toBe(`${CHANNEL_ID};messageid=${root.messageId}`);
    expect(ref).toMatchObject({ conversationId: CHANNEL_ID, threadId: root.messageId });
    expect(ref.messageId).not.toBe(root.messageId);
  });

  test('update replaces the posted card in place', async () => {
    await rig.server.poster.update(root, view('Approved by Megan Bowen'));
    const call = await rig.connector.waitFor((c) => c.route === 'update' && c.activityId === root.messageId);
    expect(call.conversationId).toBe(`${CHANNEL_ID};messageid=${root.messageId}`);
    expect(JSON.stringify(cardOf(call.body))).toContain('Approved by Megan Bowen');
  });

  test('a post into a 1:1 chat is a plain message in that chat', async () => {
    const ref = await rig.server.poster.post(
      { channel: 'teams', conversationId: 'a:personal-alex' },
      view('Your restore finished'),
    );
    const call = await rig.connector.waitFor((c) => JSON.stringify(c.body ?? '').includes('Your restore finished'));
    expect(call.route === 'send' || call.route === 'reply').toBe(true);
    expect(call.conversationId).toBe('a:personal-alex');
    expect(ref).toEqual({ channel: 'teams', conversationId: 'a:personal-alex', messageId: expect.any(String) });
  });

  test('a channel the bot never heard from is reached through the tenant service URL', async () => {
    const ref = await rig.server.poster.post(
      { channel: 'teams', conversationId: '19:approvals@thread.tacv2' },
      view('Please approve'),
    );
    const call = await rig.connector.waitFor(
      (c) => c.route === 'createConversation' && c.body.channelData.channel.id === '19:approvals@thread.tacv2',
    );
    expect(JSON.stringify(cardOf(call.body.activity))).toContain('Please approve');
    expect(ref.conversationId).toBe('19:approvals@thread.tacv2');
  });

  test('a conversation that cannot be reached is refused with a code, not guessed', async () => {
    const error = await rig.server.poster
      .post({ channel: 'teams', conversationId: 'not-a-teams-id' }, view('x'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(BotError);
    expect(error.code).toBe('TEAMS_UNKNOWN_CONVERSATION');
  });
});

describe('the private wizard', () => {
  const actor = { channel: 'teams' as const, userId: ALEX.aadObjectId, displayName: ALEX.name, tenantOrTeamId: TENANT };

  test('uses the 1:1 chat the bot already has with the person', async () => {
    const before = rig.connector.calls.length;
    expect(await rig.server.poster.openPrivateChat(actor)).toEqual({
      channel: 'teams',
      conversationId: 'a:personal-alex',
    });
    expect(rig.connector.calls.slice(before).some((c) => c.route === 'createConversation')).toBe(false);
  });

  test('opens a 1:1 chat with createConversation when there is none yet, and reuses it', async () => {
    await rig.post(
      channelMessage(rig.connector.serviceUrl, 'restore', {
        from: { id: '29:isaiah', name: 'Isaiah Langer', aadObjectId: 'aad-isaiah' },
      }),
    );
    const isaiah = { ...actor, userId: 'aad-isaiah', displayName: 'Isaiah Langer' };
    const before = rig.connector.calls.length;
    const target = (await rig.server.poster.openPrivateChat(isaiah))!;
    const create = rig.connector.calls.slice(before).find((c) => c.route === 'createConversation')!;
    expect(create.body).toMatchObject({ isGroup: false, members: [{ id: '29:isaiah' }], tenantId: TENANT });
    expect(target.conversationId).toMatch(/^a:personal-/);
    expect(target.threadId).toBeUndefined();

    expect(await rig.server.poster.openPrivateChat(isaiah)).toEqual(target);
    expect(
      rig.connector.calls.filter((c) => c.route === 'createConversation' && c.body.members?.[0]?.id === '29:isaiah'),
    ).toHaveLength(1);
  });

  test('a turn the bot starts in the new 1:1 chat sends there, "from" the member', async () => {
    await rig.post(
      channelMessage(rig.connector.serviceUrl, 'restore', {
        from: { id: '29:lynne', name: 'Lynne Robbins', aadObjectId: 'aad-lynne' },
      }),
    );
    const lynne = { ...actor, userId: 'aad-lynne', displayName: 'Lynne Robbins' };
    const target = (await rig.server.poster.openPrivateChat(lynne))!;
    let from: string | undefined;
    await rig.server.poster.continueIn(target, async (context) => {
      from = context.activity.from?.id;
      await context.sendActivity({ type: 'message', text: 'Pick a vault, privately' });
    });
    expect(from).toBe('29:lynne');
    const sent = await rig.connector.waitFor((c) => c.body?.text === 'Pick a vault, privately');
    expect(sent.conversationId).toBe(target.conversationId);
  });

  test('cannot open one when Teams refuses the 1:1 chat', async () => {
    const refusing = await new FakeBotConnector({ refusePersonalChats: true }).start();
    try {
      await rig.post(
        channelMessage(refusing.serviceUrl, 'restore', {
          from: { id: '29:patti', name: 'Patti', aadObjectId: 'aad-patti' },
        }),
      );
      const patti = { ...actor, userId: 'aad-patti', displayName: 'Patti' };
      expect(await rig.server.poster.openPrivateChat(patti)).toBeUndefined();
      expect(refusing.calls.some((c) => c.route === 'createConversation')).toBe(true);
    } finally {
      await refusing.stop();
    }
  });

  test('cannot open one with a person the bot never heard from', async () => {
    expect(await rig.server.poster.openPrivateChat({ ...actor, userId: 'aad-stranger' })).toBeUndefined();
  });
});
