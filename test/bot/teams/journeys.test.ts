import { readEnv } from '../../../src/config';
import { demoEnv } from '../../../src/demo';
import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { silentLogger } from '../../../src/log';
import { type RunningBot, startBot } from '../../../src/main';
import { FakeBotConnector } from '../../fakes/bot-connector';
import { fastForward } from '../../restore/service/support';
import {
  type BotCard,
  buttonTitles,
  DEMO_APPROVALS_CHANNEL,
  DEMO_USERS,
  executeActions,
  factOf,
  JourneyDriver,
  type TeamsChat,
  titleOf,
  visibleText,
} from './journey-driver';

jest.setTimeout(30_000);

const { alex, megan, adele, isaiah } = DEMO_USERS;

let emulator: RunningEmulator;
let forward: { stop(): Promise<void> };
let connector: FakeBotConnector;
let bot: RunningBot;
let driver: JourneyDriver;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  // Azure validations are operations that take 2 s of emulated time; running its clock ahead keeps each to
  // the one poll after the 1 s Retry-After.
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

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

async function emulatorRequests(): Promise<LoggedRequest[]> {
  const res = await fetch(`${emulator.url}/_emulator/requests`);
  return ((await res.json()) as { requests: LoggedRequest[] }).requests;
}

/** Restore triggers (same region and Cross Region Restore) the emulator has been sent. */
async function restoreTriggers(): Promise<LoggedRequest[]> {
  return (await emulatorRequests()).filter(
    (r) => r.method === 'POST' && (/\/restore(\?|$)/.test(r.path) || /\/crossRegionRestore(\?|$)/.test(r.path)),
  );
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return items[0]!;
}

function last<T>(items: T[]): T {
  if (!items.length) throw new Error('nothing there');
  return items[items.length - 1]!;
}

/** Alex's shortcut straight to the review, then Request approval: the approval card posted in the channel. */
async function requestApproval(chat: TeamsChat, shortcut: string): Promise<{ requestId: string; approval: BotCard }> {
  const review = last(await chat.say(shortcut));
  expect(titleOf(review.card)).toBe('Review the restore');
  const mark = driver.mark();
  const confirmation = last(await chat.submit(review, 'request'));
  const requestId = factOf(confirmation.card, 'Request')!;
  expect(requestId).toMatch(/^R-[2-9A-Z]{4}$/);
  const approval = only(driver.threadsStartedSince(mark), 'approval post');
  return { requestId, approval };
}

