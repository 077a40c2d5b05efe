/**
 * Following restore jobs to their end, in one process: the real emulator (its clock moved, never waited
 * for), the real client, PGlite, and a double of the channel at the Poster port. What the people in the
 * approval thread read, what the request and the audit log end up saying, and how many ARM calls it took.
 */
import type { DataProtectionClient } from '../../src/azure';
import { createMetricsRegistry } from '../../src/metrics';
import type { RestoreRequest } from '../../src/restore';
import { openStore, type Store } from '../../src/store';
import { PROD_VAULT_ID, startDemoEmulator } from '../restore/service/support';
import { jobGuid, pickInstance, startRunningRestore } from './fixtures';
import {
  advanceEmulator,
  auditEvents,
  clearEmulatorRequests,
  cycleUntil,
  emulatorRequests,
  factOf,
  fastClient,
  notifierFor,
  openWatches,
  ThreadRecorder,
} from './support';

jest.setTimeout(60_000);

let emulator: { url: string; close(): Promise<void> };
let client: DataProtectionClient;
let store: Store;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  client = fastClient(emulator.url);
  store = await openStore({ dataDir: 'memory://' });
});
afterAll(async () => {
  await store.close();
  await emulator.close();
});

async function requestState(id: string): Promise<RestoreRequest> {
  return (await store.requests.get<RestoreRequest>(id))!.data;
}

test('a primary restore: started, half-way and completed posts in its thread, with what to do next', async () => {
  const poster = new ThreadRecorder();
  const metrics = createMetricsRegistry();
  const notifier = notifierFor({ store, poster, emulatorUrl: emulator.url, metrics });
  const pick = await pickInstance(client, PROD_VAULT_ID, 'pg-orders-prod');
  const { request, jobId, thread } = await startRunningRestore(store, client, pick);

  await cycleUntil(notifier, () => poster.inThread(thread).length >= 1);
  const [started] = poster.inThread(thread);
  expect(started!.view.title).toBe(`Restore started for ${request.id}: job ${jobId}`);
  expect(started!.key).toBe(`${request.id}:started`);
  expect(started!.view.text!.join('\n')).toContain(`https://portal.azure.com/#resource${jobId}`);
  expect(factOf(started!.view, 'Job')).toBe(jobGuid(jobId));

  // Half of the 120 s job's transfer done, in emulated time: one progress line, however many polls see it.
  await advanceEmulator(emulator.url, 65);
  await cycleUntil(notifier, () => poster.inThread(thread).length >= 2);
  for (let i = 0; i < 5; i++) await notifier.runOnce();
  const progress = poster.inThread(thread)[1]!;
  expect(progress.view.title).toMatch(new RegExp(`^Restore ${request.id}: Transfer data to target at 5\\d%$`));
  expect(poster.inThread(thread)).toHaveLength(2);

  await advanceEmulator(emulator.url, 60);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length === 1);
  const end = poster.withKey(`${request.id}:end`)[0]!.view;
  expect(end.title).toBe(`Restore ${request.id} completed: pg-orders-prod is in the container as files`);
  expect(factOf(end, 'Status')).toBe('Completed');
  expect(factOf(end, 'Duration')).toBe('2 min 00 s');
  expect(factOf(end, 'Data transferred')).toMatch(/^\d+(\.\d)? (GiB|MiB)$/);
  expect(factOf(end, 'Container')).toBe(request.target.containerUrl);
  expect(factOf(end, 'File prefix')).toMatch(new RegExp(`^pg-orders-prod-\\d{8}T\\d{4}Z-${request.id}$`));
  const steps = end.text!.join('\n');
  expect(steps).toContain('az storage blob download-batch');
  expect(steps).toContain(`--pattern "${factOf(end, 'File prefix')}*"`);
  expect(steps).toMatch(/pg_restore --host <server>\.postgres\.database\.azure\.com .*--dbname <database>/);

  // The request is done, audited; the watch is finished; later cycles say nothing more.
  expect((await store.requests.get(request.id))!.state).toBe('succeeded');
  const audit = (await auditEvents(store)).filter((e) => e.requestId === request.id && e.type === 'job_status');
  expect(audit).toEqual([
    expect.objectContaining({ details: expect.objectContaining({ jobId, status: 'Completed', phase: 'succeeded' }) }),
  ]);
  expect(await openWatches(store)).toBe(0);
  for (let i = 0; i < 3; i++) await notifier.runOnce();
  expect(poster.inThread(thread)).toHaveLength(3);
  expect(metrics.render()).toMatch(/restore_bot_notifier_posts_total\{milestone="end",delivery="sent"\} 1/);
  expect(metrics.render()).toMatch(/restore_bot_notifier_lag_seconds_count\{outcome="succeeded"\} 1/);
  await notifier.stop();
});

