/**
 * The whole bot (startBot, as `restore-bot serve` runs it) over HTTP with the fake Bot Connector: a restore is
 * asked for and approved the way Teams sends it, and the notifier tells the approval card's thread how it
 * goes — started, and the end with its facts — for a primary restore that completes and a Cross Region
 * Restore that fails. And an approval nobody decides turns Expired everywhere, with the requester told once.
 * The emulator's clock is moved; short notifier intervals come from the environment, as an operator sets them.
 */
import { readEnv } from '../../src/config';
import { demoEnv } from '../../src/demo';
import { type RunningEmulator, startEmulator } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import { type RunningBot, startBot } from '../../src/main';
import {
  type BotCard,
  DEMO_APPROVALS_CHANNEL,
  DEMO_USERS,
  factOf,
  JourneyDriver,
  type TeamsChat,
  titleOf,
  visibleText,
} from '../bot/teams/journey-driver';
import { FakeBotConnector } from '../fakes/bot-connector';
import { fastForward } from '../restore/service/support';
import { advanceEmulator } from './support';

jest.setTimeout(60_000);

const { alex, megan, adele } = DEMO_USERS;

let emulator: RunningEmulator;
let connector: FakeBotConnector;
let bot: RunningBot;
let driver: JourneyDriver;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  connector = await new FakeBotConnector().start();
  const env = demoEnv(
    readEnv({
      PORT: '0',
      DATA_DIR: 'memory://',
      NOTIFIER_POLL_MIN_SECONDS: '0.05',
      NOTIFIER_POLL_MAX_SECONDS: '0.2',
      NOTIFIER_POLL_DOUBLING_SECONDS: '1',
      NOTIFIER_LEASE_SECONDS: '2',
    }),
    emulator.url,
  );
  bot = await startBot(env, silentLogger);
  driver = new JourneyDriver({ botUrl: bot.teams.url, connector });
});

afterAll(async () => {
  await bot?.close();
  await connector?.stop();
  await emulator?.close();
});

/** Azure's validations are operations of 2 s emulated time: the clock runs ahead while the wizard talks to it. */
async function withFastEmulator<T>(work: () => Promise<T>): Promise<T> {
  const forward = fastForward(emulator.url, 1, 50);
  try {
    return await work();
  } finally {
    await forward.stop();
  }
}

function last<T>(items: T[]): T {
  if (!items.length) throw new Error('nothing there');
  return items[items.length - 1]!;
}

/** Alex asks (a shortcut to the review, then the point if asked), Request approval: the card in the channel. */
async function requestApproval(chat: TeamsChat, shortcut: string): Promise<{ requestId: string; approval: BotCard }> {
  return withFastEmulator(async () => {
    let step = last(await chat.say(shortcut));
    if (titleOf(step.card) === 'Pick a recovery point') step = last(await chat.choose(step, ''));
    expect(titleOf(step.card)).toBe('Review the restore');
    const mark = driver.mark();
    const confirmation = last(await chat.submit(step, 'request'));
    const requestId = factOf(confirmation.card, 'Request')!;
    const [approval] = driver.threadsStartedSince(mark);
    return { requestId, approval: approval! };
  });
}

async function approve(approval: BotCard, by = megan): Promise<void> {
  await withFastEmulator(async () => {
    const answer = await driver.execute(by, approval, 'approve');
    expect(answer.status).toBe(200);
    await bot.teams.idle();
  });
}

/** Replies in the approval card's thread, as the connector received them. */
function threadReplies(approval: BotCard): BotCard[] {
  return driver.cardsSince(
    0,
    (c) => c.route === 'reply' && c.conversationId === `${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}`,
  );
}

async function replyTitled(approval: BotCard, title: RegExp): Promise<BotCard> {
  await connector.waitFor(
    (call) =>
      call.route === 'reply' &&
      call.conversationId === `${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}` &&
      (call.body?.attachments ?? []).some((a: { content: unknown }) => title.test(titleOf(a.content))),
    10_000,
  );
  return threadReplies(approval).find((c) => title.test(titleOf(c.card)))!;
}

