/**
 * Long-running operations and jobs, driven by the emulated clock: 202 + polling headers, Inprogress for two
 * emulated seconds, then the final state; jobs InProgress for jobDurationSeconds, then Completed or Failed.
 */
import { Harness, type Json, NOW, PROD_VAULT, restoreRequest, SUB, seed } from './harness';

let h: Harness;
const LOCATION = `/subscriptions/${SUB}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/locations`;

beforeAll(async () => {
  h = await Harness.start();
});
beforeEach(() => h.reset({ preset: 'demo', now: NOW }));
afterAll(() => h.close());

async function newestPoint(instance: Json): Promise<string> {
  return (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value[0].name;
}

test('a restore answers 202 with polling headers, reports Inprogress, then Succeeded with the job id', async () => {
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const trigger = await h.arm('POST', `${instance.id}/restore`, restoreRequest(await newestPoint(instance)));
  expect(trigger.status).toBe(202);
  const statusUrl = trigger.headers.get('azure-asyncoperation') ?? '';
  const resultUrl = trigger.headers.get('location') ?? '';
  expect(trigger.headers.get('retry-after')).toBe('1');
  expect(statusUrl).toMatch(
    new RegExp(
      `^${h.url}/subscriptions/${SUB}/providers/Microsoft.DataProtection/locations/eastus/operationStatus/[A-Za-z0-9+/]+==\\?api-version=2026-07-01$`,
    ),
  );
  expect(resultUrl).toContain('/locations/eastus/operationResults/');

  const running = await h.arm('GET', statusUrl);
  expect(running.body).toMatchObject({ status: 'Inprogress', endTime: '0001-01-01T00:00:00Z' });
  expect(running.body.name).toMatch(/==$/);
  const pendingResult = await h.arm('GET', resultUrl);
  expect(pendingResult.status).toBe(202);
  expect(pendingResult.headers.get('location')).toBe(resultUrl);
  expect(pendingResult.headers.get('retry-after')).toBe('1');

  await h.advance(2);
  const done = await h.arm('GET', statusUrl);
  expect(done.body.status).toBe('Succeeded');
  expect(done.body.properties.objectType).toBe('OperationJobExtendedInfo');
  expect(done.body.properties.jobId).toMatch(new RegExp(`^${PROD_VAULT}/backupJobs/[0-9a-f-]{36}$`));
  const result = await h.arm('GET', resultUrl);
  expect(result).toMatchObject({
    status: 200,
    body: { objectType: 'OperationJobExtendedInfo', jobId: done.body.properties.jobId },
  });
});

test('the operation id is found however the client encodes it', async () => {
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const trigger = await h.arm('POST', `${instance.id}/restore`, restoreRequest(await newestPoint(instance)));
  const statusUrl = trigger.headers.get('azure-asyncoperation') ?? '';
  const encoded = statusUrl.replace(/==\?/, '%3D%3D?');
  expect((await h.arm('GET', encoded)).status).toBe(200);
  expect((await h.arm('GET', statusUrl.replace(/==\?/, '?'))).status).toBe(200);
});

test('a job runs InProgress with sub-task progress, then Completed; a failing instance ends Failed with its error code', async () => {
  const orders = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const payments = await h.instance(PROD_VAULT, 'pg-payments-prod');
  const jobIdOf = async (instance: Json) => {
    const trigger = await h.arm('POST', `${instance.id}/restore`, restoreRequest(await newestPoint(instance)));
    await h.advance(2);
    return (await h.arm('GET', trigger.headers.get('azure-asyncoperation') ?? '')).body.properties.jobId as string;
  };
  const ordersJob = await jobIdOf(orders);
  const paymentsJob = await jobIdOf(payments);

  await h.advance(58);
  const running = (await h.arm('GET', ordersJob)).body.properties;
  expect(running.status).toBe('InProgress');
  expect(running.endTime).toBeUndefined();
  const transfer = running.extendedInfo.subTasks.find((t: Json) => t.taskStatus === 'InProgress');
  expect(Number.parseInt(transfer.taskProgress, 10)).toBeGreaterThanOrEqual(45);
  expect(Number.parseInt(transfer.taskProgress, 10)).toBeLessThan(100);
  expect(running.extendedInfo.recoveryDestination).toBe('https://stcontosodr.blob.core.windows.net/pg-restores');
  expect(running.operation).toBe('Restore');

  await h.advance(70);
  const completed = (await h.arm('GET', ordersJob)).body.properties;
  expect(completed.status).toBe('Completed');
  expect(completed.endTime).toBeDefined();
  expect(completed.extendedInfo.dataTransferredInBytes).toBeGreaterThan(0);
  const failed = (await h.arm('GET', paymentsJob)).body.properties;
  expect(failed.status).toBe('Failed');
  expect(failed.errorDetails[0].code).toBe('UserErrorMSIMissingPermissions');

  const list = await h.arm('GET', `${PROD_VAULT}/backupJobs`);
  expect(list.body.value.map((j: Json) => j.id)).toEqual([paymentsJob, ordersJob]);
});

test('Retry-After follows the seed, and a validation whose outcome is Failed:<Code> ends Failed with that code', async () => {
  await h.reset(
    seed({ retryAfterSeconds: 3 }, [
      {
        name: 'bv-prod-eastus',
        resourceGroup: 'rg-backup-prod',
        location: 'eastus',
        instances: [{ serverName: 'pg-orders-prod', validateOutcome: 'Failed:UserErrorStorageAccountNotFound' }],
      },
    ]),
  );
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const trigger = await h.arm('POST', `${instance.id}/validateRestore`, {
    restoreRequestObject: restoreRequest(await newestPoint(instance)),
  });
  expect(trigger.headers.get('retry-after')).toBe('3');
  await h.advance(2);
  const status = await h.arm('GET', trigger.headers.get('azure-asyncoperation') ?? '');
  expect(status.body.status).toBe('Failed');
  expect(status.body.error.code).toBe('UserErrorStorageAccountNotFound');
  const result = await h.arm('GET', trigger.headers.get('location') ?? '');
  expect(result.status).toBe(400);
  expect(result.body.error.code).toBe('UserErrorStorageAccountNotFound');
});

test('a cross-region restore polls under locations/<secondary> and its job is read with fetchCrossRegionRestoreJob(s)', async () => {
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const trigger = await h.arm('POST', `${LOCATION}/westus/crossRegionRestore`, {
    objectType: 'CrossRegionRestoreRequestObject',
    restoreRequestObject: restoreRequest(await newestPoint(instance)),
    crossRegionRestoreDetails: { sourceRegion: 'East US', sourceBackupInstanceId: instance.id },
  });
  expect(trigger.status).toBe(202);
  const statusUrl = trigger.headers.get('azure-asyncoperation') ?? '';
  expect(statusUrl).toContain(
    `/subscriptions/${SUB}/providers/Microsoft.DataProtection/locations/westus/operationStatus/`,
  );
  expect(trigger.headers.get('location')).toContain('/locations/westus/operationResults/');
  await h.advance(2);
  const jobId = (await h.arm('GET', statusUrl)).body.properties.jobId as string;

  const source = { sourceRegion: 'eastus', sourceBackupVaultId: PROD_VAULT };
  const one = await h.arm('POST', `${LOCATION}/westus/fetchCrossRegionRestoreJob`, {
    ...source,
    jobId: jobId.split('/').pop(),
  });
  expect(one.status).toBe(200);
  expect(one.body.id).toBe(jobId);
  expect(one.body.properties.status).toBe('InProgress');
  const list = await h.arm('POST', `${LOCATION}/westus/fetchCrossRegionRestoreJobs`, source);
  expect(list.body.value.map((j: Json) => j.id)).toEqual([jobId]);
  // Cross-region jobs live in the secondary region, not in the vault's own job list.
  expect((await h.arm('GET', `${PROD_VAULT}/backupJobs`)).body.value).toEqual([]);

  await h.advance(120);
  const done = await h.arm('POST', `${LOCATION}/westus/fetchCrossRegionRestoreJob`, { ...source, jobId });
  expect(done.body.properties.status).toBe('Completed');
});

test('job lists page at 100 with a nextLink', async () => {
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const point = await newestPoint(instance);
  for (let i = 0; i < 101; i++) {
    expect((await h.arm('POST', `${instance.id}/restore`, restoreRequest(point))).status).toBe(202);
  }
  const { pageSizes } = await h.listAll('GET', `${PROD_VAULT}/backupJobs`);
  expect(pageSizes).toEqual([100, 1]);
});

test('cross-region job lists page at 100 too, their nextLink followed with GET', async () => {
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const body = {
    restoreRequestObject: restoreRequest(await newestPoint(instance)),
    crossRegionRestoreDetails: { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id },
  };
  for (let i = 0; i < 101; i++) {
    expect((await h.arm('POST', `${LOCATION}/westus/crossRegionRestore`, body)).status).toBe(202);
  }
  const source = { sourceRegion: 'eastus', sourceBackupVaultId: PROD_VAULT };
  const { items, pageSizes } = await h.listAll('POST', `${LOCATION}/westus/fetchCrossRegionRestoreJobs`, source);
  expect(pageSizes).toEqual([100, 1]);
  expect(new Set(items.map((j: Json) => j.id)).size).toBe(101);
});
