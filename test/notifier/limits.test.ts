/**
 * Jobs that do not behave, and threads that disappear. The rules (src/notifier/follower.ts):
 * - still running past the stuck limit: said once; following goes on and the end is still posted;
 * - Azure says the job does not exist, past the unknown limit: said once, the request ends failed
 *   (JOB_NOT_FOUND) and the watch ends;
 * - Azure cannot be read (an outage), past the unknown limit: said once; following goes on;
 * - the thread's conversation is gone: an audit event, no more posts, the job followed silently to its end.
 */
import { randomUUID } from 'node:crypto';
import type { DataProtectionClient } from '../../src/azure';
import type { RestoreRequest } from '../../src/restore';
import { openStore, type Store } from '../../src/store';
import { admin, PROD_VAULT_ID, startDemoEmulator } from '../restore/service/support';
import { APPROVALS_CHANNEL, type InstancePick, pickInstance, startRunningRestore } from './fixtures';
import {
  advanceEmulator,
  auditEvents,
  cycleUntil,
  FAST,
  fastClient,
  notifierFor,
  openWatches,
  ThreadRecorder,
} from './support';

jest.setTimeout(60_000);

let emulator: { url: string; close(): Promise<void> };
let client: DataProtectionClient;
let store: Store;
let orders: InstancePick;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  client = fastClient(emulator.url);
  store = await openStore({ dataDir: 'memory://' });
  orders = await pickInstance(client, PROD_VAULT_ID, 'pg-orders-prod');
});
afterAll(async () => {
  await store.close();
  await emulator.close();
});

test('a job running past the stuck limit is reported once, and its end is still posted', async () => {
  const poster = new ThreadRecorder();
  const notifier = notifierFor({ store, poster, emulatorUrl: emulator.url, settings: { ...FAST, stuckAfterMs: 300 } });
  const { request } = await startRunningRestore(store, client, orders);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:stuck`).length === 1);
  for (let i = 0; i < 10; i++) await notifier.runOnce();
  const stuck = poster.withKey(`${request.id}:stuck`);
  expect(stuck).toHaveLength(1);
  expect(stuck[0]!.view.title).toMatch(
    new RegExp(`^Restore ${request.id} has been running for \\d+ s \\(job [0-9a-f-]{36}\\)\\. I keep following it`),
  );
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length === 1);
  expect((await store.requests.get(request.id))!.state).toBe('succeeded');
  await notifier.stop();
});

test('a job Azure does not know: looked up by a get (it is not in the listing), reported once, request failed', async () => {
  const poster = new ThreadRecorder();
  const notifier = notifierFor({
    store,
    poster,
    emulatorUrl: emulator.url,
    settings: { ...FAST, unknownAfterMs: 300 },
  });
  const { request, thread } = await startRunningRestore(store, client, orders);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:started`).length === 1);
  await notifier.stop();
  // A watch for a job id Azure never issued, on the same request (as if the recorded id were wrong).
  const ghost = `${PROD_VAULT_ID}/backupJobs/${randomUUID()}`;
  await store.watches.complete(request.azure.jobId!, (await store.watches.acquire('test', 1_000, 10))[0]!.leaseToken);
  await store.watches.register({
    id: ghost,
    requestId: request.id,
    data: {
      jobId: ghost,
      requestId: request.id,
      vaultId: PROD_VAULT_ID,
      operation: 'restore',
      sourceRegion: 'eastus',
      restoreRegion: 'eastus',
    },
  });
  const again = notifierFor({ store, poster, emulatorUrl: emulator.url, settings: { ...FAST, unknownAfterMs: 300 } });
  const first = await again.runOnce();
  expect(first.listCalls).toBe(1);
  expect(first.getCalls).toBe(1);
  await cycleUntil(again, async () => (await openWatches(store)) === 0);
  const unknown = poster.withKey(`${request.id}:unknown`);
  expect(unknown).toHaveLength(1);
  expect(unknown[0]!.thread).toEqual(thread);
  expect(unknown[0]!.view.title).toContain('Azure has not known job');
  expect(unknown[0]!.view.title).toContain('I stop following it');
  const stored = (await store.requests.get<RestoreRequest>(request.id))!;
  expect(stored.state).toBe('failed');
  expect(stored.data.failure).toMatchObject({ code: 'JOB_NOT_FOUND' });
  await again.stop();
});

