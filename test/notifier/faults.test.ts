/**
 * Azure throttling (429) and failing (503) a fifth of the notifier's calls: every job's end is still posted,
 * none twice, and the log says why an end came late. The notifier's client retries nothing here, so every
 * fault reaches the notifier's own schedule (Retry-After per source) — the worst case of main's client.
 */
import { openStore, type Store } from '../../src/store';
import {
  addFaults,
  admin,
  emulatorClient,
  PROD_VAULT_ID,
  SUBSCRIPTION,
  startDemoEmulator,
} from '../restore/service/support';
import { pickInstance, type RunningRestore, startRunningRestore } from './fixtures';
import { advanceEmulator, cycleUntil, notifierFor, openWatches, recordingLogger, ThreadRecorder } from './support';

jest.setTimeout(60_000);

const DEV_VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/backupVaults/bv-dev-eastus2`;

let emulator: { url: string; close(): Promise<void> };
let store: Store;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  store = await openStore({ dataDir: 'memory://' });
});
afterAll(async () => {
  await store.close();
  await emulator.close();
});

/** A fifth of the job reads fail: the vaults' job lists and gets with 429, the secondary region's with 503. */
function faultRules(extra: 'first-after-end' | 'steady') {
  const throttled = { method: 'GET', pathPattern: '/backupJobs', status: 429, retryAfterSeconds: 1 };
  const unavailable = {
    method: 'POST',
    pathPattern: '/fetchCrossRegionRestoreJobs?$',
    status: 503,
    retryAfterSeconds: 1,
  };
  // Rules are tried in order and the first match decides: once each, the read right after the jobs end fails.
  const first =
    extra === 'first-after-end'
      ? [
          { ...throttled, times: 1 },
          { ...unavailable, times: 1 },
        ]
      : [];
  return [...first, { ...throttled, probability: 0.2 }, { ...unavailable, probability: 0.2 }];
}

test('429 and 503 on a fifth of the calls: every end posted once, and the log says why some came late', async () => {
  const setup = emulatorClient(emulator.url);
  const restores: RunningRestore[] = [];
  const orders = await pickInstance(setup, PROD_VAULT_ID, 'pg-orders-prod');
  const payments = await pickInstance(setup, PROD_VAULT_ID, 'pg-payments-prod');
  const ordersSecondary = await pickInstance(setup, PROD_VAULT_ID, 'pg-orders-prod', 'secondary');
  const dev = await pickInstance(setup, DEV_VAULT_ID, 'pg-orders-dev');
  for (const pick of [orders, orders, orders, payments, payments, dev, dev]) {
    restores.push(await startRunningRestore(store, setup, pick));
  }
  for (let i = 0; i < 3; i++) {
    restores.push(await startRunningRestore(store, setup, ordersSecondary, { regionMode: 'secondary' }));
  }

  const poster = new ThreadRecorder('teams');
  const { logger, lines } = recordingLogger();
  const notifier = notifierFor({
    store,
    poster,
    logger,
    emulatorUrl: emulator.url,
    azure: emulatorClient(emulator.url, { retry: { maxRetries: 0 } }),
  });
  await addFaults(emulator.url, faultRules('steady'));
  await cycleUntil(notifier, () => restores.every((r) => poster.withKey(`${r.request.id}:started`).length === 1));

  await admin(emulator.url, 'DELETE', 'faults');
  await addFaults(emulator.url, faultRules('first-after-end'));
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, async () => (await openWatches(store)) === 0, 30_000);
  await admin(emulator.url, 'DELETE', 'faults');

  for (const r of restores) {
    expect(poster.withKey(`${r.request.id}:end`)).toHaveLength(1);
    expect(poster.withKey(`${r.request.id}:started`)).toHaveLength(1);
  }
  expect(poster.replies.filter((r) => r.view.footer)).toEqual([]);

  const waits = lines.filter((l) => l.msg === 'notifier: Azure asked to wait before reading these jobs again');
  expect(waits.map((w) => w.armCode)).toEqual(
    expect.arrayContaining(['SubscriptionRequestsThrottled', 'ServiceUnavailable']),
  );
  for (const w of waits) expect(w.waitSeconds).toBeGreaterThanOrEqual(1);
  const late = lines.filter((l) => l.msg === 'notifier: the end of a restore was posted late');
  const why = late.map((l) => String(l.why)).join('\n');
  expect(why).toContain('AZURE_THROTTLED (SubscriptionRequestsThrottled)');
  expect(why).toContain('AZURE_UNAVAILABLE (ServiceUnavailable)');
  await notifier.stop();
});