describe('the primary journey, by clicks', () => {
  let requestId: string;
  let approval: BotCard;

  test('Alex walks the wizard in the 1:1 chat; the approval card opens a thread in the approval channel', async () => {
    const chat = driver.personalChat(alex, { timeZone: 'Europe/Berlin' });
    const [vaultStep] = await chat.say('/restore');
    expect(vaultStep!.conversationId).toBe(`a:personal-${alex.id}`);
    expect(titleOf(vaultStep!.card)).toBe('Restore: pick a Backup vault');
    expect(visibleText(vaultStep!.card)).toContain('bv-prod-eastus — eastus · GeoRedundant · CRR Enabled');

    const [regionStep] = await chat.choose(vaultStep!, 'bv-prod-eastus');
    expect(titleOf(regionStep!.card)).toBe('Where to restore');
    const [serverStep] = await chat.choose(regionStep!, 'Primary region (eastus)');
    const [pointStep] = await chat.choose(serverStep!, 'pg-orders-prod');
    expect(titleOf(pointStep!.card)).toBe('Pick a recovery point');
    expect(visibleText(pointStep!.card)).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(1 day ago\)/);

    const steps = await chat.choose(pointStep!, '');
    const review = last(steps);
    // eastus has one target in the demo policy: answered for Alex, and shown as such on the way.
    expect(visibleText(steps[0]!.card)).toContain('dr-eastus');
    expect(titleOf(review.card)).toBe('Review the restore');
    expect(factOf(review.card, 'Server')).toBe('pg-orders-prod');
    expect(factOf(review.card, 'Azure validation')).toBe('Succeeded');
    expect(buttonTitles(review.card)).toEqual(['Request approval', 'Back', 'Cancel']);

    const mark = driver.mark();
    const [confirmation] = await chat.submit(review, 'request');
    expect(titleOf(confirmation!.card)).toMatch(/^Approval requested: R-[2-9A-Z]{4}$/);
    requestId = factOf(confirmation!.card, 'Request')!;

    // Asked in a 1:1 chat: the card goes to the policy's approval channel as a new thread (POST /v3/conversations).
    const created = only(driver.threadsStartedSince(mark), 'approval post');
    expect(created.call.method).toBe('POST');
    expect(created.call.path).toBe('/v3/conversations');
    expect(created.call.body.channelData.channel.id).toBe(DEMO_APPROVALS_CHANNEL);
    approval = created;
    expect(factOf(approval.card, 'Request')).toBe(requestId);
    expect(factOf(approval.card, 'Requested by')).toBe('Alex Wilber');
    expect(executeActions(approval.card).map((a) => [a.verb, a.title])).toEqual([
      ['approve', 'Approve'],
      ['reject', 'Reject'],
    ]);
    for (const a of executeActions(approval.card)) expect(Object.keys(a.data).sort()).toEqual(['nonce', 'requestId']);
    expect(await restoreTriggers()).toEqual([]);
  });

  test("Megan's approve click is answered with the decided card; the restore starts after the answer", async () => {
    const before = (await restoreTriggers()).length;
    const mark = driver.mark();
    const answer = await driver.execute(megan, approval, 'approve');
    // Azure work waits for the answer (it starts with a fresh validation, an operation that takes a while).
    expect(await restoreTriggers()).toHaveLength(before);
    expect(answer.status).toBe(200);
    expect(answer.body.statusCode).toBe(200);
    expect(answer.card).toBeDefined();
    expect(answer.text).toMatch(/Approved by Megan Bowen at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(executeActions(answer.card)).toEqual([]);
    expect(answer.card.actions ?? []).toEqual([]);

    await bot.teams.idle();
    const triggers = (await restoreTriggers()).slice(before);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]!.path).toMatch(/backupInstances\/pg-orders-prod-[^/]+\/restore$/);
    expect(triggers[0]!.status).toBe(202);

    // The approval card is updated for everyone (buttons gone), and the thread hears that the job started.
    const updates = driver.cardsSince(mark, (c) => c.route === 'update' && c.messageId === approval.messageId);
    expect(updates.length).toBeGreaterThan(0);
    for (const u of updates) expect(executeActions(u.card)).toEqual([]);
    expect(visibleText(last(updates).card)).toContain('Approved by Megan Bowen');
    // *Started* is the notifier's post, in the card's thread, a moment after the trigger.
    const started = await driver.connector.waitFor(
      (c) => c.route === 'reply' && c.conversationId === `${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}`,
    );
    expect(JSON.stringify(started.body)).toMatch(new RegExp(`Restore started for ${requestId}`));
  });

  test('a second click by Megan is answered "already approved" and starts nothing', async () => {
    const before = (await restoreTriggers()).length;
    const mark = driver.mark();
    const again = await driver.execute(megan, approval, 'approve');
    expect(again.text).toContain(`You already approved ${requestId}`);
    expect(again.text).toContain('nothing changed');
    expect(executeActions(again.card)).toEqual([]);
    await bot.teams.idle();
    expect(await restoreTriggers()).toHaveLength(before);
    expect(driver.cardsSince(mark)).toEqual([]);
  });
});

