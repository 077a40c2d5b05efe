import type { FakeSlackMessage } from '../../fakes/slack-api';
import { DEMO_USERS, JourneyDriver, factOf as teamsFact } from '../teams/journey-driver';
import { type SlackWorld, startSlackWorld } from './harness';
import { buttonLabels, CHANNEL, DBA_GROUP, factOf, type Json, USERS, visibleText } from './slack-driver';

jest.setTimeout(60_000);

const { alice, approver, dba, stranger } = USERS;

let world: SlackWorld;
/** The request of the primary journey (asked and approved by clicks), compared with Teams at the end. */
let primaryRequestId: string;

beforeAll(async () => {
  world = await startSlackWorld();
});

afterAll(async () => {
  await world?.close();
});

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return items[0]!;
}

describe('the primary journey, by clicks in a modal', () => {
  let viewId: string;
  let requestId: string;
  let approval: FakeSlackMessage;

  test('/restore opens a loading modal at once, then shows the vaults in it', async () => {
    const { driver, fake } = world;
    const { response, triggerId } = await driver.command(alice, '');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    const open = only(fake.callsTo('views.open'), 'views.open');
    expect(open.args.trigger_id).toBe(triggerId);
    expect(visibleText(open.args.view.blocks)).toContain('Loading');
    viewId = driver.lastModalId();
    expect(driver.headers(viewId)).toEqual(['Restore: pick a Backup vault']);
    const vaults = driver.modal(viewId).blocks.find((b: Json) => b.type === 'input');
    expect(vaults.element.type).toBe('static_select');
    expect(vaults.dispatch_action).toBe(true);
    const labels: string[] = vaults.element.options.map((o: Json) => o.text.text);
    expect(labels.some((l) => l.startsWith('bv-prod-eastus — eastus · GeoRedundant · CRR Enabled'))).toBe(true);
    for (const o of vaults.element.options) expect(o.value.length).toBeLessThanOrEqual(75);
  });

  test('one click per step: vault, region, server; the recovery point list searches as Alice types', async () => {
    const { driver, emulatorRequests } = world;
    await driver.pick(alice, viewId, 'vault', { label: 'bv-prod-eastus' });
    expect(driver.headers(viewId)).toEqual(['Where to restore']);
    await driver.pick(alice, viewId, 'region', { label: 'Primary region (eastus)' });
    expect(driver.headers(viewId)).toEqual(['Pick the PostgreSQL server']);
    await driver.pick(alice, viewId, 'instance', { label: 'pg-orders-prod' });
    expect(driver.headers(viewId)).toEqual(['Pick a recovery point']);
    const list = driver
      .modal(viewId)
      .blocks.find((b: Json) => b.type === 'input' && b.element.type === 'external_select');
    expect(list.element.min_query_length).toBe(0);

    const newest = await driver.loadOptions(alice, viewId, 'point', '');
    expect(newest.response.status).toBe(200);
    expect(newest.options).toHaveLength(100);
    expect(newest.options[0].text.text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(1 day ago\)/);
    const times = newest.options.map((o: Json) => o.text.text.slice(0, 16));
    expect([...times].sort().reverse()).toEqual(times);

    await fetch(`${world.emulator.url}/_emulator/requests`, { method: 'DELETE' });
    const typed = await driver.loadOptions(alice, viewId, 'point', '2026-11-20');
    expect(typed.options.length).toBeGreaterThan(0);
    expect(typed.options.length).toBeLessThanOrEqual(100);
    // Read in Alice's zone (Europe/Berlin): 2026-11-20 12:00 local is 11:00 UTC; points are hourly, so the
    // newest at or before it is within the hour before.
    expect(typed.options[0].text.text).toMatch(/^2026-11-20 1[01]:\d\d UTC/);
    expect(typed.options[0].text.text.slice(0, 16) >= '2026-11-20 10:00').toBe(true);
    for (const o of typed.options) expect(o.text.text.slice(0, 16) <= '2026-11-20 11:00').toBe(true);
    for (const o of typed.options) expect(o.value).not.toContain('/subscriptions/');
    // Found through the API's time filter, never a full listing of the 10 000 points.
    const lists = (await emulatorRequests()).filter((r) => r.path.endsWith('/recoveryPoints'));
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.length).toBeLessThanOrEqual(4);
    for (const l of lists) expect(decodeURIComponent(l.query)).toContain('endDate');
  });

  test('submitting without a recovery point is answered with the error in the ack', async () => {
    const { driver } = world;
    const response = await driver.submit(alice, viewId, {});
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.response_action).toBe('errors');
    const [blockId] = Object.keys(body.errors);
    const pointBlock = driver.modal(viewId).blocks.find((b: Json) => b.block_id === blockId);
    expect(pointBlock.element.type).toBe('external_select');
    expect(driver.headers(viewId)).toEqual(['Pick a recovery point']);
  });

  test('a point picked from the typed search leads to the review (the only target answered for her)', async () => {
    const { driver } = world;
    const typed = await driver.loadOptions(alice, viewId, 'point', '2026-11-20');
    await driver.pick(alice, viewId, 'point', { value: typed.options[0].value });
    const blocks = driver.modal(viewId).blocks;
    expect(driver.headers(viewId)).toEqual(['Pick a restore target', 'Review the restore']);
    expect(visibleText(blocks)).toContain('Answered for you: dr-eastus');
    expect(factOf(blocks, 'Server')).toBe('pg-orders-prod');
    expect(factOf(blocks, 'Recovery point')).toMatch(/^2026-11-20 1[01]:\d\d UTC/);
    expect(factOf(blocks, 'Azure validation')).toBe('Succeeded');
    expect(driver.modal(viewId).submit.text).toBe('Request approval');
    expect(buttonLabels(blocks)).toEqual(['Back', 'Cancel']);
  });

  test('Request approval posts the request in C0ONCALL with Approve and Reject', async () => {
    const { driver, restoreTriggers } = world;
    const response = await driver.submit(alice, viewId, {});
    expect(JSON.parse(response.body).response_action).toBe('update');
    const confirmation = driver.modal(viewId).blocks;
    expect(driver.headers(viewId)[0]).toMatch(/^Approval requested: R-[2-9A-Z]{4}$/);
    requestId = factOf(confirmation, 'Request')!;
    primaryRequestId = requestId;
    approval = structuredClone(driver.approvalMessage(CHANNEL));
    expect(factOf(approval.blocks as Json[], 'Request')).toBe(requestId);
    expect(factOf(approval.blocks as Json[], 'Requested by')).toBe('Alice Requester');
    expect(buttonLabels(approval.blocks as Json[])).toEqual(['Approve', 'Reject']);
    for (const button of (approval.blocks as Json[]).flatMap((b) => b.elements ?? [])) {
      if (button.type !== 'button') continue;
      const value = JSON.parse(button.value);
      expect(
        Object.keys(value)
          .filter((k) => k !== '_ask')
          .sort(),
      ).toEqual(['action', 'nonce', 'requestId']);
    }
    expect(await restoreTriggers()).toEqual([]);
  });

  test('Alice cannot approve her own request, nor can a stranger: each hears why, privately', async () => {
    const { driver, fake, bot } = world;
    const mark = fake.calls.length;
    await driver.clickMessage(alice, approval, 'Approve');
    expect(driver.ephemeralsTo(alice, mark).join('\n')).toContain(
      `You asked for ${requestId}, so you cannot approve or reject it`,
    );
    await driver.clickMessage(stranger, approval, 'Approve');
    expect(driver.ephemeralsTo(stranger, mark).join('\n')).toContain(`You are not an approver for ${requestId}`);
    expect(fake.calls.slice(mark).filter((c) => c.method === 'chat.update')).toEqual([]);
    expect((await bot.service.get(requestId))!.state).toBe('awaiting_approval');
  });

  test('a member of S0DBAS approves: the message loses its buttons for everyone; one restore starts', async () => {
    const { driver, fake, restoreTriggers } = world;
    const { response, payload } = await driver.clickMessage(dba, approval, 'Approve');
    expect(response.status).toBe(200);
    // S0DBAS was read once (for the stranger's click) and kept: Dan is a member without another call.
    expect(fake.callsTo('usergroups.users.list').map((c) => c.args.usergroup)).toEqual([DBA_GROUP]);
    const updated = fake.message(CHANNEL, approval.ts)!;
    expect(buttonLabels(updated.blocks as Json[])).toEqual([]);
    expect(visibleText(updated.blocks as Json[])).toMatch(/Approved by Dan Dba at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const triggers = await restoreTriggers();
    expect(triggers).toHaveLength(1);
    expect(triggers[0]!.path).toMatch(/backupInstances\/pg-orders-prod-[^/]+\/restore$/);
    // The notifier follows the job into the request's thread (chat.postMessage with thread_ts, never a
    // response_url), carrying its idempotency key as message metadata.
    const started = await fake.waitFor(
      'chat.postMessage',
      (c) => c.args.thread_ts === approval.ts && String(c.args.text).includes(`Restore started for ${requestId}`),
      15_000,
    );
    expect(started.args.metadata?.event_type).toBe('restore_bot_post');
    expect(fake.calls.filter((c) => c.method === 'response_url')).toEqual([]);

    // Slack redelivers the same click (X-Slack-Retry-Num), and Dan clicks again: nothing changes twice.
    const before = fake.calls.length;
    await driver.clickMessage(dba, approval, 'Approve', { payload, retryNum: 1 });
    expect(fake.calls.slice(before)).toEqual([]);
    const again = fake.calls.length;
    await driver.clickMessage(dba, approval, 'Approve');
    expect(driver.ephemeralsTo(dba, again).join('\n')).toContain(`You already approved ${requestId}`);
    expect(fake.calls.slice(again).filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(await restoreTriggers()).toHaveLength(1);
  });
});

