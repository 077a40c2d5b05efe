/**
 * Contract: every response the emulator gives for the operations the bot uses validates against that
 * operation's response schema in the official dataprotection.json. The requests are made with plain fetch
 * (not our client), so that the emulator is held against the spec and nothing else.
 */
import { startEmulator } from '../../src/emulator';
import { OpenApi } from './openapi';

const API = 'api-version=2026-07-01';
const SUB = '11111111-1111-1111-1111-111111111111';
const RG = 'rg-backup-prod';
const VAULT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus`;
const AUTH = { authorization: 'Bearer contract-test' };

const api = new OpenApi();
let emulator: Awaited<ReturnType<typeof startEmulator>>;
const checked = new Map<string, Set<number>>();

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls the emulator and validates the answer against the spec operation that the path and method match. */
async function call(method: string, pathOrUrl: string, body?: unknown): Promise<Answer> {
  const url = pathOrUrl.startsWith('http')
    ? pathOrUrl
    : `${emulator.url}${pathOrUrl}${pathOrUrl.includes('?') ? '&' : '?'}${API}`;
  const res = await fetch(url, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  const path = new URL(url).pathname;
  const operationId = api.matchOperation(method, path);
  if (!operationId) throw new Error(`${method} ${path} matches no operation of the spec`);
  expect({ operationId, status: res.status, errors: api.validateResponse(operationId, res.status, json) }).toEqual({
    operationId,
    status: res.status,
    errors: [],
  });
  if (!checked.has(operationId)) checked.set(operationId, new Set());
  checked.get(operationId)!.add(res.status);
  return { status: res.status, headers: res.headers, body: json };
}

async function admin(path: string, body?: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

/** Follows a long-running operation the way ARM documents it, validating every poll. */
async function followLro(initial: Answer): Promise<Answer> {
  expect(initial.status).toBe(202);
  const statusUrl = initial.headers.get('azure-asyncoperation');
  const resultUrl = initial.headers.get('location');
  expect(statusUrl).toMatch(/^http/);
  expect(resultUrl).toMatch(/^http/);
  expect(Number(initial.headers.get('retry-after'))).toBeGreaterThan(0);
  let status = await call('GET', statusUrl!);
  for (let i = 0; i < 5 && !/^(Succeeded|Failed|Canceled)$/i.test(status.body.status); i++) {
    await admin('clock', { advanceSeconds: 5 });
    status = await call('GET', statusUrl!);
  }
  expect(status.body.status).toMatch(/^(Succeeded|Failed)$/);
  return call('GET', resultUrl!);
}

const restoreBody = (recoveryPointId: string, region: string) => ({
  objectType: 'AzureBackupRecoveryPointBasedRestoreRequest',
  recoveryPointId,
  sourceDataStoreType: 'VaultStore',
  restoreTargetInfo: {
    objectType: 'RestoreFilesTargetInfo',
    recoveryOption: 'FailIfExists',
    restoreLocation: region,
    targetDetails: {
      url: 'https://stcontosodrwus.blob.core.windows.net/pg-restores',
      filePrefix: 'contract',
      restoreTargetLocationType: 'AzureBlobs',
    },
  },
});

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
});
afterAll(async () => {
  await emulator?.close();
});

describe('the emulator answers as dataprotection.json says', () => {
  it('vaults: list in subscription and resource group, get, and a PATCH followed to the end', async () => {
    const inSub = await call('GET', `/subscriptions/${SUB}/providers/Microsoft.DataProtection/backupVaults`);
    expect(inSub.body.value.length).toBeGreaterThanOrEqual(2);
    await call('GET', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.DataProtection/backupVaults`);
    const vault = await call('GET', VAULT);
    expect(vault.body.properties.storageSettings[0].type).toBe('GeoRedundant');
    const patch = await call('PATCH', VAULT, { tags: { owner: 'contract' } });
    if (patch.status === 202) await followLro(patch);
    else expect(patch.status).toBe(200);
    const missing = await call('GET', VAULT.replace('bv-prod-eastus', 'bv-nowhere'));
    expect(missing.status).toBe(404);
  });

  it('backup instances, recovery points (two pages of a filtered window), and a single point', async () => {
    const instances = await call('GET', `${VAULT}/backupInstances`);
    const instance = instances.body.value[0];
    await call('GET', instance.id);
    const points = await call('GET', `${instance.id}/recoveryPoints`);
    expect(points.body.value.length).toBeGreaterThan(0);
    const point = points.body.value[0];
    await call('GET', `${instance.id}/recoveryPoints/${point.name}`);
    const filter = encodeURIComponent(
      `startDate eq '2000-01-01T00:00:00.0000000Z' and endDate eq '2100-01-01T00:00:00.0000000Z'`,
    );
    await call('GET', `${instance.id}/recoveryPoints?$filter=${filter}`);
  });

  it('validateRestore and restore: 202, status and result polling, then the job (running and completed)', async () => {
    const instance = (await call('GET', `${VAULT}/backupInstances`)).body.value[0];
    const point = (await call('GET', `${instance.id}/recoveryPoints`)).body.value[0];
    const body = restoreBody(point.properties.recoveryPointId, 'eastus');
    await followLro(
      await call('POST', `${instance.id}/validateRestore`, {
        objectType: 'ValidateRestoreRequestObject',
        restoreRequestObject: body,
      }),
    );
    const result = await followLro(await call('POST', `${instance.id}/restore`, body));
    const jobId: string = result.body.jobId;
    const jobPath = jobId.startsWith('/') ? jobId : `${VAULT}/backupJobs/${jobId}`;
    const running = await call('GET', jobPath);
    expect(running.body.properties.status).toBe('InProgress');
    await call('GET', `${VAULT}/backupJobs`);
    await admin('clock', { advanceSeconds: 600 });
    const done = await call('GET', jobPath);
    expect(done.body.properties.status).toMatch(/^(Completed|Failed)$/);
  });

  it('Cross Region Restore: secondary points, validate, trigger and the CRR jobs', async () => {
    const instance = (await call('GET', `${VAULT}/backupInstances`)).body.value[0];
    const secondary = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.DataProtection/locations/westus`;
    const details = { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id };
    const points = await call('POST', `${secondary}/fetchSecondaryRecoveryPoints`, details);
    expect(points.body.value.length).toBeGreaterThan(0);
    const crrBody = {
      restoreRequestObject: restoreBody(points.body.value[0].properties.recoveryPointId, 'westus'),
      crossRegionRestoreDetails: details,
    };
    await followLro(await call('POST', `${secondary}/validateCrossRegionRestore`, crrBody));
    const result = await followLro(await call('POST', `${secondary}/crossRegionRestore`, crrBody));
    const jobs = await call('POST', `${secondary}/fetchCrossRegionRestoreJobs`, {
      sourceRegion: 'eastus',
      sourceBackupVaultId: VAULT,
    });
    expect(jobs.body.value.length).toBeGreaterThan(0);
    const jobName = String(result.body.jobId).split('/').pop();
    await call('POST', `${secondary}/fetchCrossRegionRestoreJob`, {
      sourceRegion: 'eastus',
      sourceBackupVaultId: VAULT,
      jobId: jobName,
    });
  });

  it('errors are CloudError bodies of the right status', async () => {
    const dev = VAULT.replace('rg-backup-prod', 'rg-backup-dev').replace('bv-prod-eastus', 'bv-dev-eastus2');
    const devVault = (
      await call('GET', `/subscriptions/${SUB}/providers/Microsoft.DataProtection/backupVaults`)
    ).body.value.find((v: any) => v.name === 'bv-dev-eastus2');
    const devInstance = (await call('GET', `${devVault?.id ?? dev}/backupInstances`)).body.value[0];
    const refused = await call(
      'POST',
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.DataProtection/locations/centralus/fetchSecondaryRecoveryPoints`,
      { sourceRegion: 'eastus2', sourceBackupInstanceId: devInstance.id },
    );
    expect([refused.status, refused.body.error.code]).toEqual([400, 'CrossRegionRestoreNotEnabled']);
    const bad = await call('POST', `${devInstance.id}/restore`, { objectType: 'Nonsense' });
    expect(bad.status).toBe(400);
  });

  afterAll(() => {
    // The covered operations, so a shrinking contract shows up in review.
    expect([...checked.keys()].sort()).toEqual(
      expect.arrayContaining([
        'BackupInstances_Get',
        'BackupInstances_List',
        'BackupInstances_TriggerCrossRegionRestore',
        'BackupInstances_TriggerRestore',
        'BackupInstances_ValidateCrossRegionRestore',
        'BackupInstances_ValidateForRestore',
        'BackupVaults_Get',
        'BackupVaults_GetInResourceGroup',
        'BackupVaults_GetInSubscription',
        'BackupVaults_Update',
        'FetchCrossRegionRestoreJob_Get',
        'FetchCrossRegionRestoreJobs_List',
        'FetchSecondaryRecoveryPoints_List',
        'Jobs_Get',
        'Jobs_List',
        'RecoveryPoints_Get',
        'RecoveryPoints_List',
      ]),
    );
  });
});
