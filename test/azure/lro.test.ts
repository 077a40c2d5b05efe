import { DataProtectionClient, isAzureError, StaticTokenCredential } from '../../src/azure';
import { type FakeArm, type Reply, startFakeArm } from './fake-arm';

const SUB = '11111111-1111-1111-1111-111111111111';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-prod`;
const INSTANCE = `${VAULT}/backupInstances/pg-orders-1234`;
const JOB_ID = `${VAULT}/backupJobs/0f6c3d5e-1111-4c1e-9d1b-6a6a6a6a6a6a`;
const REQUEST = { objectType: 'AzureBackupRecoveryPointBasedRestoreRequest', recoveryPointId: 'rp1' } as never;

let arm: FakeArm;
beforeAll(async () => {
  arm = await startFakeArm();
});
afterAll(() => arm.close());
beforeEach(() => {
  arm.requests.length = 0;
});

const client = (lro = { pollIntervalMs: 10, maxPollIntervalMs: 5_000 }) =>
  new DataProtectionClient({
    endpoint: arm.url,
    credential: new StaticTokenCredential('t'),
    retry: { maxRetries: 2, baseDelayMs: 5 },
    lro,
  });

/** Location-context URLs as the emulator and the PG-flex REST walkthrough use them; opId is base64 with `==`. */
function scriptRestore(opts: {
  pollsBeforeDone: number;
  outcome: 'Succeeded' | 'Failed' | 'Canceled';
  retryAfter?: string;
}) {
  const opId = 'ZTA4YjQ0ZGYtYmNkNS00YTk1LWFjZTM==';
  const statusPath = `/subscriptions/${SUB}/providers/Microsoft.DataProtection/locations/westus/operationStatus/${opId}`;
  const resultPath = `/subscriptions/${SUB}/providers/Microsoft.DataProtection/locations/westus/operationResults/${opId}`;
  let polls = 0;
  arm.setHandler((req) => {
    const retry = { 'Retry-After': opts.retryAfter ?? '0' };
    if (req.method === 'POST') {
      return {
        status: 202,
        headers: {
          ...retry,
          'Azure-AsyncOperation': `${arm.url}${statusPath}?api-version=2026-07-01`,
          Location: `${arm.url}${resultPath}?api-version=2026-07-01`,
        },
      };
    }
    if (req.path === statusPath) {
      if (++polls <= opts.pollsBeforeDone)
        return {
          status: 200,
          headers: retry,
          body: { id: statusPath, name: opId, status: 'Inprogress', endTime: '0001-01-01T00:00:00Z' },
        };
      if (opts.outcome === 'Failed') {
        return {
          status: 200,
          body: {
            id: statusPath,
            status: 'Failed',
            error: {
              code: 'UserErrorMSIMissingPermissions',
              message: 'The vault MSI lacks Storage Blob Data Contributor',
            },
          },
        };
      }
      if (opts.outcome === 'Canceled') return { status: 200, body: { id: statusPath, status: 'Canceled' } };
      // As in the REST walkthrough: a full job ARM id in the status body.
      return {
        status: 200,
        body: {
          id: statusPath,
          status: 'Succeeded',
          properties: { objectType: 'OperationJobExtendedInfo', jobId: JOB_ID },
        },
      };
    }
    if (req.path === resultPath)
      return { status: 200, body: { objectType: 'OperationJobExtendedInfo', jobId: JOB_ID } };
    return { status: 404, body: { error: { code: 'ResourceNotFound', message: req.path } } };
  });
  return { statusPath, resultPath };
}

test('a saved operation resumes in a fresh client (another process) and completes there', async () => {
  const { statusPath } = scriptRestore({ pollsBeforeDone: 1, outcome: 'Succeeded' });
  const op = await client().restore(INSTANCE, REQUEST);
  const saved = op.toString();
  expect(arm.requests).toHaveLength(1);
  expect(JSON.parse(saved)).toMatchObject({ kind: 'restore', vaultId: VAULT });
  expect(await op.serialize()).toBe(saved);

  const resumed = client().resumeOperation(saved);
  expect(resumed.kind).toBe('restore');
  expect(resumed.isDone).toBe(false);
  const result = await resumed.pollUntilDone();
  expect(result).toEqual({ objectType: 'OperationJobExtendedInfo', jobId: JOB_ID });
  // Only the status URL was polled, then the Location for the final result; the restore was not re-sent.
  expect(arm.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  expect(arm.requests.filter((r) => r.path === statusPath)).toHaveLength(2);
  // A finished operation still serialises and resumes as done without any call.
  const count = arm.requests.length;
  const again = client().resumeOperation(resumed.toString());
  expect(again.isDone).toBe(true);
  expect(arm.requests).toHaveLength(count);
});

test('Retry-After between polls is honoured', async () => {
  scriptRestore({ pollsBeforeDone: 1, outcome: 'Succeeded', retryAfter: '1' });
  const op = await client().restore(INSTANCE, REQUEST);
  const started = Date.now();
  await op.pollUntilDone();
  // Waits after the 202 and after the in-progress poll: two Retry-After seconds.
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
}, 10_000);

test("a failed operation becomes AZURE_OPERATION_FAILED with Azure's code and message", async () => {
  scriptRestore({ pollsBeforeDone: 0, outcome: 'Failed' });
  const op = await client().restore(INSTANCE, REQUEST);
  const error = await op.pollUntilDone().catch((e: unknown) => e);
  expect(isAzureError(error, 'AZURE_OPERATION_FAILED')).toBe(true);
  expect(error).toMatchObject({ armCode: 'UserErrorMSIMissingPermissions' });
  expect((error as Error).message).toContain('Storage Blob Data Contributor');
  expect(op.status).toBe('failed');
  // The failure survives a save/resume too.
  const resumedError = await client()
    .resumeOperation(op.toString())
    .pollUntilDone()
    .catch((e: unknown) => e);
  expect(resumedError).toMatchObject({ code: 'AZURE_OPERATION_FAILED', armCode: 'UserErrorMSIMissingPermissions' });
});

test('a cancelled operation rejects as AZURE_OPERATION_FAILED (canceled)', async () => {
  scriptRestore({ pollsBeforeDone: 0, outcome: 'Canceled' });
  const op = await client().restore(INSTANCE, REQUEST);
  await expect(op.pollUntilDone()).rejects.toMatchObject({
    code: 'AZURE_OPERATION_FAILED',
    details: { operationStatus: 'canceled' },
  });
});

test('a transient poll failure does not fail the operation: polling can continue', async () => {
  const { statusPath } = scriptRestore({ pollsBeforeDone: 0, outcome: 'Succeeded' });
  const op = await client().restore(INSTANCE, REQUEST);
  expect(arm.requests).toHaveLength(1);
  let failures = 0;
  arm.setHandler((req) =>
    req.path === statusPath && failures++ < 5
      ? { status: 500, body: { error: { code: 'InternalServerError', message: 'blip' } } }
      : { status: 200, body: { status: 'Succeeded', properties: { jobId: 'abc' } } },
  );
  await expect(op.poll()).rejects.toMatchObject({ code: 'AZURE_UNAVAILABLE' });
  expect(op.status).toBe('running');
  await expect(op.pollUntilDone()).resolves.toEqual({
    objectType: 'OperationJobExtendedInfo',
    jobId: `${VAULT}/backupJobs/abc`,
  });
});

test('a Location-only operation (no Azure-AsyncOperation) polls 202 until 200', async () => {
  let polls = 0;
  arm.setHandler((req): Reply => {
    if (req.method === 'POST')
      return {
        status: 202,
        headers: {
          Location: `${arm.url}/subscriptions/${SUB}/providers/Microsoft.DataProtection/locations/westus/operationResults/op1`,
          'Retry-After': '0',
        },
      };
    return ++polls < 3
      ? { status: 202, headers: { 'Retry-After': '0' } }
      : { status: 200, body: { objectType: 'OperationJobExtendedInfo', jobId: JOB_ID } };
  });
  const op = await client().crossRegionRestore('West US', {
    restoreRequestObject: REQUEST,
    crossRegionRestoreDetails: { sourceRegion: 'eastus', sourceBackupInstanceId: INSTANCE },
  });
  await expect(op.pollUntilDone()).resolves.toEqual({ objectType: 'OperationJobExtendedInfo', jobId: JOB_ID });
  expect(arm.requests[0].path).toBe(
    `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/locations/westus/crossRegionRestore`,
  );
  expect(arm.requests).toHaveLength(4);
  // A LRO URL without api-version gets ours appended (ARM rejects requests without one).
  expect(arm.requests[1].rawQuery).toBe('api-version=2026-07-01');
});

test('pollUntilDone can be cancelled while waiting', async () => {
  scriptRestore({ pollsBeforeDone: 100, outcome: 'Succeeded', retryAfter: '5' });
  const op = await client().restore(INSTANCE, REQUEST);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await expect(op.pollUntilDone({ abortSignal: controller.signal })).rejects.toMatchObject({ code: 'AZURE_CANCELLED' });
});

test('garbage and vault-update states are refused by resumeOperation', () => {
  const c = client();
  expect(() => c.resumeOperation('not json')).toThrow(
    expect.objectContaining({ code: 'AZURE_INVALID_OPERATION_STATE' }),
  );
  expect(() => c.resumeOperation('{"format":"other"}')).toThrow(
    expect.objectContaining({ code: 'AZURE_INVALID_OPERATION_STATE' }),
  );
  const vaultState = JSON.stringify({
    format: 'restore-bot/arm-lro',
    version: 1,
    kind: 'updateVault',
    vaultId: VAULT,
    poller: { state: { status: 'running', config: {} } },
  });
  expect(() => c.resumeOperation(vaultState)).toThrow(
    expect.objectContaining({ code: 'AZURE_INVALID_OPERATION_STATE' }),
  );
  expect(c.resumeVaultUpdate(vaultState).kind).toBe('updateVault');
});
