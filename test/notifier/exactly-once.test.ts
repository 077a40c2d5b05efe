/**
 * Each milestone once: a key claimed before the post and marked after. What a process left behind when it
 * died between the two is settled by asking the channel (Slack can look; Teams cannot, so the end is sent
 * again with a note and a progress line is dropped). Replicas share the work through leases and never post
 * the same milestone twice; a replica that stops is taken over once its leases lapse.
 */
import type { DataProtectionClient } from '../../src/azure';
import { openStore, type Store } from '../../src/store';
import { PROD_VAULT_ID, startDemoEmulator } from '../restore/service/support';
import { type InstancePick, pickInstance, startRunningRestore } from './fixtures';
import { advanceEmulator, cycleUntil, fastClient, notifierFor, openWatches, ThreadRecorder } from './support';

jest.setTimeout(60_000);

const TTL = 24 * 60 * 60_000;
const REPEAT_NOTE = /you may see this message twice/;

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

/** A restore followed past its started post; its job then ends in emulated time. */
async function followedRestore(poster: ThreadRecorder) {
  const notifier = notifierFor({ store, poster, emulatorUrl: emulator.url });
  const restore = await startRunningRestore(store, client, orders);
  await cycleUntil(notifier, () => poster.withKey(`${restore.request.id}:started`).length === 1);
  return { notifier, ...restore };
}

describe('a post left claimed but unmarked by a crash', () => {
  test('Slack, the post never went out: findReply finds nothing, so it is sent once, plainly', async () => {
    const poster = new ThreadRecorder('slack');
    const { notifier, request } = await followedRestore(poster);
    // The crashed process claimed the end's key and died before posting.
    expect(await store.idempotency.claim(`${request.id}:end`, TTL)).toBe(true);
    await advanceEmulator(emulator.url, 125);
    await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length > 0);
    for (let i = 0; i < 3; i++) await notifier.runOnce();
    const ends = poster.withKey(`${request.id}:end`);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.view.footer).toBeUndefined();
    expect((await store.idempotency.get(`${request.id}:end`))!.doneAt).not.toBeNull();
    await notifier.stop();
  });

  test('Slack, the post went out but was not marked: findReply finds it, so it is not sent again', async () => {
    const poster = new ThreadRecorder('slack');
    const { notifier, request, thread } = await followedRestore(poster);
    // The crashed process claimed, posted (with the key in the message metadata) and died before marking.
    expect(await store.idempotency.claim(`${request.id}:end`, TTL)).toBe(true);
    await poster.reply(
      thread,
      { kind: 'notice', title: 'the end, posted before the crash' },
      { key: `${request.id}:end` },
    );
    await advanceEmulator(emulator.url, 125);
    await cycleUntil(notifier, async () => (await openWatches(store)) === 0);
    expect(poster.withKey(`${request.id}:end`).map((r) => r.view.title)).toEqual(['the end, posted before the crash']);
    expect((await store.idempotency.get(`${request.id}:end`))!.result).toMatchObject({ reconciled: true });
    expect((await store.requests.get(request.id))!.state).toBe('succeeded');
    await notifier.stop();
  });

  test('Teams cannot look: the end is sent again with a note that it may repeat; a progress line is dropped', async () => {
    const poster = new ThreadRecorder('teams');
    const { notifier, request } = await followedRestore(poster);
    expect(await store.idempotency.claim(`${request.id}:progress:half`, TTL)).toBe(true);
    expect(await store.idempotency.claim(`${request.id}:end`, TTL)).toBe(true);
    await advanceEmulator(emulator.url, 65);
    for (let i = 0; i < 5; i++) await notifier.runOnce();
    expect(poster.withKey(`${request.id}:progress:half`)).toEqual([]);
    expect((await store.idempotency.get(`${request.id}:progress:half`))!.result).toMatchObject({
      skipped: 'unknown after restart',
    });

    await advanceEmulator(emulator.url, 60);
    await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length > 0);
    for (let i = 0; i < 3; i++) await notifier.runOnce();
    const ends = poster.withKey(`${request.id}:end`);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.view.title).toMatch(new RegExp(`^Restore ${request.id} completed`));
    expect(ends[0]!.view.footer).toMatch(REPEAT_NOTE);
    await notifier.stop();
  });
});

test('a post the channel refused for now (503) is retried at the next poll, plainly, and lands once', async () => {
  const poster = new ThreadRecorder('teams');
  const { notifier, request } = await followedRestore(poster);
  poster.failNext = 2;
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length > 0);
  for (let i = 0; i < 3; i++) await notifier.runOnce();
  const ends = poster.withKey(`${request.id}:end`);
  expect(ends).toHaveLength(1);
  expect(ends[0]!.view.footer).toBeUndefined();
  expect(poster.failNext).toBe(0);
  await notifier.stop();
});

test('three replicas on one store: every milestone of 9 restores posted once, the work spread over them', async () => {
  const poster = new ThreadRecorder('teams');
  const replicas = [1, 2, 3].map((n) =>
    notifierFor({
      store,
      poster,
      emulatorUrl: emulator.url,
      owner: `replica-${n}`,
      settings: { leaseMs: 2_000, minIntervalMs: 20, maxIntervalMs: 80, doublingMs: 1_000, maxWatches: 3 },
    }),
  );
  const restores: Awaited<ReturnType<typeof startRunningRestore>>[] = [];
  for (let i = 0; i < 9; i++) restores.push(await startRunningRestore(store, client, orders));
  await cycleUntil(replicas, () => restores.every((r) => poster.withKey(`${r.request.id}:started`).length > 0));
  expect(replicas.map((r) => r.heldCount)).toEqual([3, 3, 3]);
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(replicas, async () => (await openWatches(store)) === 0);
  for (const r of restores) {
    expect(poster.withKey(`${r.request.id}:started`)).toHaveLength(1);
    expect(poster.withKey(`${r.request.id}:end`)).toHaveLength(1);
  }
  expect(poster.replies.filter((r) => REPEAT_NOTE.test(r.view.footer ?? ''))).toEqual([]);
  await Promise.all(replicas.map((r) => r.stop()));
});

test('a replica that stops answering: its watches are taken over when the leases lapse, and nothing is lost', async () => {
  const poster = new ThreadRecorder('teams');
  const settings = { leaseMs: 300, minIntervalMs: 20, maxIntervalMs: 80, doublingMs: 1_000 };
  const first = notifierFor({ store, poster, emulatorUrl: emulator.url, owner: 'first', settings });
  const second = notifierFor({ store, poster, emulatorUrl: emulator.url, owner: 'second', settings });
  const restores: Awaited<ReturnType<typeof startRunningRestore>>[] = [];
  for (let i = 0; i < 3; i++) restores.push(await startRunningRestore(store, client, orders));
  await cycleUntil(first, () => restores.every((r) => poster.withKey(`${r.request.id}:started`).length > 0));
  expect(first.heldCount).toBe(3);
  // `first` is frozen (no more cycles, no release): `second` finds nothing until the leases lapse.
  expect((await second.runOnce()).acquired).toBe(0);
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(second, async () => (await openWatches(store)) === 0, 10_000);
  for (const r of restores) expect(poster.withKey(`${r.request.id}:end`)).toHaveLength(1);
  // Woken up again, `first` learns its leases are gone and posts nothing.
  const before = poster.replies.length;
  await first.runOnce();
  expect(first.heldCount).toBe(0);
  expect(poster.replies).toHaveLength(before);
  await second.stop();
  await first.stop();
});
