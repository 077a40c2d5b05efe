/**
 * Journey 5 in Teams, over HTTP against the whole bot (startBot with the demo's configuration): the posture
 * card of `vaults`, its buttons, the confirmation, the approval card in the approval channel, Action.Execute
 * approvals, and the result in the card's thread. The emulator's request log is the witness of one PATCH per
 * approved request. Every card is validated as Adaptive Card 1.5 on the way (journey-driver.ts).
 */
import { readEnv } from '../../../src/config';
import { demoEnv } from '../../../src/demo';
import { vaultKey } from '../../../src/dialogs/data/vaults';
import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { silentLogger } from '../../../src/log';
import { type RunningBot, startBot } from '../../../src/main';
import { FakeBotConnector } from '../../fakes/bot-connector';
import { fastForward, resetEmulator } from '../../restore/service/support';
import { postureSeed, VAULTS, vaultIdOf, vaultPatches } from '../../restore/service/vault-setting-seed';
import {
  type BotCard,
  buttonTitles,
  DEMO_APPROVALS_CHANNEL,
  DEMO_USERS,
  executeActions,
  factOf,
  JourneyDriver,
  type Json,
  nodesOf,
  shownMarkdown,
  TeamsChat,
  titleOf,
  visibleText,
} from './journey-driver';

jest.setTimeout(30_000);

const { alex, megan, adele } = DEMO_USERS;
const CHANNEL = '19:oncall@thread.tacv2';

let emulator: RunningEmulator;
let forward: { stop(): Promise<void> };
let connector: FakeBotConnector;
let bot: RunningBot;
let driver: JourneyDriver;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  await resetEmulator(emulator.url, postureSeed() as unknown as Record<string, unknown>);
  forward = fastForward(emulator.url, 1, 100);
  connector = await new FakeBotConnector().start();
  const env = demoEnv(readEnv({ PORT: '0', DATA_DIR: 'memory://' }), emulator.url);
  bot = await startBot(env, silentLogger);
  driver = new JourneyDriver({ botUrl: bot.teams.url, connector });
});

afterAll(async () => {
  await bot?.close();
  await connector?.stop();
  await forward?.stop();
  await emulator?.close();
});

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return items[0]!;
}

function last<T>(items: T[]): T {
  if (!items.length) throw new Error('nothing there');
  return items[items.length - 1]!;
}

/** The container of one vault on the posture card (its title block is the vault's name). */
function vaultSection(card: Json, name: string): Json {
  const section = nodesOf(card).find(
    (n) => n.type === 'Container' && n.items?.[0]?.type === 'TextBlock' && shownMarkdown(n.items[0].text) === name,
  );
  if (!section) throw new Error(`no section for ${name}:\n${visibleText(card)}`);
  return section;
}

function sectionButtons(card: Json, name: string): Json[] {
  return nodesOf(vaultSection(card, name)).filter((n) => n.type === 'Action.Submit');
}

/** Clicks a posture button (Action.Submit) as Teams sends it: its data as the activity's value. */
function clickPosture(chat: TeamsChat, card: BotCard, vault: string, label: string): Promise<BotCard[]> {
  const button = sectionButtons(card.card, vault).find((b) => b.title === label);
  if (!button) throw new Error(`no "${label}" on ${vault}`);
  return chat.turn({ value: { ...button.data }, replyToId: card.messageId });
}

/** The confirmation's Request approval (inside the Lock form when it asks for the vault name), with inputs. */
function requestApproval(chat: TeamsChat, confirmation: BotCard, inputs: Record<string, string> = {}) {
  return chat.submit(confirmation, 'vault-setting-confirm', inputs);
}

async function approvalThreadReplies(approval: BotCard, since: number): Promise<BotCard[]> {
  await bot.teams.idle();
  return driver.cardsSince(
    since,
    (c) => c.route === 'reply' && c.conversationId === `${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}`,
  );
}