test('Azure unreadable (a regional outage) past the limit: said once, and the end still comes after', async () => {
  const poster = new ThreadRecorder();
  const notifier = notifierFor({
    store,
    poster,
    emulatorUrl: emulator.url,
    settings: { ...FAST, unknownAfterMs: 300 },
  });
  const { request } = await startRunningRestore(store, client, orders);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:started`).length === 1);
  await admin(emulator.url, 'POST', 'outage', { region: 'eastus', down: true });
  try {
    await cycleUntil(notifier, () => poster.withKey(`${request.id}:unreadable`).length === 1);
    for (let i = 0; i < 5; i++) await notifier.runOnce();
  } finally {
    await admin(emulator.url, 'POST', 'outage', { region: 'eastus', down: false });
  }
  const said = poster.withKey(`${request.id}:unreadable`);
  expect(said).toHaveLength(1);
  expect(said[0]!.view.title).toMatch(/I have not been able to read job .+ \(AZURE_UNAVAILABLE\)\. I keep trying/);
  expect(await openWatches(store)).toBe(1);
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length === 1, 20_000);
  expect((await store.requests.get(request.id))!.state).toBe('succeeded');
  await notifier.stop();
});

test('a thread whose conversation is gone: audited once, nothing more posted, the request still ends', async () => {
  const poster = new ThreadRecorder();
  const notifier = notifierFor({ store, poster, emulatorUrl: emulator.url });
  const thread = {
    channel: 'teams' as const,
    conversationId: '19:deleted-channel@thread.tacv2',
    messageId: 'card-gone',
    threadId: 'card-gone',
  };
  poster.gone.add(thread.conversationId);
  const { request, jobId } = await startRunningRestore(store, client, orders, { thread });
  const alive = await startRunningRestore(store, client, orders);
  await cycleUntil(notifier, () => poster.withKey(`${alive.request.id}:started`).length === 1);
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, async () => (await openWatches(store)) === 0);

  expect(poster.inThread(thread)).toEqual([]);
  expect(poster.withKey(`${alive.request.id}:end`)).toHaveLength(1);
  expect(alive.thread.conversationId).toBe(APPROVALS_CHANNEL);
  expect((await store.requests.get(request.id))!.state).toBe('succeeded');
  const gone = (await auditEvents(store)).filter((e) => e.type === 'notifier_channel_gone');
  expect(gone).toEqual([
    expect.objectContaining({
      requestId: request.id,
      details: expect.objectContaining({ jobId, code: 'ConversationNotFound', followsSilently: true }),
    }),
  ]);
  expect((await store.watches.get(jobId))!.result).toMatchObject({
    ended: 'job-ended',
    silent: { code: 'ConversationNotFound' },
  });
  await notifier.stop();
});

test('posts failing past the unknown limit (how Teams reports a deleted conversation) end the posting too', async () => {
  const poster = new ThreadRecorder('teams');
  const notifier = notifierFor({
    store,
    poster,
    emulatorUrl: emulator.url,
    settings: { ...FAST, unknownAfterMs: 300 },
  });
  poster.failNext = 1_000_000;
  const { request } = await startRunningRestore(store, client, orders);
  await cycleUntil(notifier, async () =>
    (await auditEvents(store)).some((e) => e.type === 'notifier_channel_gone' && e.requestId === request.id),
  );
  const attempts = 1_000_000 - poster.failNext;
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, async () => (await openWatches(store)) === 0);
  expect(1_000_000 - poster.failNext).toBe(attempts);
  expect(poster.replies).toEqual([]);
  expect((await store.requests.get(request.id))!.state).toBe('succeeded');
  poster.failNext = 0;
  await notifier.stop();
});
