/**
 * Issue 7.5, the disaster drill in Teams over HTTP, against the whole bot (startBot with the demo's env): the
 * inventory is warm, then the emulator takes eastus down (POST /_emulator/outage), and Alex restores
 * pg-orders-prod in westus from `restore` to the approval, Megan approves, the bot triggers exactly one Cross
 * Region Restore, and the end of the job is posted in the approval thread. A bot whose inventory never saw
 * the vault's servers says why it cannot list them and what to do.
 */
import { readEnv } from '../../../src/config';
import { demoEnv } from '../../../src/demo';
import { type RunningEmulator, startEmulator } from '../../../src/emulator';
import { silentLogger } from '../../../src/log';
import { type RunningBot, startBot } from '../../../src/main';
import { FakeBotConnector } from '../../fakes/bot-connector';
import { fastForward, waitFor } from '../../restore/service/support';
import {
  type BotCard,
  DEMO_APPROVALS_CHANNEL,
  DEMO_USERS,
  factOf,
  JourneyDriver,
  titleOf,
  visibleText,
} from './journey-driver';

jest.setTimeout(60_000);

const { alex, megan } = DEMO_USERS;
const VAULT_PATH =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus';

let emulator: RunningEmulator;
let forward: { stop(): Promise<void> };
let connector: FakeBotConnector;
const bots: RunningBot[] = [];

interface Logged {
  method: string;
  path: string;
  status: number;
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

async function emulatorRequests(): Promise<Logged[]> {
  return ((await admin('GET', 'requests')) as { requests: Logged[] }).requests;
}

async function newBot(): Promise<{ bot: RunningBot; driver: JourneyDriver }> {
  const env = demoEnv(
    readEnv({ PORT: '0', DATA_DIR: 'memory://', NOTIFIER_POLL_MIN_SECONDS: '1', NOTIFIER_POLL_MAX_SECONDS: '2' }),
    emulator.url,
  );
  const bot = await startBot(env, silentLogger);
  bots.push(bot);
  return { bot, driver: new JourneyDriver({ botUrl: bot.teams.url, connector }) };
}

function last<T>(items: T[]): T {
  if (!items.length) throw new Error('nothing there');
  return items[items.length - 1]!;
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  // The emulator's operations take 2 s of its time and its restore jobs 120 s: running its clock ahead keeps
  // the drill to seconds.
  forward = fastForward(emulator.url, 4, 100);
  connector = await new FakeBotConnector().start();
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  await connector?.stop();
  await forward?.stop();
  await emulator?.close();
});