test('a Cross Region Restore that fails: the code, Azure message and what to do, read in the secondary region', async () => {
  const poster = new ThreadRecorder();
  const notifier = notifierFor({ store, poster, emulatorUrl: emulator.url });
  const pick = await pickInstance(client, PROD_VAULT_ID, 'pg-payments-prod', 'secondary');
  const { request, thread } = await startRunningRestore(store, client, pick, { regionMode: 'secondary' });
  await cycleUntil(notifier, () => poster.inThread(thread).length >= 1);
  await clearEmulatorRequests(emulator.url);

  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, () => poster.withKey(`${request.id}:end`).length === 1);
  const end = poster.withKey(`${request.id}:end`)[0]!.view;
  expect(end.title).toBe(`Restore ${request.id} failed: UserErrorMSIMissingPermissions`);
  expect(end.kind).toBe('error');
  expect(end.error!.code).toBe('UserErrorMSIMissingPermissions');
  expect(factOf(end, 'Status')).toBe('Failed');
  expect(factOf(end, 'Error message')).toContain('managed identity');
  expect(end.text!.join('\n')).toBe(
    "What to do: Grant the Backup vault's managed identity the Storage Blob Data Contributor role on the target storage account, then ask for the restore again.",
  );
  const after = await requestState(request.id);
  expect((await store.requests.get(request.id))!.state).toBe('failed');
  expect(after.failure).toMatchObject({ code: 'UserErrorMSIMissingPermissions' });
  // Read where Cross Region Restore jobs live: the secondary region, never the vault's own job list.
  const paths = (await emulatorRequests(emulator.url)).map((r) => r.path);
  expect(paths.some((p) => p.endsWith('/locations/westus/fetchCrossRegionRestoreJobs'))).toBe(true);
  expect(paths.some((p) => p.includes('/backupJobs'))).toBe(false);
  await notifier.stop();
});

test('jobs of one vault cost one listing per poll, not one call per job', async () => {
  const poster = new ThreadRecorder();
  const notifier = notifierFor({ store, poster, emulatorUrl: emulator.url });
  const pick = await pickInstance(client, PROD_VAULT_ID, 'pg-orders-prod');
  const restores = await Promise.all([1, 2, 3, 4].map(() => startRunningRestore(store, client, pick)));
  await cycleUntil(notifier, () => poster.replies.length >= restores.length);
  await clearEmulatorRequests(emulator.url);
  let listings = 0;
  for (let i = 0; i < 6; i++) {
    const report = await notifier.runOnce();
    expect(report.listCalls).toBeLessThanOrEqual(1);
    expect(report.getCalls).toBe(0);
    listings += report.listCalls;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  expect(listings).toBeGreaterThan(0);
  const calls = await emulatorRequests(emulator.url);
  expect(calls.every((c) => c.method === 'GET' && c.path.endsWith('/backupVaults/bv-prod-eastus/backupJobs'))).toBe(
    true,
  );
  await advanceEmulator(emulator.url, 125);
  await cycleUntil(notifier, () => restores.every((r) => poster.withKey(`${r.request.id}:end`).length === 1));
  await notifier.stop();
});
