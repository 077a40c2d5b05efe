/**
 * The Teams channel at HTTP level: activities POSTed to the real restify server + CloudAdapter, answers read
 * from the HTTP response (invokes) or from the fake Bot Connector (replies, updates).
 */
import { refKeys, type StoredConversation, type StoredUser } from '../../../src/bot/teams/conversation-refs';
import { ADAPTIVE_CARD_CONTENT_TYPE, INVOKE_MESSAGE_CONTENT_TYPE } from '../../../src/bot/teams/limits';
import { VIEW_CONTENT_TYPE, type View } from '../../../src/dialogs/views';
import { createLogger } from '../../../src/log';
import { assertValidCard } from './card-validator';
import {
  ALEX,
  CHANNEL_ID,
  channelMessage,
  eventually,
  executeInvoke,
  type Json,
  jsonOf,
  personalMessage,
  type Rig,
  startRig,
  TENANT,
} from './harness';

const logLines: string[] = [];
let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ logger: createLogger('debug', {}, (line) => logLines.push(line)), invokeDeadlineMs: 300 });
});
afterAll(async () => rig?.close());
beforeEach(() => {
  rig.app.turns.length = 0;
  rig.app.clicks.length = 0;
});

const cardsIn = (body: Json) =>
  (body?.attachments ?? []).filter((a: Json) => a.contentType === ADAPTIVE_CARD_CONTENT_TYPE);
const textsOf = (card: Json): string[] => JSON.stringify(card).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];

const approvalView = (state: 'pending' | 'approved'): View => ({
  kind: 'approval',
  title: 'Restore pg-prod-weu to dr-westus',
  tone: state === 'approved' ? 'good' : 'default',
  facts: [
    { label: 'Requested by', value: 'Alex Wilber' },
    { label: 'Status', value: state === 'approved' ? 'Approved by Megan Bowen' : 'Awaiting approval' },
  ],
  ...(state === 'pending'
    ? {
        inputs: [{ id: 'reason', label: 'Reason for rejecting' }],
        actions: [
          {
            id: 'approve',
            label: 'Approve',
            mode: 'execute',
            style: 'primary',
            data: { requestId: 'r-1', nonce: 'n-1' },
          },
          {
            id: 'reject',
            label: 'Reject',
            mode: 'execute',
            style: 'danger',
            data: { requestId: 'r-1', nonce: 'n-1' },
            requires: ['reason'],
          },
        ],
      }
    : {}),
});

