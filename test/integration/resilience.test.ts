/**
 * How the client behaves when Azure misbehaves, with faults injected into a real emulator: throttling honoured
 * and retried, unavailability retried then surfaced as a typed error, triggers never repeated after a 5xx,
 * cancellation during a slow answer, and a regional outage that leaves the paired region usable.
 */
import {
  AzureError,
  buildCrossRegionRestoreRequest,
  buildPgFlexRestoreRequest,
  jobPhase,
  recoveryPointName,
} from '../../src/azure';
import { instanceOf, PROD_VAULT, RESTORE_CONTAINER, rejectionOf, World } from './world';

const VAULT_PATH = `${PROD_VAULT}$`;

let world: World;
beforeAll(async () => {
  world = await World.start();
});
beforeEach(async () => {
  await world.clearFaults();
  await world.reset({ preset: 'demo' });
});
afterAll(() => world.close());

/** Waits until the emulator has logged `count` ARM requests (a delayed request is logged when it is answered). */
async function untilLogged(count: number): Promise<void> {
  while ((await world.requests()).length < count) await new Promise((resolve) => setTimeout(resolve, 25));
}

async function restoreRequestFor(serverName: string, region: string) {
  const client = world.client();
  const instance = await instanceOf(client, PROD_VAULT, serverName);
  const point = await client.newestRecoveryPoint(instance.id, { now: await world.now() });
  const request = buildPgFlexRestoreRequest({
    recoveryPointId: recoveryPointName(point!),
    restoreRegion: region,
    containerUrl: RESTORE_CONTAINER,
    filePrefix: `${serverName}-restore`,
  });
  return { instance, request };
}

test('429 with Retry-After is waited out and retried until it succeeds', async () => {
  await world.faults({ method: 'GET', pathPattern: VAULT_PATH, status: 429, retryAfterSeconds: 1, times: 2 });
  const client = world.client();
  await world.clearRequests();

  const started = Date.now();
  const vault = await client.getVault(PROD_VAULT);
  const elapsed = Date.now() - started;

  expect(vault.name).toBe('bv-prod-eastus');
  expect((await world.requests()).map((r) => r.status)).toEqual([429, 429, 200]);
  // Two Retry-After: 1 waits; the client's own 5 ms backoff would have been far shorter.
  expect(elapsed).toBeGreaterThanOrEqual(1_900);
});

test('a restore trigger throttled with 429 is retried (ARM did not take it)', async () => {
  const { instance, request } = await restoreRequestFor('pg-orders-prod', 'eastus');
  await world.faults({ method: 'POST', pathPattern: '/restore$', status: 429, retryAfterSeconds: 0, times: 1 });
  await world.clearRequests();
  const restore = await world.client().restore(instance.id, request);
  expect(restore.isDone).toBe(false);
  expect((await world.requests()).filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 202]);
});

test('503 is retried, then surfaces as a typed AzureError with Azure’s code', async () => {
  await world.faults({ method: 'GET', pathPattern: VAULT_PATH, status: 503, retryAfterSeconds: 0 });
  const client = world.client({ retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 2_000 } });
  await world.clearRequests();

  const error = await rejectionOf(client.getVault(PROD_VAULT));

  expect(error).toBeInstanceOf(AzureError);
  expect(error).toMatchObject({ code: 'AZURE_UNAVAILABLE', status: 503, armCode: 'ServiceUnavailable' });
  expect((error as AzureError).retryable).toBe(true);
  expect((error as AzureError).requestId).toBeTruthy();
  expect((await world.requests()).map((r) => r.status)).toEqual([503, 503, 503]);
});

test('a restore trigger answered 500 is not retried: exactly one POST, no job started', async () => {
  const { instance, request } = await restoreRequestFor('pg-orders-prod', 'eastus');
  await world.faults({ method: 'POST', pathPattern: '/restore$', status: 500, times: 1 });
  await world.clearRequests();

  const error = await rejectionOf(world.client().restore(instance.id, request));

  expect(error).toMatchObject({ code: 'AZURE_UNAVAILABLE', status: 500, armCode: 'InternalServerError' });
  expect((await world.requests()).filter((r) => r.method === 'POST')).toHaveLength(1);
  expect(await world.client().listJobs(PROD_VAULT).toArray()).toEqual([]);
});

