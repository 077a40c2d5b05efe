/**
 * Issue 7's disaster drill in Slack, over signed HTTP against the whole bot (startBot with the demo's
 * configuration): the inventory is warm, then the emulator takes eastus down (POST /_emulator/outage), and Alice
 * restores pg-orders-prod in westus from `/restore` (the modal) to the approval request in #oncall; Ada
 * approves, the bot triggers exactly one Cross Region Restore, and the notifier posts the end of the job in the
 * approval message's thread (chat.postMessage with thread_ts). A bot whose inventory never saw the vault's
 * servers says why it cannot list them and what to do.
 */
import { readEnv } from '../../../src/config';
import { demoEnv } from '../../../src/demo';
import { silentLogger } from '../../../src/log';
import { type RunningBot, startBot } from '../../../src/main';
import type { FakeSlackMessage } from '../../fakes/slack-api';
import { fastForward } from '../../restore/service/support';
import { type SlackWorld, startSlackWorld } from './harness';
import {
  BOT_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  CHANNEL,
  factOf,
  type Json,
  SECRET,
  SlackDriver,
  USERS,
  visibleText,
} from './slack-driver';

jest.setTimeout(40_000);

const { alice, approver } = USERS;
const VAULT_PATH =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus';

interface Logged {
  method: string;
  path: string;
  status: number;
}

let world: SlackWorld;
/** The emulator's restore jobs take 120 s of its time: with the harness's ticker, its clock runs 40× ours. */
let faster: { stop(): Promise<void> };
const extraBots: RunningBot[] = [];

beforeAll(async () => {
  world = await startSlackWorld();
  faster = fastForward(world.emulator.url, 3, 100);
});