test('vaults: the posture card with each vault, its warnings, and only the buttons for possible changes', async () => {
  const [posture] = await driver.personalChat(alex).say('vaults');
  expect(titleOf(posture!.card)).toBe('Backup vaults');
  const text = visibleText(posture!.card);
  expect(text).toContain('Cross Region Restore is impossible on bv-lrs');
  expect(text).toContain('Soft delete is Off on bv-grs-nocrr');
  expect(text).toContain('The newest recovery point of pg-stale in westus is 168 h older than its primary point');
  expect(sectionButtons(posture!.card, VAULTS.grsNoCrr).map((b) => b.title)).toEqual([
    'Enable Cross Region Restore',
    'Enable immutability',
    'Lock immutability',
  ]);
  expect(sectionButtons(posture!.card, VAULTS.lrs)).toEqual([]);
  expect(sectionButtons(posture!.card, VAULTS.grsCrr).map((b) => b.title)).toEqual(['Lock immutability']);
  // Buttons carry short keys, never ARM ids.
  for (const button of nodesOf(posture!.card).filter((n) => n.type === 'Action.Submit')) {
    expect(Object.keys(button.data).sort()).toEqual(['action', 'change', 'vault']);
    expect(button.data.vault).toMatch(/^v:[A-Za-z0-9_-]{12}$/);
  }
});

test('Enable Cross Region Restore: warned, requested, approved by Megan; one PATCH and the result in the thread', async () => {
  const chat = driver.personalChat(alex);
  const [posture] = await chat.say('vaults bv-grs-nocrr');
  const [confirmation] = await clickPosture(chat, posture!, VAULTS.grsNoCrr, 'Enable Cross Region Restore');
  expect(titleOf(confirmation!.card)).toBe('Enable Cross Region Restore on bv-grs-nocrr?');
  const said = visibleText(confirmation!.card);
  expect(said).toContain('cannot be undone and costs extra');
  expect(said).toContain('up to 48 h to appear in northeurope');
  expect(factOf(confirmation!.card, 'Reversible')).toBe('No: this cannot be undone');
  expect(buttonTitles(confirmation!.card)).toEqual(['Request approval', 'Cancel']);

  const mark = driver.mark();
  const [requested] = await requestApproval(chat, confirmation!);
  const requestId = factOf(requested!.card, 'Request')!;
  expect(titleOf(requested!.card)).toBe(`Approval requested: ${requestId}`);
  // Asked in a 1:1 chat: the approval card opens a thread in the policy's approval channel.
  const approval = only(driver.threadsStartedSince(mark), 'approval post');
  expect(approval.call.body.channelData.channel.id).toBe(DEMO_APPROVALS_CHANNEL);
  expect(titleOf(approval.card)).toBe(`Vault change approval: ${requestId}`);
  expect(factOf(approval.card, 'Change')).toBe('Enable Cross Region Restore (→ Enabled)');
  expect(executeActions(approval.card).map((a) => [a.verb, Object.keys(a.data).sort()])).toEqual([
    ['approve', ['nonce', 'requestId']],
    ['reject', ['nonce', 'requestId']],
  ]);

  const self = await driver.execute(alex, approval, 'approve');
  expect(self.text).toContain('you cannot approve or reject it');
  const answer = await driver.execute(megan, approval, 'approve');
  expect(answer.text).toMatch(/Approved by Megan Bowen at /);
  expect(executeActions(answer.card)).toEqual([]);

  const replies = await approvalThreadReplies(approval, mark);
  expect(replies.map((r) => titleOf(r.card))).toEqual([
    `${requestId}: Cross Region Restore is now Enabled on bv-grs-nocrr.`,
  ]);
  expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
  const update = last(driver.cardsSince(mark, (c) => c.route === 'update' && c.messageId === approval.messageId));
  expect(visibleText(update.card)).toContain('Vault change: Completed');
  expect((await bot.service.get(requestId))!.state).toBe('succeeded');
});

