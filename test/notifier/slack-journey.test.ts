/**
 * The same follow-up in Slack, over HTTP with the whole bot and the fake Slack Web API: posts land in the
 * approval message's thread (chat.postMessage with its thread_ts) for a primary restore that completes and
 * a Cross Region Restore that fails. And Slack can look back: a post a crash left claimed but unmarked is
 * found through conversations.replies (the key rides in the message metadata) and not sent again.
 */

import { type SlackWorld, startSlackWorld } from '../bot/slack/harness';
import { CHANNEL, factOf, type Json, USERS, visibleText } from '../bot/slack/slack-driver';
import type { FakeSlackMessage } from '../fakes/slack-api';
import { advanceEmulator } from './support';

jest.setTimeout(60_000);

const { alice, dba, approver } = USERS;

let world: SlackWorld;

beforeAll(async () => {
  world = await startSlackWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Alice asks with a shortcut, requests approval; `by` approves. Returns the request id and its message. */
async function approvedRestore(shortcut: string, by = dba): Promise<{ requestId: string; approval: FakeSlackMessage }> {
  const { driver } = world;
  await driver.command(alice, shortcut);
  const viewId = driver.lastModalId();
  if (driver.headers(viewId).includes('Pick a recovery point')) {
    const { options } = await driver.loadOptions(alice, viewId, 'point', '');
    await driver.pick(alice, viewId, 'point', { value: options[0].value });
  }
  await driver.submit(alice, viewId, {});
  const requestId = factOf(driver.modal(viewId).blocks, 'Request')!;
  const approval = structuredClone(driver.approvalMessage(CHANNEL));
  await driver.clickMessage(by, approval, 'Approve');
  return { requestId, approval };
}

function threadPosts(approval: FakeSlackMessage, text: string) {
  return world.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === approval.ts && String(c.args.text).includes(text) && c.answer?.ok);
}

async function posted(approval: FakeSlackMessage, text: string) {
  return world.fake.waitFor(
    'chat.postMessage',
    (c) => c.args.thread_ts === approval.ts && String(c.args.text).includes(text),
    15_000,
  );
}

test('a primary restore: started and completed in the approval thread, with the key as metadata', async () => {
  const { requestId, approval } = await approvedRestore('pg-orders-prod --latest');
  const started = await posted(approval, `Restore started for ${requestId}`);
  expect(started.args.channel).toBe(CHANNEL);
  expect(started.args.metadata).toEqual({
    event_type: 'restore_bot_post',
    event_payload: { key: `${requestId}:started` },
  });

  await advanceEmulator(world.emulator.url, 130);
  const end = await posted(approval, `Restore ${requestId} completed`);
  const blocks = end.args.blocks as Json[];
  expect(factOf(blocks, 'Status')).toBe('Completed');
  expect(factOf(blocks, 'Container')).toBe('https://stcontosodreus.blob.core.windows.net/pg-restores');
  expect(factOf(blocks, 'File prefix')).toMatch(new RegExp(`-${requestId}$`));
  expect(visibleText(blocks)).toContain('pg_restore --host');
  expect(end.args.metadata.event_payload).toEqual({ key: `${requestId}:end` });
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(threadPosts(approval, `Restore ${requestId} completed`)).toHaveLength(1);
  expect(threadPosts(approval, `Restore started for ${requestId}`)).toHaveLength(1);
});

test('a Cross Region Restore that fails: the code and what to do, in its thread', async () => {
  const { requestId, approval } = await approvedRestore('pg-payments-prod --secondary', approver);
  await posted(approval, `Restore started for ${requestId}`);
  await advanceEmulator(world.emulator.url, 130);
  const end = await posted(approval, `Restore ${requestId} failed: UserErrorMSIMissingPermissions`);
  expect(visibleText(end.args.blocks as Json[])).toContain(
    "What to do: Grant the Backup vault's managed identity the Storage Blob Data Contributor role",
  );
  expect((await world.bot.service.get(requestId))!.state).toBe('failed');
});

test('after a crash between posting and marking, conversations.replies finds the post: not sent again', async () => {
  const { bot, fake } = world;
  const { requestId, approval } = await approvedRestore('pg-orders-prod --latest');
  await posted(approval, `Restore started for ${requestId}`);
  // What the crashed process did: claimed the end's key and posted it (key in the metadata), then died.
  const key = `${requestId}:end`;
  expect(await bot.store.idempotency.claim(key, 86_400_000)).toBe(true);
  const thread = { channel: 'slack' as const, conversationId: CHANNEL, messageId: approval.ts, threadId: approval.ts };
  await bot.posters.reply(
    thread,
    { kind: 'notice', title: `Restore ${requestId} completed (before the crash)` },
    { key },
  );

  const looked = fake.callsTo('conversations.replies').length;
  await advanceEmulator(world.emulator.url, 130);
  const until = Date.now() + 15_000;
  while ((await bot.service.get(requestId))!.state === 'running' || (await bot.store.watches.listOpen()).length) {
    if (Date.now() > until) throw new Error('the end was not settled');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(fake.callsTo('conversations.replies').length).toBeGreaterThan(looked);
  expect(threadPosts(approval, `Restore ${requestId} completed`).map((c) => c.args.text)).toEqual([
    expect.stringContaining('(before the crash)'),
  ]);
  expect((await bot.store.idempotency.get(key))!.result).toMatchObject({ reconciled: true });
});