test('a primary restore: the thread hears it started, and how it ended with the files and pg_restore', async () => {
  const { requestId, approval } = await requestApproval(driver.personalChat(alex), 'restore pg-orders-prod --latest');
  await approve(approval);
  const started = await replyTitled(approval, new RegExp(`^Restore started for ${requestId}: job /subscriptions/`));
  expect(visibleText(started.card)).toContain('https://portal.azure.com/#resource/subscriptions/');

  await advanceEmulator(emulator.url, 130);
  const end = await replyTitled(approval, new RegExp(`^Restore ${requestId} completed`));
  expect(factOf(end.card, 'Status')).toBe('Completed');
  expect(factOf(end.card, 'Server')).toBe('pg-orders-prod');
  expect(factOf(end.card, 'Duration')).toBe('2 min 00 s');
  expect(factOf(end.card, 'Data transferred')).toMatch(/ (GiB|MiB)$/);
  expect(factOf(end.card, 'Container')).toBe('https://stcontosodreus.blob.core.windows.net/pg-restores');
  expect(factOf(end.card, 'File prefix')).toMatch(new RegExp(`-${requestId}$`));
  expect(visibleText(end.card)).toContain('pg_restore --host <server>.postgres.database.azure.com');

  // Once each, in this thread only; the request is done.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const titles = threadReplies(approval).map((c) => titleOf(c.card));
  expect(titles.filter((t) => t.startsWith(`Restore started for ${requestId}`))).toHaveLength(1);
  expect(titles.filter((t) => t.startsWith(`Restore ${requestId} completed`))).toHaveLength(1);
  expect((await bot.service.get(requestId))!.state).toBe('succeeded');
  const metrics = await (await fetch(`${bot.teams.url}/metrics`)).text();
  expect(metrics).toMatch(/restore_bot_notifier_lag_seconds_count\{outcome="succeeded"\} [1-9]/);
});

test('a Cross Region Restore that fails: the error code, message and what to do, in its own thread', async () => {
  const { requestId, approval } = await requestApproval(
    driver.personalChat(alex),
    'restore pg-payments-prod --secondary',
  );
  expect(factOf(approval.card, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
  await approve(approval, adele);
  await replyTitled(approval, new RegExp(`^Restore started for ${requestId}`));

  await advanceEmulator(emulator.url, 130);
  const end = await replyTitled(approval, new RegExp(`^Restore ${requestId} failed: UserErrorMSIMissingPermissions`));
  expect(factOf(end.card, 'Status')).toBe('Failed');
  expect(factOf(end.card, 'Error code')).toBe('UserErrorMSIMissingPermissions');
  expect(visibleText(end.card)).toContain(
    "What to do: Grant the Backup vault's managed identity the Storage Blob Data Contributor role on the target storage account",
  );
  const request = (await bot.service.get(requestId))!;
  expect(request.state).toBe('failed');
  expect(request.failure).toMatchObject({ code: 'UserErrorMSIMissingPermissions' });
});

test('an approval nobody decides turns Expired on the card, and Alex is told once, without a click', async () => {
  const { requestId, approval } = await requestApproval(driver.personalChat(alex), 'restore pg-orders-prod --latest');
  await expireNow(requestId);

  const told = await replyTitled(approval, new RegExp(`^${requestId} expired without a decision`));
  expect(titleOf(told.card)).toBe(`${requestId} expired without a decision; Alex Wilber can ask again with /restore.`);
  const update = last(driver.cardsSince(0, (c) => c.route === 'update' && c.messageId === approval.messageId));
  expect(visibleText(update.card)).toMatch(/Expired at .+ UTC without a decision/);
  expect(update.card.actions ?? []).toEqual([]);
  expect((await bot.service.get(requestId))!.state).toBe('expired');

  await new Promise((resolve) => setTimeout(resolve, 500));
  const notices = threadReplies(approval).filter((c) => titleOf(c.card).startsWith(`${requestId} expired`));
  expect(notices).toHaveLength(1);
});

/** Moves the request's expiry into the past (the bot's clock is the wall clock), as the service stores it. */
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