test('an AbortSignal cancels a call stuck in a slow answer, promptly', async () => {
  await world.faults({ method: 'GET', pathPattern: VAULT_PATH, latencyMs: 1_000, times: 1 });
  await world.clearRequests();
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 50);

  const error = await rejectionOf(world.client().getVault(PROD_VAULT, { abortSignal: controller.signal }));

  expect(error).toMatchObject({ code: 'AZURE_CANCELLED' });
  expect(Date.now() - started).toBeLessThan(500);
  // The emulator logs the request once its delay is over; wait for that so no timer outlives the test.
  await untilLogged(1);
});

test('a read that times out is tried again and succeeds', async () => {
  await world.faults({ method: 'GET', pathPattern: VAULT_PATH, latencyMs: 600, times: 1 });
  await world.clearRequests();
  const vault = await world.client({ timeoutMs: 150 }).getVault(PROD_VAULT);
  expect(vault.name).toBe('bv-prod-eastus');
  await untilLogged(2);
  expect((await world.requests()).filter((r) => r.method === 'GET')).toHaveLength(2);
});

test('a restore trigger that times out is not repeated, and may still have started a job', async () => {
  const { instance, request } = await restoreRequestFor('pg-orders-prod', 'eastus');
  await world.faults({ method: 'POST', pathPattern: '/restore$', latencyMs: 600, times: 1 });
  await world.clearRequests();

  const error = await rejectionOf(world.client({ timeoutMs: 150 }).restore(instance.id, request));

  expect(error).toMatchObject({ code: 'AZURE_TIMEOUT' });
  await untilLogged(1);
  expect((await world.requests()).filter((r) => r.method === 'POST')).toHaveLength(1);
  // Why triggers are not retried: Azure got the request and started the restore after all.
  expect(await world.client().listJobs(PROD_VAULT).toArray()).toHaveLength(1);
});

test('an AbortSignal stops a long-running operation between polls', async () => {
  const { instance, request } = await restoreRequestFor('pg-orders-prod', 'eastus');
  const client = world.client({ lro: { pollIntervalMs: 10, maxPollIntervalMs: 5_000 } });
  const restore = await client.restore(instance.id, request);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();

  const error = await rejectionOf(restore.pollUntilDone({ abortSignal: controller.signal }));

  expect(error).toMatchObject({ code: 'AZURE_CANCELLED' });
  expect(Date.now() - started).toBeLessThan(900);
  expect(restore.isDone).toBe(false);
});

test('an eastus outage fails eastus calls but leaves the westus cross-region path working', async () => {
  const { instance } = await restoreRequestFor('pg-orders-prod', 'westus');
  await world.outage('eastus', true);
  // A Retry-After longer than maxDelayMs is not waited out: the outage surfaces at once.
  const client = world.client({ retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 200 } });

  const down = await rejectionOf(client.getVault(PROD_VAULT));
  expect(down).toMatchObject({ code: 'AZURE_UNAVAILABLE', status: 503, armCode: 'ServiceUnavailable' });
  expect((down as AzureError).retryAfterMs).toBe(1_000);

  const source = { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id };
  const secondary = await client.fetchSecondaryRecoveryPoints('westus', source).toArray();
  expect(secondary.length).toBeGreaterThan(0);
  const request = buildCrossRegionRestoreRequest(
    buildPgFlexRestoreRequest({
      recoveryPointId: recoveryPointName(secondary[0]!),
      restoreRegion: 'westus',
      containerUrl: RESTORE_CONTAINER,
      filePrefix: 'pg-orders-prod-crr',
    }),
    source,
  );
  const crr = await client.crossRegionRestore('westus', request);
  await world.advance(2);
  const { jobId } = await crr.pollUntilDone();
  const job = await client.fetchCrossRegionRestoreJob('westus', {
    sourceRegion: 'eastus',
    sourceBackupVaultId: PROD_VAULT,
    jobId: jobId!,
  });
  expect(jobPhase(job)).toBe('running');

  await world.outage('eastus', false);
  await expect(client.getVault(PROD_VAULT)).resolves.toMatchObject({ name: 'bv-prod-eastus' });
});