describe('eastus down after the inventory is warm', () => {
  let bot: RunningBot;
  let driver: JourneyDriver;
  let requestId: string;
  let approval: BotCard;

  beforeAll(async () => {
    ({ bot, driver } = await newBot());
    await bot.inventory.refresh();
    await admin('POST', 'outage', { region: 'eastus', down: true });
    await admin('DELETE', 'requests');
  });
  afterAll(async () => {
    await admin('POST', 'outage', { region: 'eastus', down: false });
  });

  test('Alex restores in westus from the inventory; the approval card says what is degraded', async () => {
    const chat = driver.personalChat(alex);
    const [vaultStep] = await chat.say('restore');
    expect(titleOf(vaultStep!.card)).toBe('Restore: pick a Backup vault');

    const [regionCard, serverStep] = await chat.choose(vaultStep!, 'bv-prod-eastus');
    expect(visibleText(regionCard!.card)).toContain(
      "Answered for you: Secondary region (westus) — Cross Region Restore — The vault's region, eastus, is not answering (ServiceUnavailable); only Cross Region Restore into westus can run now",
    );
    expect(titleOf(serverStep!.card)).toBe('Pick the PostgreSQL server');
    const serverText = visibleText(serverStep!.card);
    expect(serverText).toContain('Disaster-day mode: eastus has not been answering (ServiceUnavailable)');
    expect(serverText).toMatch(
      /the servers of bv-prod-eastus as the bot last listed them, .+ UTC \((just now|1 minute ago)\)/,
    );
    expect(serverText).toMatch(/pg-orders-prod — westus now: newest copy /);

    const [pointStep] = await chat.choose(serverStep!, 'pg-orders-prod');
    expect(visibleText(pointStep!.card)).toContain('in westus (already replicated there)');
    const steps = await chat.choose(pointStep!, '');
    const review = last(steps);
    expect(titleOf(review.card)).toBe('Review the restore');
    expect(factOf(review.card, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    expect(factOf(review.card, 'Target')).toBe('dr-westus');
    expect(factOf(review.card, 'Azure validation')).toBe('Succeeded');

    const mark = driver.mark();
    const [confirmation] = await chat.submit(review, 'request');
    requestId = factOf(confirmation!.card, 'Request')!;
    expect(requestId).toMatch(/^R-[2-9A-Z]{4}$/);
    const posted = driver.threadsStartedSince(mark);
    expect(posted).toHaveLength(1);
    approval = posted[0]!;
    expect(approval.call.body.channelData.channel.id).toBe(DEMO_APPROVALS_CHANNEL);
    expect(visibleText(approval.card)).toMatch(
      /Degraded: eastus, the region of bv-prod-eastus, is not answering \(ServiceUnavailable\)\. The vault's settings come from the bot's inventory as of /,
    );
  });

  test("Megan's approval triggers exactly one Cross Region Restore, in westus", async () => {
    const mark = driver.mark();
    const answer = await driver.execute(megan, approval, 'approve');
    expect(answer.text).toMatch(/Approved by Megan Bowen/);
    await bot.teams.idle();

    const requests = await emulatorRequests();
    const triggers = requests.filter((r) => r.method === 'POST' && /\/(restore|crossRegionRestore)$/.test(r.path));
    expect(triggers.map((t) => [t.path.replace(/^.*\/locations\//, ''), t.status])).toEqual([
      ['westus/crossRegionRestore', 202],
    ]);
    // eastus was asked for the vault once, when it was picked (the client's retries of that one read);
    // nothing after the first call to westus waited on eastus again.
    const failed = requests.filter((r) => r.status === 503);
    expect(new Set(failed.map((r) => r.path))).toEqual(new Set([VAULT_PATH]));
    const firstWestus = requests.findIndex((r) => r.path.includes('/locations/westus/'));
    expect(requests.slice(firstWestus).filter((r) => r.status === 503)).toEqual([]);
    const started = await waitFor('the "restore started" reply', async () =>
      driver
        .cardsSince(mark, (c) => c.route === 'reply' && c.conversationId.startsWith(DEMO_APPROVALS_CHANNEL))
        .find((c) => titleOf(c.card).startsWith(`Restore started for ${requestId}`)),
    );
    expect(started.conversationId).toBe(`${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}`);
  });

  test('the end of the job is posted in the approval thread, read from westus', async () => {
    const done = await waitFor(
      'the completion post',
      async () =>
        driver
          .cardsSince(0, (c) => c.route === 'reply' && c.conversationId.startsWith(DEMO_APPROVALS_CHANNEL))
          .find((c) => new RegExp(`^Restore ${requestId} completed`).test(titleOf(c.card))),
      30_000,
    );
    expect(done.conversationId).toBe(`${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}`);
    const jobReads = (await emulatorRequests()).filter((r) => /fetchCrossRegionRestoreJob/.test(r.path));
    expect(jobReads.length).toBeGreaterThan(0);
    expect(jobReads.every((r) => r.path.includes('/locations/westus/') && r.status === 200)).toBe(true);
  });
});

test('with a cold inventory the bot says why it cannot list the servers and what to do', async () => {
  await admin('POST', 'outage', { region: 'eastus', down: true });
  try {
    // Started during the outage: its first refresh lists the vaults (ARM answers that) but no eastus servers.
    const { bot, driver } = await newBot();
    await bot.inventory.refresh();
    const chat = driver.personalChat(alex);
    const [vaultStep] = await chat.say('restore');
    const answer = last(await chat.choose(vaultStep!, 'bv-prod-eastus'));
    const text = visibleText(answer.card);
    expect(text).toContain('INVENTORY_COLD');
    expect(text).toContain(
      'eastus, the region of bv-prod-eastus, is not answering (ServiceUnavailable), and the bot has never stored the list of servers that vault protects, so it has no backup instance ids to restore with',
    );
    expect(text).toContain('What you can do now: restore in the Azure portal');
  } finally {
    await admin('POST', 'outage', { region: 'eastus', down: false });
  }
});
