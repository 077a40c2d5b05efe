import { readEnv } from '../../../src/config';
import { demoEnv } from '../../../src/demo';
import { say } from '../../../src/dialogs';
import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { silentLogger } from '../../../src/log';
import { type RunningBot, startBot } from '../../../src/main';
import { type ConnectorCall, FakeBotConnector } from '../../fakes/bot-connector';
import { fastForward } from '../../restore/service/support';
import { assertValidCard } from './card-validator';
import type { Json } from './harness';

jest.setTimeout(30_000);

/** The demo world (config/demo.yaml): its tenant, a team channel, its approval channel, two of its users. */
const TENANT = '00000000-0000-0000-0000-0000000000001';
const CHANNEL = '19:oncall@thread.tacv2';
const APPROVALS = '19:restore-approvals@thread.tacv2';
const BOT = { id: '28:restore-bot', name: 'restore-bot' };
const ALEX = { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-00000000a000' };
const ADELE = { id: 'user-id-2', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-00000000a002' };
type User = typeof ALEX;

let emulator: RunningEmulator;
let forward: { stop(): Promise<void> };
let connector: FakeBotConnector;
let bot: RunningBot;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  forward = fastForward(emulator.url, 1, 100);
  connector = await new FakeBotConnector().start();
  const env = demoEnv(readEnv({ PORT: '0', DATA_DIR: 'memory://' }), emulator.url);
  bot = await startBot(env, silentLogger);
});

afterAll(async () => {
  await bot?.close();
  await connector?.stop();
  await forward?.stop();
  await emulator?.close();
});

let seq = 0;