describe('the secondary region journey', () => {
  test('a restore in westus goes through Cross Region Restore once Adele approves', async () => {
    const chat = driver.personalChat(alex);
    const [pointStep] = (await chat.say('restore pg-payments-prod --secondary')).slice(-1);
    expect(titleOf(pointStep!.card)).toBe('Pick a recovery point');
    expect(visibleText(pointStep!.card)).toContain('in westus (already replicated there)');
    const steps = await chat.choose(pointStep!, '');
    const review = last(steps);
    expect(factOf(review.card, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    expect(factOf(review.card, 'Target')).toBe('dr-westus');
    expect(factOf(review.card, 'Azure validation')).toBe('Succeeded');
    const mark = driver.mark();
    const [confirmation] = await chat.submit(review, 'request');
    const requestId = factOf(confirmation!.card, 'Request')!;
    const approval = only(driver.threadsStartedSince(mark), 'approval post');
    expect(factOf(approval.card, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');

    const before = (await restoreTriggers()).length;
    const answer = await driver.execute(adele, approval, 'approve');
    expect(answer.text).toMatch(/Approved by Adele Vance at /);
    await bot.teams.idle();
    const crr = (await restoreTriggers()).slice(before);
    expect(crr).toHaveLength(1);
    expect(crr[0]!.path).toMatch(/\/locations\/westus\/crossRegionRestore$/);
    const started = await driver.connector.waitFor(
      (c) => c.route === 'reply' && c.conversationId?.includes(approval.messageId) === true,
    );
    expect(JSON.stringify(started.body)).toContain(`Restore started for ${requestId}`);
  });
});

describe('decisions the rules refuse or shape', () => {
  test('reject needs a reason; with one, the card shows who rejected and why, and nothing restores', async () => {
    const { requestId, approval } = await requestApproval(driver.personalChat(alex), 'restore pg-orders-prod --latest');
    const before = (await restoreTriggers()).length;
    // Reject opens a small form holding the reason; its button is the Action.Execute with verb reject.
    const reject = approval.card.actions.find((a: { title: string }) => a.title === 'Reject');
    expect(reject.type).toBe('Action.ShowCard');
    expect(reject.card.body.map((input: { id: string }) => input.id)).toEqual(['reason']);

    const bare = await driver.execute(megan, approval, 'reject', { inputs: { reason: '  ' } });
    expect(bare.text).toContain(`Please give a reason for rejecting ${requestId}; the requester will see it.`);
    expect(executeActions(bare.card).map((a) => a.verb)).toEqual(['approve', 'reject']);
    expect((await bot.service.get(requestId))!.state).toBe('awaiting_approval');

    const mark = driver.mark();
    const rejected = await driver.execute(megan, approval, 'reject', {
      inputs: { reason: 'Wrong server, use the replica' },
    });
    expect(rejected.text).toMatch(/Rejected by Megan Bowen at .+ UTC: Wrong server, use the replica/);
    expect(executeActions(rejected.card)).toEqual([]);
    await bot.teams.idle();
    expect((await bot.service.get(requestId))!.state).toBe('rejected');
    expect(await restoreTriggers()).toHaveLength(before);
    const update = last(driver.cardsSince(mark, (c) => c.route === 'update'));
    expect(update.messageId).toBe(approval.messageId);
    expect(visibleText(update.card)).toContain('Rejected by Megan Bowen');
    const reply = only(
      driver.cardsSince(mark, (c) => c.route === 'reply'),
      'thread reply',
    );
    expect(titleOf(reply.card)).toBe(`${requestId} was rejected by Megan Bowen: Wrong server, use the replica`);
  });

  test('a click after the request expired is answered Expired, and the card turns Expired for everyone', async () => {
    const { requestId, approval } = await requestApproval(driver.personalChat(alex), 'restore pg-orders-prod --latest');
    await expireNow(requestId);
    const before = (await restoreTriggers()).length;
    const mark = driver.mark();
    const late = await driver.execute(megan, approval, 'approve');
    expect(late.text).toContain(`${requestId} expired at`);
    expect(late.text).toContain('can no longer be approved or rejected');
    expect(late.text).toMatch(/Expired at .+ UTC without a decision/);
    expect(late.text).not.toContain('Rejected');
    expect(executeActions(late.card)).toEqual([]);
    await bot.teams.idle();
    expect((await bot.service.get(requestId))!.state).toBe('expired');
    expect(await restoreTriggers()).toHaveLength(before);
    const update = last(driver.cardsSince(mark, (c) => c.route === 'update'));
    expect(update.messageId).toBe(approval.messageId);
    expect(visibleText(update.card)).toMatch(/Expired at .+ UTC without a decision/);
    const reply = only(
      driver.cardsSince(mark, (c) => c.route === 'reply'),
      'thread reply',
    );
    expect(titleOf(reply.card)).toBe(
      `${requestId} expired without a decision; Alex Wilber can ask again with /restore.`,
    );
  });

  test('forged or garbage invokes get a clear answer and change nothing', async () => {
    const { requestId, approval } = await requestApproval(driver.personalChat(alex), 'restore pg-orders-prod --latest');
    const { nonce } = executeActions(approval.card)[0]!.data;
    const unknownId = requestId === 'R-2222' ? 'R-3333' : 'R-2222';
    const before = (await emulatorRequests()).filter((r) => r.method !== 'GET').length;
    const mark = driver.mark();
    const forgedData = [
      { requestId: unknownId, nonce },
      { requestId, nonce: 'A'.repeat(nonce!.length) },
      { requestId, nonce: `${nonce}x` },
      { requestId },
      { requestId: { $ne: null }, nonce },
      {},
      'garbage',
    ];
    for (const data of forgedData) {
      const answer = await driver.execute(megan, approval, 'approve', { data });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(
        'This button does not belong to an approval request the bot knows (it may be forged or out of date); nothing changed.',
      );
      expect(executeActions(answer.card)).toEqual([]);
    }
    // Not an Action.Execute at all: a plain answer, the card left as it is.
    const garbage = await driver.invoke({
      ...driver.envelope(megan, {
        id: `${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}`,
        conversationType: 'channel',
      }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: approval.messageId,
      value: 'not a card action',
    });
    expect(garbage.status).toBe(200);
    expect(garbage.text).toBe('This button is not recognised. Nothing was changed.');

    await bot.teams.idle();
    expect(driver.cardsSince(mark)).toEqual([]);
    expect((await emulatorRequests()).filter((r) => r.method !== 'GET')).toHaveLength(before);
    const request = (await bot.service.get(requestId))!;
    expect(request.state).toBe('awaiting_approval');
    expect(request.approvals).toEqual([]);
  });

  test('the requester cannot approve their own request, nor can someone who is not an approver', async () => {
    const { requestId, approval } = await requestApproval(driver.personalChat(alex), 'restore pg-orders-prod --latest');
    const mark = driver.mark();
    const self = await driver.execute(alex, approval, 'approve');
    expect(self.text).toContain(
      `You asked for ${requestId}, so you cannot approve or reject it; another approver has to decide.`,
    );
    expect(executeActions(self.card).map((a) => a.title)).toEqual(['Approve', 'Reject']);

    const stranger = await driver.execute(isaiah, approval, 'approve');
    expect(stranger.text).toContain(
      `You are not an approver for ${requestId}; only the approvers named in the policy can approve or reject it.`,
    );
    const strangerRejects = await driver.execute(isaiah, approval, 'reject', { inputs: { reason: 'no' } });
    expect(strangerRejects.text).toContain(`You are not an approver for ${requestId}`);

    await bot.teams.idle();
    expect(driver.cardsSince(mark)).toEqual([]);
    const request = (await bot.service.get(requestId))!;
    expect(request.state).toBe('awaiting_approval');
    expect(request.approvals).toEqual([]);
  });
});

describe('what a person types is checked', () => {
  test('an unreadable typed time gets a clear error and the same points to pick from', async () => {
    const chat = driver.personalChat(alex);
    const pointStep = last(await chat.say('restore pg-orders-prod'));
    expect(titleOf(pointStep.card)).toBe('Pick a recovery point');
    const [again] = await chat.submit(pointStep, 'time', { time: 'next blursday-ish' });
    expect(titleOf(again!.card)).toBe('Pick a recovery point');
    expect(visibleText(again!.card)).toContain(
      'I could not read "next blursday-ish" as a time. Try latest, 2026-11-20 14:00, yesterday 18:00 or before 3h ago.',
    );
    expect(visibleText(again!.card)).toContain('Error code: TIME_UNREADABLE');
    const choicesOf = (card: BotCard) => card.card.body.find((n: { type: string }) => n.type === 'Input.ChoiceSet');
    expect(choicesOf(again!)).toEqual(choicesOf(pointStep));
    // Typed into the chat instead of the card's box, the same answer.
    const [typed] = await chat.say('31st of Smarch');
    expect(visibleText(typed!.card)).toContain('I could not read "31st of Smarch" as a time.');
  });

  test('an unknown server name in the shortcut gets "did you mean" and the first step', async () => {
    const [vaultStep] = await driver.personalChat(alex).say('/restore pg-ordrs-prod --latest');
    expect(titleOf(vaultStep!.card)).toBe('Restore: pick a Backup vault');
    expect(visibleText(vaultStep!.card)).toContain(
      'No protected server is called pg-ordrs-prod. Did you mean pg-orders-prod?',
    );
    expect(visibleText(vaultStep!.card)).toContain('Error code: UNKNOWN_SERVER');
  });
});

test('every card the bot sent or answered with in these journeys was validated', () => {
  const sent = connector.calls.filter(
    (c) => (c.route === 'createConversation' ? c.body?.activity : c.body)?.attachments?.length,
  );
  expect(sent.length).toBeGreaterThan(20);
  expect(driver.cardsSince(0)).toHaveLength(sent.length);
  expect(driver.validatedCards).toBeGreaterThan(sent.length);
});

/**
 * Moves the request's expiry into the past, as if its hour had gone by: the bot's clock is the wall clock
 * (the emulator's clock does not drive it), so the stored expiry moves instead, through the store's own
 * compare-and-swap (state, data and the expiry column together, as the service writes them).
 */
async function expireNow(requestId: string): Promise<void> {
  const record = (await bot.store.requests.get<{ expiresAt: string }>(requestId))!;
  const past = new Date(Date.now() - 1_000);
  const swap = await bot.store.requests.compareAndSwap(
    requestId,
    { expectedVersion: record.version, expectedState: record.state },
    { state: record.state, data: { ...record.data, expiresAt: past.toISOString() }, expiresAt: past },
  );
  if (!swap.ok) throw new Error(`could not move the expiry of ${requestId}: ${swap.code}`);
}