test('Lock immutability: the vault name must be typed; wrong is refused; a double click and two approvers make one PATCH', async () => {
  const chat = driver.personalChat(alex);
  const [posture] = await chat.say('vaults bv-grs-crr');
  const [confirmation] = await clickPosture(chat, posture!, VAULTS.grsCrr, 'Lock immutability');
  // Request approval opens a small form holding the name, as Reject does on approval cards.
  const form = confirmation!.card.actions.find((a: Json) => a.title === 'Request approval');
  expect(form.type).toBe('Action.ShowCard');
  expect(form.card.body.map((i: Json) => [i.id, i.isRequired])).toEqual([['vaultName', true]]);

  const mark = driver.mark();
  const [wrong] = await requestApproval(chat, confirmation!, { vaultName: 'bv-grs' });
  expect(visibleText(wrong!.card)).toContain(`"bv-grs" is not the vault's name`);
  expect(driver.threadsStartedSince(mark)).toEqual([]);

  const [requested] = await requestApproval(chat, confirmation!, { vaultName: 'bv-grs-crr' });
  const requestId = factOf(requested!.card, 'Request')!;
  const approval = only(driver.threadsStartedSince(mark), 'approval post');
  const answers = await Promise.all([
    driver.execute(megan, approval, 'approve'),
    driver.execute(megan, approval, 'approve'),
    driver.execute(adele, approval, 'approve'),
  ]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(answers.filter((a) => /already/.test(a.text))).toHaveLength(2);
  const replies = await approvalThreadReplies(approval, mark);
  expect(replies.map((r) => titleOf(r.card))).toEqual([`${requestId}: Immutability is now Locked on bv-grs-crr.`]);
  expect(await vaultPatches(emulator.url, VAULTS.grsCrr)).toHaveLength(1);

  // Locked now: the posture offers nothing more for that setting.
  const [after] = await chat.say('vaults bv-grs-crr');
  expect(sectionButtons(after!.card, VAULTS.grsCrr)).toEqual([]);
});

test('Enable immutability asked from a channel: confirmed in the 1:1 chat, approved in the approval channel, one PATCH', async () => {
  const asked = {
    ...driver.envelope(alex, { id: `${CHANNEL};messageid=900`, conversationType: 'channel', isGroup: true }),
    type: 'message',
    text: 'vaults bv-grs-nocrr',
    channelData: { tenant: { id: driver.tenantId }, channel: { id: CHANNEL } },
  };
  const mark = driver.mark();
  expect((await driver.post(asked)).status).toBe(200);
  const posture = last(driver.cardsSince(mark, (c) => c.route === 'reply'));
  const button = sectionButtons(posture.card, VAULTS.grsNoCrr).find((b) => b.title === 'Enable immutability');
  const clickMark = driver.mark();
  expect((await driver.post({ ...asked, id: `${asked.id}-click`, text: '', value: { ...button.data } })).status).toBe(
    200,
  );
  const sent = driver.cardsSince(clickMark);
  const inThread = sent.filter((c) => c.conversationId.startsWith(CHANNEL));
  expect(inThread.map((c) => titleOf(c.card))).toEqual([
    `I've sent you a private message to confirm the vault change, ${alex.name}.`,
  ]);
  const privately = sent.filter((c) => !c.conversationId.startsWith(CHANNEL) && c.route !== 'createConversation');
  expect(privately.map((c) => titleOf(c.card))).toEqual(['Enable immutability on bv-grs-nocrr?']);

  const confirmation = only(privately, 'private confirmation');
  const personal = new TeamsChat(driver, alex, { id: confirmation.conversationId, conversationType: 'personal' });
  const requestMark = driver.mark();
  const [requested] = await requestApproval(personal, confirmation);
  const requestId = factOf(requested!.card, 'Request')!;
  const approval = only(driver.threadsStartedSince(requestMark), 'approval post');
  await driver.execute(adele, approval, 'approve');
  const replies = await approvalThreadReplies(approval, requestMark);
  expect(replies.map((r) => titleOf(r.card))).toEqual([`${requestId}: Immutability is now Unlocked on bv-grs-nocrr.`]);
  // This vault had its CRR PATCH in an earlier test: one more PATCH, for this request.
  expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(2);
});

test('refused back with the reason: CRR on a LocallyRedundant vault, unlocking a Locked one, a forged key', async () => {
  const chat = driver.personalChat(alex);
  const forged = async (vault: string, change: string) => {
    const [answer] = await chat.turn({ value: { action: 'vault-setting', vault, change } });
    return visibleText(answer!.card);
  };
  const before = await vaultPatches(emulator.url);
  expect(await forged(vaultKey(vaultIdOf(VAULTS.lrs)), 'enable-crr')).toContain(
    'Cross Region Restore cannot be enabled on bv-lrs: it is LocallyRedundant',
  );
  expect(await forged(vaultKey(vaultIdOf(VAULTS.lrs)), 'enable-immutability')).toContain(
    'Immutability is Locked on bv-lrs, which can never be undone; it cannot be set to Unlocked.',
  );
  expect(await forged('v:AAAAAAAAAAAA', 'enable-crr')).toContain('That vault is not in scope any more');
  expect(await vaultPatches(emulator.url)).toEqual(before);
});