/** Posts one activity to /api/messages; the bot answers once its turn (and every send in it) is done. */
async function post(activity: Json): Promise<void> {
  const res = await fetch(`${bot.teams.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

function envelope(serviceUrl: string, user: User, conversation: Json): Json {
  return {
    id: `pw-${++seq}`,
    channelId: 'msteams',
    serviceUrl,
    from: user,
    recipient: BOT,
    conversation: { ...conversation, tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
  };
}

/** `text` posted as a new message in the channel, @mentioning the bot, as Teams sends it. */
function inChannel(serviceUrl: string, user: User, text: string): Json {
  const activity = envelope(serviceUrl, user, { conversationType: 'channel', isGroup: true });
  const mention = `<at>${BOT.name}</at>`;
  return {
    ...activity,
    type: 'message',
    conversation: { ...activity.conversation, id: `${CHANNEL};messageid=${activity.id}` },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: CHANNEL } },
    entities: [{ type: 'mention', mentioned: BOT, text: mention }],
    text: `${mention} ${text}`,
  };
}

/** A click on an Action.Submit button in the 1:1 chat: the button's data plus the card's input values. */
function submitIn(conversationId: string, user: User, card: Json, actionId: string, inputs: Record<string, string>) {
  const button = nodesOf(card).find((n) => n.type === 'Action.Submit' && n.data?.action === actionId);
  if (!button) throw new Error(`no "${actionId}" button on ${JSON.stringify(card)}`);
  return {
    ...envelope(connector.serviceUrl, user, { id: conversationId, conversationType: 'personal' }),
    type: 'message',
    text: '',
    value: { ...button.data, ...inputs },
  };
}

function nodesOf(value: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(value)) for (const item of value) nodesOf(item, found);
  else if (value && typeof value === 'object') {
    if (typeof (value as Json).type === 'string') found.push(value);
    for (const [key, child] of Object.entries(value)) if (key !== 'data') nodesOf(child, found);
  }
  return found;
}

/** The Adaptive Cards of a message the bot sent (a new channel thread carries it in `activity`), validated. */
function cardsOf(call: ConnectorCall): Json[] {
  const activity = call.route === 'createConversation' ? call.body?.activity : call.body;
  const cards = (activity?.attachments ?? [])
    .filter((a: Json) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a: Json) => a.content);
  for (const card of cards) assertValidCard(card);
  return cards;
}

/** The words on a card's text blocks, in order. */
const textsOf = (card: Json): string[] => nodesOf(card).flatMap((n) => (n.type === 'TextBlock' ? [n.text] : []));

/** Cards sent into `conversationId` (sends and replies) after `mark`. */
function cardsIn(from: FakeBotConnector, mark: number, conversationId: string): Json[] {
  return from.calls
    .slice(mark)
    .filter((c) => (c.route === 'send' || c.route === 'reply') && c.conversationId === conversationId)
    .flatMap(cardsOf);
}

test('restore typed in a channel opens the 1:1 chat; the wizard runs there and a note stays in the thread', async () => {
  const mark = connector.calls.length;
  const asked = inChannel(connector.serviceUrl, ALEX, 'restore');
  await post(asked);

  const created = connector.calls.slice(mark).filter((c) => c.route === 'createConversation');
  expect(created).toHaveLength(1);
  expect(created[0]!.body).toMatchObject({ isGroup: false, members: [{ id: ALEX.id }], tenantId: TENANT });
  const personal = String(created[0]!.answer.id);

  const [vaultStep, ...more] = cardsIn(connector, mark, personal);
  expect(more).toEqual([]);
  expect(textsOf(vaultStep)).toContain('Restore: pick a Backup vault');

  const thread = cardsIn(connector, mark, `${CHANNEL};messageid=${asked.id}`);
  expect(thread.map((card) => textsOf(card)[0])).toEqual([say('CONTINUED_PRIVATELY', { name: ALEX.name })]);
  expect(JSON.stringify(thread)).not.toContain('Backup vault');

  // The answer comes back in the 1:1 chat, where the wizard's state now lives.
  const choices = nodesOf(vaultStep).find((n) => n.type === 'Input.ChoiceSet');
  const prod = choices.choices.find((c: Json) => c.title.startsWith('bv-prod-eastus'));
  const answerMark = connector.calls.length;
  await post(submitIn(personal, ALEX, vaultStep, 'choose', { [choices.id]: prod.value }));
  const [regionStep] = cardsIn(connector, answerMark, personal);
  expect(textsOf(regionStep)).toContain('Where to restore');
});

test('the shortcut pre-fills the private wizard; Request approval there posts the card in the approval channel', async () => {
  const mark = connector.calls.length;
  await post(inChannel(connector.serviceUrl, ALEX, 'restore pg-orders-prod --latest'));
  // Alex's 1:1 chat exists now: it is reused, not created again.
  expect(connector.calls.slice(mark).some((c) => c.route === 'createConversation')).toBe(false);
  const personal = connector.calls.find((c) => c.route === 'createConversation' && !c.body.channelData?.channel)!.answer
    .id as string;
  const review = cardsIn(connector, mark, personal).at(-1);
  expect(textsOf(review)).toContain('Review the restore');

  const requestMark = connector.calls.length;
  await post(submitIn(personal, ALEX, review, 'request', {}));
  expect(textsOf(cardsIn(connector, requestMark, personal).at(-1))[0]).toMatch(/^Approval requested: R-/);
  const approval = connector.calls.slice(requestMark).filter((c) => c.route === 'createConversation');
  expect(approval).toHaveLength(1);
  expect(approval[0]!.body.channelData.channel.id).toBe(APPROVALS);
  expect(nodesOf(cardsOf(approval[0]!)[0]).some((n) => n.type === 'Action.Execute' && n.verb === 'approve')).toBe(true);
});

test('when Teams refuses the 1:1 chat (403), the wizard runs in the channel thread and says why', async () => {
  const refusing = await new FakeBotConnector({ refusePersonalChats: true }).start();
  try {
    const asked = inChannel(refusing.serviceUrl, ADELE, 'restore');
    await post(asked);
    const refused = refusing.calls.filter((c) => c.route === 'createConversation');
    expect(refused.map((c) => c.body.members)).toEqual([[{ id: ADELE.id, name: ADELE.name }]]);
    const [vaultStep, ...more] = cardsIn(refusing, 0, `${CHANNEL};messageid=${asked.id}`);
    expect(more).toEqual([]);
    expect(textsOf(vaultStep)).toContain('Restore: pick a Backup vault');
    expect(textsOf(vaultStep)).toContain(say('PRIVATE_CHAT_UNAVAILABLE'));
  } finally {
    await refusing.stop();
  }
});