describe('the secondary region journey', () => {
  test('pg-payments-prod in westus goes through Cross Region Restore once Ada approves', async () => {
    const { driver, fake, restoreTriggers } = world;
    await driver.command(alice, 'pg-payments-prod --secondary');
    const viewId = driver.lastModalId();
    expect(driver.headers(viewId)).toEqual(['Pick a recovery point']);
    expect(driver.text(viewId)).toContain('in westus (already replicated there)');
    const { options } = await driver.loadOptions(alice, viewId, 'point', '');
    expect(options.length).toBeGreaterThan(0);
    expect(options.length).toBeLessThanOrEqual(12);
    await driver.pick(alice, viewId, 'point', { value: options[0].value });
    const review = driver.modal(viewId).blocks;
    expect(factOf(review, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    expect(factOf(review, 'Target')).toBe('dr-westus');
    expect(factOf(review, 'Azure validation')).toBe('Succeeded');
    await driver.submit(alice, viewId, {});
    const approval = driver.approvalMessage();
    expect(factOf(approval.blocks as Json[], 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    const before = (await restoreTriggers()).length;
    await driver.clickMessage(approver, approval, 'Approve');
    expect(visibleText(fake.message(CHANNEL, approval.ts)!.blocks as Json[])).toMatch(/Approved by Ada Approver at /);
    const crr = (await restoreTriggers()).slice(before);
    expect(crr).toHaveLength(1);
    expect(crr[0]!.path).toMatch(/\/locations\/westus\/crossRegionRestore$/);
  });
});

describe('reject asks for a reason', () => {
  test('Reject opens a small modal; an empty reason is refused in the ack; with one, the message says why', async () => {
    const { driver, fake, bot, restoreTriggers } = world;
    await driver.command(alice, 'pg-orders-prod --latest');
    const viewId = driver.lastModalId();
    expect(driver.headers(viewId)).toContain('Review the restore');
    await driver.submit(alice, viewId, {});
    const requestId = factOf(driver.modal(viewId).blocks, 'Request')!;
    const approval = driver.approvalMessage();
    const before = (await restoreTriggers()).length;

    const opened = fake.callsTo('views.open').length;
    await driver.clickMessage(approver, approval, 'Reject');
    expect(fake.callsTo('views.open')).toHaveLength(opened + 1);
    const askId = driver.lastModalId();
    expect(driver.modal(askId).title.text).toBe('Reject');
    expect(visibleText(driver.modal(askId).blocks)).toContain('Reason for rejecting');

    const empty = await driver.submit(approver, askId, { reason: '   ' });
    expect(JSON.parse(empty.body).response_action).toBe('errors');
    expect((await bot.service.get(requestId))!.state).toBe('awaiting_approval');

    const done = await driver.submit(approver, askId, { reason: 'Wrong server, use the replica' });
    expect(done.body).toBe('');
    expect((await bot.service.get(requestId))!.state).toBe('rejected');
    const updated = fake.message(CHANNEL, approval.ts)!;
    expect(buttonLabels(updated.blocks as Json[])).toEqual([]);
    expect(visibleText(updated.blocks as Json[])).toMatch(
      /Rejected by Ada Approver at .+ UTC: Wrong server, use the replica/,
    );
    const replies = fake.thread(CHANNEL, approval.ts).filter((m) => m.ts !== approval.ts);
    expect(replies.map((m) => m.text).join('\n')).toContain(
      `${requestId} was rejected by Ada Approver: Wrong server, use the replica`,
    );
    expect(await restoreTriggers()).toHaveLength(before);
  });
});

describe('a redelivered slash command', () => {
  test('X-Slack-Retry-Num with the same trigger opens no second modal and says nothing twice', async () => {
    const { driver, fake } = world;
    const { body } = await driver.command(alice, 'help');
    const viewId = driver.lastModalId();
    expect(driver.headers(viewId)[0]).toMatch(/restore/i);
    const mark = fake.calls.length;
    const again = await driver.send('command', body, { retryNum: 1 });
    expect(again.status).toBe(200);
    await world.bot.slack!.idle();
    expect(fake.calls.slice(mark)).toEqual([]);
  });
});

describe('the same request in Teams and in Slack', () => {
  test('leaves the same audit trail: event types in the same order', async () => {
    const { bot, connector } = world;
    // Teams: Alex asks for the same restore in his 1:1 chat; the clicks follow the Slack journey's: the
    // requester, then a stranger, are refused; an approver approves, and clicks again.
    const teams = new JourneyDriver({ botUrl: bot.teams.url, connector });
    const chat = teams.personalChat(DEMO_USERS.alex);
    const review = (await chat.say('restore pg-orders-prod --latest')).slice(-1)[0]!;
    const mark = teams.mark();
    const [confirmation] = await chat.submit(review, 'request');
    const teamsRequest = teamsFact(confirmation!.card, 'Request')!;
    const card = only(teams.threadsStartedSince(mark), 'Teams approval card');
    await teams.execute(DEMO_USERS.alex, card, 'approve');
    await teams.execute(DEMO_USERS.isaiah, card, 'approve');
    await teams.execute(DEMO_USERS.megan, card, 'approve');
    await bot.teams.idle();
    await teams.execute(DEMO_USERS.megan, card, 'approve');

    const types = async (id: string) => (await bot.store.auditRows.forRequest(id)).map((r) => r.type);
    const slackTypes = await types(primaryRequestId);
    const teamsTypes = await types(teamsRequest);
    // The notifier's follow-ups land on their own schedule; everything up to the trigger is the click's.
    const throughTrigger = (t: string[]) => t.slice(0, t.indexOf('triggered') + 1);
    expect(throughTrigger(slackTypes)).toEqual([
      'request_created',
      'validated',
      'permission_denied',
      'permission_denied',
      'approved',
      'trigger_started',
      'triggered',
    ]);
    expect(throughTrigger(teamsTypes)).toEqual(throughTrigger(slackTypes));
    const rows = await bot.store.auditRows.forRequest(primaryRequestId);
    expect(rows.every((r) => r.channel === 'slack' || r.channel === 'system')).toBe(true);
  });
});

describe('acks stay fast while Azure is slow', () => {
  test('every request is acked within 1 s, and options loads within 2.5 s, with the emulator answering 300 ms late', async () => {
    const { driver, emulator } = world;
    const faults = `${emulator.url}/_emulator/faults`;
    const rules = [{ pathPattern: '.*', latencyMs: 300 }];
    await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
    try {
      const mark = driver.exchanges.length;
      await driver.command(alice, '');
      const viewId = driver.lastModalId();
      // A vault without Cross Region Restore and with one server: region and server are answered for Alice.
      await driver.pick(alice, viewId, 'vault', { label: 'bv-dev-eastus2' });
      expect(driver.headers(viewId)).toEqual([
        'Where to restore',
        'Pick the PostgreSQL server',
        'Pick a recovery point',
      ]);
      const newest = await driver.loadOptions(alice, viewId, 'point', '');
      expect(newest.options).toHaveLength(100);
      const typed = await driver.loadOptions(alice, viewId, 'point', '2026-11-20');
      expect(typed.options.length).toBeGreaterThan(0);
      const missing = await driver.submit(alice, viewId, {});
      expect(JSON.parse(missing.body).response_action).toBe('errors');
      const exchanges = driver.exchanges.slice(mark);
      expect(exchanges.map((e) => e.kind)).toEqual([
        'command',
        'block_actions',
        'block_suggestion',
        'block_suggestion',
        'view_submission',
      ]);
      for (const e of exchanges) expect({ kind: e.kind, fast: inTime(e) }).toEqual({ kind: e.kind, fast: true });
    } finally {
      await fetch(faults, { method: 'DELETE' });
    }
    // And every request of this file's journeys.
    for (const e of driver.exchanges) expect({ kind: e.kind, ms: inTime(e) }).toEqual({ kind: e.kind, ms: true });
  });
});

/**
 * Acks come before any work: under 1 s. An options load must carry its options, so it waits for Azure (300 ms
 * a call here): it only has to beat Slack's 3 s limit with a margin for the network.
 */
function inTime(e: { kind: string; ms: number }): boolean {
  return e.ms < (e.kind === 'block_suggestion' ? 2_500 : 1_000);
}

test('every modal and message the app sent in these journeys passes the Block Kit validator', () => {
  expect(world.driver.assertEverythingValid()).toBeGreaterThan(20);
  for (const call of world.fake.calls) expect(call.answer?.ok ?? true).toBe(true);
  // Nothing failed on the way: no turn, post or update of the Slack channel logged an error or a warning.
  const troubles = world.logLines
    .map((l) => JSON.parse(l) as { level: string; channel?: string; msg: string })
    .filter((l) => l.channel === 'slack' && (l.level === 'error' || l.level === 'warn'))
    .map((l) => l.msg);
  expect(troubles).toEqual([]);
});