describe('messages', () => {
  test('a message in a 1:1 chat is answered with a valid Adaptive Card reply at the connector', async () => {
    const incoming = personalMessage(rig.connector.serviceUrl, 'hello');
    const res = await rig.post(incoming);
    expect(res.status).toBe(200);
    const reply = await rig.connector.waitFor((c) => c.route === 'reply' && c.activityId === incoming.id);
    expect(reply.conversationId).toBe('a:personal-alex');
    expect(reply.body.attachments.some((a: Json) => a.contentType === VIEW_CONTENT_TYPE)).toBe(false);
    const [card] = cardsIn(reply.body);
    assertValidCard(card.content);
    expect(card.content.version).toBe('1.5');
    expect(textsOf(card.content).join()).toContain('You said: hello');
    expect(card.content.body.find((e: Json) => e.type === 'Input.ChoiceSet').choices.map((c: Json) => c.value)).toEqual(
      ['v1', 'v2'],
    );
    expect(card.content.actions[0]).toMatchObject({
      type: 'Action.Submit',
      title: 'Continue',
      data: { action: 'next', step: 'vault' },
    });
  });

  test('the actor and place come from the activity: Entra id, tenant, time zone, personal chat', async () => {
    await rig.post(personalMessage(rig.connector.serviceUrl, 'who am i'));
    expect(rig.app.turns[0]!.actor).toEqual({
      channel: 'teams',
      userId: 'aad-alex',
      displayName: 'Alex Wilber',
      tenantOrTeamId: TENANT,
      timeZone: 'Europe/Berlin',
    });
    expect(rig.app.turns[0]!.place).toEqual({ conversationId: 'a:personal-alex', personal: true });
  });

  test('without an Entra id the Teams user id is used, and the time zone can come from clientInfo', async () => {
    await rig.post(
      personalMessage(rig.connector.serviceUrl, 'hi', {
        from: { id: '29:guest', name: 'Guest' },
        localTimezone: undefined,
        entities: [{ type: 'clientInfo', timezone: 'America/New_York' }],
      }),
    );
    expect(rig.app.turns[0]!.actor).toMatchObject({ userId: '29:guest', timeZone: 'America/New_York' });
  });

  test('an unknown time zone is dropped rather than passed on', async () => {
    await rig.post(personalMessage(rig.connector.serviceUrl, 'hi', { localTimezone: 'Mars/Olympus_Mons' }));
    expect(rig.app.turns[0]!.actor.timeZone).toBeUndefined();
  });

  test('an Action.Submit reaches the conversation with the action id, its data and the chosen values', async () => {
    const submit = personalMessage(rig.connector.serviceUrl, '', {
      text: undefined,
      replyToId: 'card-3',
      value: { action: 'next', step: 'vault', vault: 'v2' },
    });
    expect((await rig.post(submit)).status).toBe(200);
    expect(rig.app.turns[0]!.value).toEqual({ action: 'next', step: 'vault', vault: 'v2' });
  });

  test('in a channel the @mention and the leading slash are stripped, and the answer stays in the thread', async () => {
    const incoming = channelMessage(rig.connector.serviceUrl, '/restore jobs');
    await rig.post(incoming);
    const turn = rig.app.turns[0]!;
    expect(turn.text).toBe('restore jobs');
    expect(turn.place).toEqual({ conversationId: `${CHANNEL_ID};messageid=${incoming.id}`, channelId: CHANNEL_ID });
    const reply = await rig.connector.waitFor((c) => c.route === 'reply' && c.activityId === incoming.id);
    expect(reply.conversationId).toBe(`${CHANNEL_ID};messageid=${incoming.id}`);
  });

  test('the conversation reference is stored under the channel, and how to reach the sender 1:1', async () => {
    await rig.post(channelMessage(rig.connector.serviceUrl, 'restore'));
    const stored = await rig.store.conversations.get<StoredConversation>(refKeys.conversation(CHANNEL_ID));
    expect(stored).toMatchObject({
      kind: 'channel',
      tenantId: TENANT,
      reference: { serviceUrl: rig.connector.serviceUrl, channelId: 'msteams', conversation: { id: CHANNEL_ID } },
    });
    const user = await rig.store.conversations.get<StoredUser>(refKeys.user(ALEX.aadObjectId));
    expect(user).toMatchObject({ memberId: ALEX.id, tenantId: TENANT, serviceUrl: rig.connector.serviceUrl });
  });

  test('views the conversation sends through updateActivity are rendered too', async () => {
    await rig.post(personalMessage(rig.connector.serviceUrl, 'update-card'));
    const update = await rig.connector.waitFor((c) => c.route === 'update' && c.activityId === 'card-7');
    const [card] = cardsIn(update.body);
    assertValidCard(card.content);
    expect(textsOf(card.content).join()).toContain('Updated in place');
  });

  test('a failing turn tells the user the error code, without the internal message', async () => {
    const incoming = personalMessage(rig.connector.serviceUrl, 'fail');
    expect((await rig.post(incoming)).status).toBe(200);
    const reply = await rig.connector.waitFor((c) => c.route === 'reply' && c.activityId === incoming.id);
    expect(reply.body.text).toContain('error code INTERNAL');
    expect(reply.body.text).not.toContain('hunter2');
    expect(logLines.some((l) => l.includes('teams turn failed') && l.includes('INTERNAL'))).toBe(true);
  });

  test('a refusal raised as a BotError is shown with its own words and code', async () => {
    const incoming = personalMessage(rig.connector.serviceUrl, 'deny');
    await rig.post(incoming);
    const reply = await rig.connector.waitFor((c) => c.route === 'reply' && c.activityId === incoming.id);
    expect(reply.body.text).toBe('You are not allowed to ask for restores here. (error code POLICY_NOT_REQUESTER)');
  });
});