afterAll(async () => {
  for (const bot of extraBots) await bot.close();
  await faster?.stop();
  await world?.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${world.emulator.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

const outage = (down: boolean) => admin('POST', 'outage', { region: 'eastus', down });

/** The point step's first option: from the options load when the list searches as one types, else the list. */
async function pickFirstPoint(driver: SlackDriver, viewId: string): Promise<void> {
  const input = driver
    .modal(viewId)
    .blocks.find((b: Json) => b.type === 'input' && /^c:point:/.test(b.element?.action_id ?? ''));
  if (input?.element.type === 'external_select') {
    const { options } = await driver.loadOptions(alice, viewId, 'point', '');
    expect(options.length).toBeGreaterThan(0);
    await driver.pick(alice, viewId, 'point', { value: options[0].value });
  } else {
    await driver.pick(alice, viewId, 'point', { label: '' });
  }
}

describe('eastus down after the inventory is warm', () => {
  let requestId: string;
  let approval: FakeSlackMessage;

  beforeAll(async () => {
    await world.bot.inventory.refresh();
    await outage(true);
    await admin('DELETE', 'requests');
  });
  afterAll(async () => {
    await outage(false);
  });

  test('Alice restores in westus from the inventory; the approval request says what is degraded', async () => {
    const { driver } = world;
    await driver.command(alice, '');
    const viewId = driver.lastModalId();
    expect(driver.headers(viewId)).toEqual(['Restore: pick a Backup vault']);

    await driver.pick(alice, viewId, 'vault', { label: 'bv-prod-eastus' });
    expect(driver.headers(viewId)).toEqual(['Where to restore', 'Pick the PostgreSQL server']);
    const serverStep = driver.text(viewId);
    expect(serverStep).toContain(
      "Answered for you: Secondary region (westus) — Cross Region Restore — The vault's region, eastus, is not answering (ServiceUnavailable); only Cross Region Restore into westus can run now",
    );
    expect(serverStep).toContain('Disaster-day mode: eastus has not been answering (ServiceUnavailable)');
    expect(serverStep).toMatch(
      /the servers of bv-prod-eastus as the bot last listed them, .+ UTC \((just now|1 minute ago)\)/,
    );
    const servers = driver
      .modal(viewId)
      .blocks.find((b: Json) => b.type === 'input' && /^c:instance:/.test(b.element?.action_id ?? ''));
    expect(servers.element.options.map((o: Json) => o.text.text)).toContainEqual(
      expect.stringMatching(/^pg-orders-prod — westus now: newest copy /),
    );

    await driver.pick(alice, viewId, 'instance', { label: 'pg-orders-prod' });
    expect(driver.headers(viewId)).toEqual(['Pick a recovery point']);
    expect(driver.text(viewId)).toContain('in westus (already replicated there)');
    await pickFirstPoint(driver, viewId);
    const review = driver.modal(viewId).blocks;
    expect(driver.headers(viewId)).toContain('Review the restore');
    expect(factOf(review, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    expect(factOf(review, 'Target')).toBe('dr-westus');
    expect(factOf(review, 'Azure validation')).toBe('Succeeded');

    const response = await driver.submit(alice, viewId, {});
    expect(JSON.parse(response.body).response_action).toBe('update');
    requestId = factOf(driver.modal(viewId).blocks, 'Request')!;
    expect(requestId).toMatch(/^R-[2-9A-Z]{4}$/);
    approval = structuredClone(driver.approvalMessage(CHANNEL));
    expect(factOf(approval.blocks as Json[], 'Request')).toBe(requestId);
    expect(visibleText(approval.blocks as Json[])).toMatch(
      /Degraded: eastus, the region of bv-prod-eastus, is not answering \(ServiceUnavailable\)\. The vault's settings come from the bot's inventory as of /,
    );
  });

  test("Ada's approval triggers exactly one Cross Region Restore, in westus; the start is posted in the thread", async () => {
    const { driver, fake, emulatorRequests } = world;
    const { response } = await driver.clickMessage(approver, approval, 'Approve');
    expect(response.status).toBe(200);
    expect(visibleText(fake.message(CHANNEL, approval.ts)!.blocks as Json[])).toMatch(/Approved by Ada Approver at /);

    const requests = (await emulatorRequests()) as Logged[];
    const triggers = requests.filter((r) => r.method === 'POST' && /\/(restore|crossRegionRestore)$/.test(r.path));
    expect(triggers.map((t) => [t.path.replace(/^.*\/locations\//, ''), t.status])).toEqual([
      ['westus/crossRegionRestore', 202],
    ]);
    // eastus was asked for the vault when it was picked (the client's retries of that one read); nothing after
    // the first call to westus waited on eastus again.
    const failed = requests.filter((r) => r.status === 503);
    expect(new Set(failed.map((r) => r.path))).toEqual(new Set([VAULT_PATH]));
    const firstWestus = requests.findIndex((r) => r.path.includes('/locations/westus/'));
    expect(requests.slice(firstWestus).filter((r) => r.status === 503)).toEqual([]);

    const started = await fake.waitFor(
      'chat.postMessage',
      (c) => c.args.thread_ts === approval.ts && String(c.args.text).startsWith(`Restore started for ${requestId}`),
      15_000,
    );
    expect(started.args.channel).toBe(CHANNEL);
  });

  test('the end of the job is posted in the approval thread, read from westus', async () => {
    const { fake, emulatorRequests } = world;
    const done = await fake.waitFor(
      'chat.postMessage',
      (c) => c.args.thread_ts === approval.ts && new RegExp(`^Restore ${requestId} completed`).test(c.args.text),
      25_000,
    );
    expect(done.answer?.ok).toBe(true);
    expect(fake.thread(CHANNEL, approval.ts).map((m) => m.text)).toContainEqual(
      expect.stringMatching(new RegExp(`^Restore ${requestId} completed`)),
    );
    // Nowhere else: no response_url, no ephemeral, no other channel.
    expect(fake.calls.filter((c) => c.method === 'response_url')).toEqual([]);
    const jobReads = ((await emulatorRequests()) as Logged[]).filter((r) => /fetchCrossRegionRestoreJob/.test(r.path));
    expect(jobReads.length).toBeGreaterThan(0);
    expect(jobReads.every((r) => r.path.includes('/locations/westus/') && r.status === 200)).toBe(true);
  });
});

test('with a cold inventory the bot says why it cannot list the servers and what to do', async () => {
  await outage(true);
  try {
    // A second bot started during the outage, on its own empty store: its first refresh lists the vaults (ARM
    // answers that) but no eastus servers.
    const env = demoEnv(
      readEnv({
        PORT: '0',
        DATA_DIR: 'memory://',
        SLACK_PORT: '0',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: world.fake.url,
        SLACK_BOT_USER_ID: BOT_USER_ID,
        SLACK_BOT_ID: BOT_ID,
      }),
      world.emulator.url,
    );
    const bot = await startBot(env, silentLogger);
    extraBots.push(bot);
    await bot.inventory.refresh();
    const slack = bot.slack!;
    const driver = new SlackDriver({
      eventsUrl: `${slack.url}/slack/events`,
      fake: world.fake,
      idle: () => slack.idle(),
    });
    await driver.command(alice, '');
    const viewId = driver.lastModalId();
    await driver.pick(alice, viewId, 'vault', { label: 'bv-prod-eastus' });
    const text = driver.text(viewId);
    expect(text).toContain('INVENTORY_COLD');
    expect(text).toContain(
      'eastus, the region of bv-prod-eastus, is not answering (ServiceUnavailable), and the bot has never stored the list of servers that vault protects, so it has no backup instance ids to restore with',
    );
    expect(text).toContain('What you can do now: restore in the Azure portal');
    for (const e of driver.exchanges)
      expect({ kind: e.kind, status: e.status, fast: e.ms < 1_000 }).toEqual({
        kind: e.kind,
        status: 200,
        fast: true,
      });
  } finally {
    await outage(false);
  }
});

test('every modal and message of the drill passes the Block Kit validator; every ack beat its deadline', () => {
  expect(world.driver.assertEverythingValid()).toBeGreaterThan(8);
  // Acks come before any work (1 s is a wide margin); an options load answers with its options, within 3 s.
  for (const e of world.driver.exchanges) {
    const limit = e.kind === 'block_suggestion' ? 3_000 : 1_000;
    expect({ kind: e.kind, inTime: e.ms < limit }).toEqual({ kind: e.kind, inTime: true });
  }
});
