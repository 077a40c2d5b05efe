import { buildDemoSeed } from '../../../src/emulator';
import { postSigned, signSlackRequest, slashCommandBody } from '../../fakes/slack-signer';
import { logsWith, type SlackWorld, startSlackWorld } from './harness';
import { buttonLabels, CHANNEL, factOf, type Json, SECRET, USERS, visibleText } from './slack-driver';

jest.setTimeout(60_000);

const { alice, approver } = USERS;

let world: SlackWorld;
let eventsUrl: string;

beforeAll(async () => {
  world = await startSlackWorld({ seed: buildDemoSeed() });
  eventsUrl = `${world.bot.slack!.url}/slack/events`;
  await world.bot.inventory.refresh();
});

afterAll(async () => {
  await world?.close();
});

describe('requests Slack did not sign, or signed at the wrong time, are refused with 401', () => {
  const body = () =>
    slashCommandBody({ team_id: 'T0DEMO', channel_id: CHANNEL, user_id: alice.id, trigger_id: world.fake.triggerId() });
  const now = () => Math.floor(Date.now() / 1000);

  test.each([
    [
      'unsigned',
      async (b: string) =>
        fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: b }),
    ],
    ['signed with another secret', (b: string) => postSigned(eventsUrl, b, { secret: 'not-the-secret' })],
    [
      'signed 6 minutes ago (stale)',
      (b: string) => postSigned(eventsUrl, b, { secret: SECRET, timestamp: now() - 360 }),
    ],
    [
      'signed 6 minutes in the future',
      (b: string) => postSigned(eventsUrl, b, { secret: SECRET, timestamp: now() + 360 }),
    ],
  ])('%s: 401, and nothing reaches Slack or Azure', async (_name, send) => {
    await fetch(`${world.emulator.url}/_emulator/requests`, { method: 'DELETE' });
    const slackCalls = world.fake.calls.length;
    const response = await send(body());
    expect(response.status).toBe(401);
    await world.bot.slack!.idle();
    expect(world.fake.calls.slice(slackCalls)).toEqual([]);
    expect(await world.emulatorRequests()).toEqual([]);
  });

  test('a tampered body fails the signature it was signed with', async () => {
    const signed = body();
    const headers = signSlackRequest(SECRET, signed);
    const response = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: signed.replace('text=', 'text=vaults'),
    });
    expect(response.status).toBe(401);
  });

  test('a clock a few minutes ahead is still accepted (within 5 minutes)', async () => {
    const response = await postSigned(
      eventsUrl,
      slashCommandBody({
        text: 'help',
        team_id: 'T0DEMO',
        channel_id: CHANNEL,
        user_id: alice.id,
        trigger_id: world.fake.triggerId(),
      }),
      {
        secret: SECRET,
        timestamp: now() + 240,
      },
    );
    expect(response.status).toBe(200);
    await world.bot.slack!.idle();
    // Only the request 6 minutes ahead was refused for its timestamp.
    expect(logsWith(world.logLines, '5 minutes in the future')).toHaveLength(1);
  });
});

describe('Slack API errors are told to the person and logged; the process goes on', () => {
  test('expired_trigger_id: no modal, so the wizard answers with ephemeral messages in the channel', async () => {
    const { driver, fake } = world;
    fake.fail('views.open', { error: 'expired_trigger_id' });
    const mark = fake.calls.length;
    const { response } = await driver.command(alice, '');
    expect(response.status).toBe(200);
    const ephemerals = fake.calls.slice(mark).filter((c) => c.method === 'chat.postEphemeral');
    const first = ephemerals[0]!;
    expect(first.args.user).toBe(alice.id);
    expect(first.args.channel).toBe(CHANNEL);
    expect(visibleText(first.args.blocks)).toContain('Restore: pick a Backup vault');
    expect(visibleText(first.args.blocks)).toContain('I could not open a private chat with you');
    const logged = logsWith(world.logLines, 'could not open a modal');
    expect(logged.at(-1)).toMatchObject({ level: 'warn', code: 'SLACK_EXPIRED_TRIGGER_ID', channel: CHANNEL });

    // The ephemeral wizard still works by clicks: the vault pick answers with the next step.
    const next = fake.calls.length;
    await driver.pickInMessage(alice, { channel: CHANNEL, blocks: first.args.blocks }, 'vault', 'bv-dev-eastus2');
    const answer = fake.calls.slice(next).filter((c) => c.method === 'chat.postEphemeral' && c.args.user === alice.id);
    expect(answer.map((c) => visibleText(c.args.blocks)).join('\n')).toContain('Primary region (eastus2)');
  });

  test('channel_not_found on the approval post: the requester is told in the modal, and the request withdrawn', async () => {
    const { driver, fake, bot } = world;
    await driver.command(alice, 'pg-orders-prod --latest');
    const viewId = driver.lastModalId();
    expect(driver.headers(viewId)).toContain('Review the restore');
    fake.fail('chat.postMessage', { error: 'channel_not_found' });
    await driver.submit(alice, viewId, {});
    const text = driver.text(viewId);
    expect(text).toContain('could not be posted');
    expect(text).toContain('channel_not_found');
    expect(text).toContain('Error code: APPROVAL_POST_FAILED');
    const withdrawn = logsWith(world.logLines, 'approval request could not be posted');
    expect(withdrawn.at(-1)).toMatchObject({ code: 'SLACK_CHANNEL_NOT_FOUND' });
    const requestId = String(withdrawn.at(-1)!.requestId);
    expect((await bot.service.get(requestId))!.state).toBe('cancelled');
  });

  test('ratelimited on chat.update: retried after Retry-After, and the update lands once', async () => {
    const { driver, fake } = world;
    await driver.command(alice, 'pg-orders-prod --latest');
    await driver.submit(alice, driver.lastModalId(), {});
    const approval = structuredClone(driver.approvalMessage());
    fake.rateLimit('chat.update', { retryAfterSeconds: 1 });
    const mark = fake.calls.length;
    await driver.clickMessage(approver, approval, 'Approve');
    const updates = fake.calls.slice(mark).filter((c) => c.method === 'chat.update');
    expect(updates[0]!.status).toBe(429);
    expect(updates[1]!.status).toBe(200);
    expect(updates[1]!.at - updates[0]!.at).toBeGreaterThanOrEqual(900);
    expect(updates[1]!.args.blocks).toEqual(updates[0]!.args.blocks);
    expect(updates.filter((c) => c.status === 429)).toHaveLength(1);
    expect(buttonLabels(fake.message(CHANNEL, approval.ts)!.blocks as Json[])).toEqual([]);
    expect(logsWith(world.logLines, 'rate limited').at(-1)).toMatchObject({
      method: 'chat.update',
      retryAfterMs: 1000,
    });
    expect(factOf(fake.message(CHANNEL, approval.ts)!.blocks as Json[], 'Request')).toBeDefined();
  });
});

test('/readyz reports the Slack endpoint, and /metrics counts its requests and ack times', async () => {
  const ready = await fetch(`${world.bot.teams.url}/readyz`);
  expect(ready.status).toBe(200);
  const body = (await ready.json()) as { slack: { status: string; detail: string } };
  expect(body.slack.status).toBe('ok');
  expect(body.slack.detail).toBe(`HTTP on ${eventsUrl}`);
  const metrics = await (await fetch(`${world.bot.teams.url}/metrics`)).text();
  expect(metrics).toMatch(/restore_bot_ack_seconds_count\{channel="slack",kind="command"\} [1-9]/);
  expect(metrics).toMatch(/restore_bot_requests_total\{channel="slack",outcome="unauthorized"\} 1/);
});