describe('Action.Execute clicks', () => {
  test('the click carries who, where, the verb, the card data, the typed inputs and the message clicked', async () => {
    rig.app.execute = async () => ({ view: approvalView('pending') });
    await rig.post(
      executeInvoke(rig.connector.serviceUrl, 'reject', { requestId: 'r-1', nonce: 'n-1', reason: 'wrong server' }),
    );
    const click = rig.app.clicks[0]!;
    expect(click.actor).toMatchObject({ userId: 'aad-megan', displayName: 'Megan Bowen', tenantOrTeamId: TENANT });
    expect(click.place).toEqual({ conversationId: `${CHANNEL_ID};messageid=root-1`, channelId: CHANNEL_ID });
    expect(click.actionId).toBe('reject');
    expect(click.data).toEqual({ requestId: 'r-1', nonce: 'n-1', reason: 'wrong server' });
    expect(click.inputs.reason).toBe('wrong server');
    expect(click.message).toEqual({
      channel: 'teams',
      conversationId: `${CHANNEL_ID};messageid=root-1`,
      messageId: 'card-1',
      threadId: 'root-1',
    });
  });

  test('the invoke is answered in the HTTP response with the updated card; slow work runs after the answer', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    rig.app.execute = async () => ({
      view: approvalView('approved'),
      afterResponse: async () => {
        events.push('after-start');
        await gate;
        events.push('after-end');
      },
    });
    const res = await rig.post(executeInvoke(rig.connector.serviceUrl, 'approve', { requestId: 'r-1', nonce: 'n-1' }));
    events.push('answered');
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE });
    assertValidCard(body.value);
    expect(body.value.actions).toBeUndefined();
    expect(JSON.stringify(body.value)).toContain('Approved by Megan Bowen');
    // The answer came while the after-response work was still blocked: the HTTP answer did not wait for it.
    expect(events).not.toContain('after-end');
    await eventually(() => expect(events).toContain('after-start'));
    release();
    await rig.server.idle();
    expect(events.indexOf('answered')).toBeLessThan(events.indexOf('after-end'));
  });

  test('a pending approval card carries only requestId and nonce, and Reject asks for a reason first', async () => {
    rig.app.execute = async () => ({ view: approvalView('pending') });
    const body = await jsonOf(
      await rig.post(executeInvoke(rig.connector.serviceUrl, 'approve', { requestId: 'r-1', nonce: 'n-1' })),
    );
    assertValidCard(body.value);
    const [approve, reject] = body.value.actions;
    expect(approve).toEqual({
      type: 'Action.Execute',
      title: 'Approve',
      verb: 'approve',
      data: { requestId: 'r-1', nonce: 'n-1' },
      style: 'positive',
    });
    expect(reject).toMatchObject({ type: 'Action.ShowCard', title: 'Reject' });
    expect(reject.card.body[0]).toMatchObject({ type: 'Input.Text', id: 'reason', isRequired: true });
    expect(reject.card.actions[0]).toMatchObject({
      type: 'Action.Execute',
      title: 'Reject',
      verb: 'reject',
      data: { requestId: 'r-1', nonce: 'n-1' },
    });
  });

  test('a notice for the clicker is shown on top of the card', async () => {
    rig.app.execute = async () => ({ view: approvalView('pending'), notice: 'You cannot approve your own request.' });
    const body = await jsonOf(
      await rig.post(executeInvoke(rig.connector.serviceUrl, 'approve', { requestId: 'r-1', nonce: 'n-1' })),
    );
    assertValidCard(body.value);
    expect(body.value.body[0]).toMatchObject({ type: 'Container', style: 'warning' });
    expect(body.value.body[0].items[0].text).toBe('You cannot approve your own request.');
    expect(body.value.actions).toHaveLength(2);
  });

  test('an invoke that is not an Action.Execute never reaches the conversation', async () => {
    const forged = executeInvoke(
      rig.connector.serviceUrl,
      'approve',
      {},
      { value: { action: { type: 'Action.Submit', data: {} } } },
    );
    const body = await jsonOf(await rig.post(forged));
    expect(body.type).toBe(INVOKE_MESSAGE_CONTENT_TYPE);
    expect(rig.app.clicks).toHaveLength(0);
  });

  test('a click the conversation fails on is answered with the error code, in the invoke answer', async () => {
    rig.app.execute = async () => {
      throw new Error('boom');
    };
    const res = await rig.post(executeInvoke(rig.connector.serviceUrl, 'approve', { requestId: 'r-1', nonce: 'n-1' }));
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.type).toBe(INVOKE_MESSAGE_CONTENT_TYPE);
    expect(body.value).toContain('INTERNAL');
  });

  test('a click slower than the deadline is answered "still working", then the card is updated for everyone', async () => {
    let afterRan = false;
    rig.app.execute = async () => {
      await new Promise((r) => setTimeout(r, 600));
      return {
        view: approvalView('approved'),
        afterResponse: async () => {
          afterRan = true;
        },
      };
    };
    const started = Date.now();
    const body = await jsonOf(
      await rig.post(executeInvoke(rig.connector.serviceUrl, 'approve', { requestId: 'r-1', nonce: 'n-1' })),
    );
    expect(Date.now() - started).toBeLessThan(600);
    expect(body.type).toBe(INVOKE_MESSAGE_CONTENT_TYPE);
    const update = await rig.connector.waitFor((c) => c.route === 'update' && c.activityId === 'card-1');
    expect(update.conversationId).toBe(`${CHANNEL_ID};messageid=root-1`);
    const [card] = cardsIn(update.body);
    assertValidCard(card.content);
    expect(JSON.stringify(card.content)).toContain('Approved by Megan Bowen');
    await rig.server.idle();
    expect(afterRan).toBe(true);
  });
});
