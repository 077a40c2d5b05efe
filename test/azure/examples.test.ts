import {
  armIdEquals,
  type BackupVaultResource,
  classifyJobStatus,
  DataProtectionClient,
  jobPhase,
  pickNewestRecoveryPoint,
  StaticTokenCredential,
  vaultPosture,
} from '../../src/azure';
import { type FakeArm, loadExample, pathOf, rebase, startFakeArm } from './fake-arm';

/**
 * Every official example response for the operations the client covers, served over real HTTP so the
 * client's transport, paging, LRO and model code all run on Azure's own payloads.
 */
let arm: FakeArm;
let client: DataProtectionClient;

beforeAll(async () => {
  arm = await startFakeArm();
});
afterAll(() => arm.close());
beforeEach(() => {
  arm.requests.length = 0;
  client = new DataProtectionClient({
    endpoint: arm.url,
    credential: new StaticTokenCredential('example-token'),
    retry: { maxRetries: 0 },
    lro: { pollIntervalMs: 5, maxPollIntervalMs: 20 },
  });
});

const vaultIdOf = (p: Record<string, unknown>) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.DataProtection/backupVaults/${p.vaultName}`;
const instanceIdOf = (p: Record<string, unknown>) => `${vaultIdOf(p)}/backupInstances/${p.backupInstanceName}`;

function serve(example: ReturnType<typeof loadExample>, status = '200') {
  arm.setHandler(() => ({ status: Number(status), body: example.responses[status].body }));
}

describe('vaults', () => {
  test('GetBackupVault: posture, odd id casing and open enums', async () => {
    const ex = loadExample('VaultCRUD/GetBackupVault.json');
    serve(ex);
    const vault = await client.getVault(vaultIdOf(ex.parameters));

    expect(arm.requests[0].method).toBe('GET');
    expect(arm.requests[0].path).toBe(
      '/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c/resourceGroups/SampleResourceGroup/providers/Microsoft.DataProtection/backupVaults/swaggerExample',
    );
    expect(arm.requests[0].query.get('api-version')).toBe('2026-07-01');
    expect(arm.requests[0].headers.authorization).toBe('Bearer example-token');
    // The payload spells it `Backupvaults`; it is still the vault we asked for.
    expect(vault.id).toContain('/Backupvaults/');
    expect(armIdEquals(vault.id, vaultIdOf(ex.parameters))).toBe(true);

    expect(vaultPosture(vault)).toEqual({
      vaultId: vault.id,
      name: 'swaggerExample',
      location: 'westus',
      storageRedundancy: 'LocallyRedundant',
      crossRegionRestore: 'Enabled',
      // The example shows CRR Enabled on an LRS vault; CRR still cannot work there.
      crossRegionRestoreAvailable: false,
      immutability: undefined,
      immutabilityLocked: false,
      softDelete: 'Enabled',
      softDeleteRetentionDays: 14,
      secondaryRegion: 'eastus',
      secondaryRegionSource: 'pairedRegion',
    });
  });

  test.each([
    ['VaultCRUD/GetBackupVaultsInResourceGroup.json', 'rg'],
    ['VaultCRUD/GetBackupVaultsInSubscription.json', 'sub'],
  ])('%s lists vaults', async (file, scope) => {
    const ex = loadExample(file);
    serve(ex);
    const p = ex.parameters;
    const pager =
      scope === 'rg'
        ? client.listVaultsInResourceGroup(String(p.subscriptionId), String(p.resourceGroupName))
        : client.listVaultsInSubscription(String(p.subscriptionId));
    const vaults = await pager.toArray();
    expect(vaults.map((v) => v.name)).toEqual(['ExampleVault1', 'ExampleVault2']);
    expect(vaults.every((v) => v.id.includes('/BackupVaults/'))).toBe(true);
    expect(arm.requests).toHaveLength(1);
    expect(arm.requests[0].path).toMatch(/\/providers\/Microsoft\.DataProtection\/backupVaults$/);
    for (const v of vaults) expect(vaultPosture(v).location).toBe('westus');
  });

  test('PatchBackupVault 202: follows the async URLs exactly (even without ?api-version) to the final vault', async () => {
    const patchEx = loadExample('VaultCRUD/PatchBackupVault.json');
    const statusEx = loadExample('GetOperationStatusVaultContext.json');
    const resultEx = loadExample('VaultCRUD/GetOperationResultPatch.json');
    const accepted = patchEx.responses['202'].headers ?? {};
    const asyncUrl = rebase(accepted['Azure-AsyncOperation'], arm.url);
    const locationUrl = rebase(accepted.Location, arm.url);
    arm.setHandler((req) => {
      if (req.method === 'PATCH')
        return { status: 202, headers: { ...accepted, 'Azure-AsyncOperation': asyncUrl, Location: locationUrl } };
      if (req.path === pathOf(asyncUrl)) return { status: 200, body: statusEx.responses['200'].body };
      if (req.path === pathOf(locationUrl)) return { status: 200, body: resultEx.responses['200'].body };
      return { status: 404, body: { error: { code: 'ResourceNotFound', message: req.path } } };
    });

    const params = patchEx.parameters;
    const op = await client.updateVault(vaultIdOf(params), params.parameters as object);
    expect(op.isDone).toBe(false);
    const vault: BackupVaultResource = await op.pollUntilDone();

    const [patch, status, result] = arm.requests;
    expect(patch.method).toBe('PATCH');
    expect(patch.body).toEqual(params.parameters);
    // The example's status URL ends in `==2026-06-01` with no query: the path is followed byte for byte.
    expect(status.path).toBe(pathOf(asyncUrl));
    expect(status.path.endsWith('==2026-06-01')).toBe(true);
    expect(result.path).toBe(pathOf(locationUrl));
    expect(vault.name).toBe('swaggerExample');
    expect(vaultPosture(vault).storageRedundancy).toBe('LocallyRedundant');
  });

  test('PatchBackupVault 200: done at once with the updated vault', async () => {
    const ex = loadExample('VaultCRUD/PatchBackupVault.json');
    serve(ex);
    const op = await client.updateVault(vaultIdOf(ex.parameters), ex.parameters.parameters as object);
    expect(op.isDone).toBe(true);
    expect((await op.pollUntilDone()).tags).toEqual({ newKey: 'newVal' });
    expect(arm.requests).toHaveLength(1);
  });
});

describe('backup instances and recovery points', () => {
  test('ListBackupInstances / GetBackupInstance', async () => {
    const list = loadExample('BackupInstanceOperations/ListBackupInstances.json');
    serve(list);
    const instances = await client.listBackupInstances(vaultIdOf(list.parameters)).toArray();
    expect(instances).toHaveLength(1);
    expect(instances[0].properties.dataSourceInfo.resourceID).toMatch(/Microsoft\.DBforPostgreSQL/);

    const get = loadExample('BackupInstanceOperations/GetBackupInstance.json');
    serve(get);
    const bi = await client.getBackupInstance(instanceIdOf(get.parameters));
    expect(bi.name).toBe('harshitbi2');
    expect(bi.properties.protectionStatus?.status).toBe('NotProtected');
    expect(bi.properties.policyInfo?.policyVersion).toBe('3.2');
    expect(arm.requests.at(-1)?.path).toMatch(/\/backupInstances\/testInstance1$/);
  });

  test('ListRecoveryPoints / GetRecoveryPoint', async () => {
    const list = loadExample('BackupInstanceOperations/ListRecoveryPoints.json');
    serve(list);
    const points = await client.listRecoveryPoints(instanceIdOf(list.parameters)).toArray();
    expect(points.map((p) => p.properties.recoveryPointTime)).toEqual(['2019-03-01T13:00:00Z', '2018-01-01T13:00:00Z']);
    expect(points[0].type).toBe('microsoft.dataprotection/backupvaults/backupInstances/recoveryPoints');
    expect(points[0].properties.immutabilityProperties).toEqual({
      isImmutable: true,
      expiryTime: '2019-04-01T13:00:00Z',
    });
    expect(pickNewestRecoveryPoint([...points].reverse())?.properties.recoveryPointTime).toBe('2019-03-01T13:00:00Z');
    expect(arm.requests[0].query.has('$filter')).toBe(false);

    const get = loadExample('BackupInstanceOperations/GetRecoveryPoint.json');
    serve(get);
    const rp = await client.getRecoveryPoint(instanceIdOf(get.parameters), String(get.parameters.recoveryPointId));
    expect(rp.properties.recoveryPointState).toBe('Completed');
    expect(rp.properties.recoveryPointDataStoresDetails?.map((d) => d.type)).toEqual(['Snapshot', 'BackupStorage']);
    expect(arm.requests.at(-1)?.path).toMatch(/\/recoveryPoints\/7fb2cddd-c5b3-44f6-a0d9-db3c4f9d5f25$/);
  });

  test('FetchSecondaryRPs: POST to the normalised secondary location', async () => {
    const ex = loadExample('CrossRegionRestore/FetchSecondaryRPs.json');
    serve(ex);
    const body = ex.parameters.parameters as { sourceRegion: string; sourceBackupInstanceId: string };
    const points = await client.fetchSecondaryRecoveryPoints(String(ex.parameters.location), body).toArray();
    expect(points).toHaveLength(2);
    expect(points[1].properties.objectType).toBe('AzureBackupDiscreteRecoveryPoint');
    const req = arm.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe(
      '/subscriptions/04cf684a-d41f-4550-9f70-7708a3a2283b/resourceGroups/HelloTest/providers/Microsoft.DataProtection/locations/westus/fetchSecondaryRecoveryPoints',
    );
    expect(req.body).toEqual({ sourceRegion: 'eastus', sourceBackupInstanceId: body.sourceBackupInstanceId });
  });
});

describe('jobs', () => {
  test('GetJob: status Started is running; ids keep their casing', async () => {
    const ex = loadExample('JobCRUD/GetJob.json');
    serve(ex);
    const id = `${vaultIdOf(ex.parameters)}/backupJobs/${ex.parameters.jobId}`;
    const job = await client.getJob(id);
    expect(job.properties.status).toBe('Started');
    expect(jobPhase(job)).toBe('running');
    expect(job.id).toContain('/Backupvaults/');
    expect(armIdEquals(job.id, id)).toBe(true);
    expect(job.properties.extendedInfo?.subTasks?.[0].taskName).toBe('Trigger Backup');
  });

  test('ListJobs: mixed statuses classify', async () => {
    const ex = loadExample('JobCRUD/ListJobs.json');
    serve(ex);
    const jobs = await client.listJobs(vaultIdOf(ex.parameters)).toArray();
    expect(jobs.map((j) => classifyJobStatus(j.properties.status))).toEqual([
      'running',
      'running',
      'running',
      'succeeded',
    ]);
  });

  test('FetchCrossRegionRestoreJobs / FetchCrossRegionRestoreJob', async () => {
    const list = loadExample('CrossRegionRestore/FetchCrossRegionRestoreJobs.json');
    serve(list);
    const p = list.parameters.parameters as { sourceRegion: string; sourceBackupVaultId: string };
    const jobs = await client.fetchCrossRegionRestoreJobs(String(list.parameters.location), p).toArray();
    expect(jobs).toHaveLength(4);
    expect(arm.requests[0].path).toMatch(/\/locations\/eastus\/fetchCrossRegionRestoreJobs$/);
    expect(arm.requests[0].body).toEqual({ sourceRegion: 'eastus', sourceBackupVaultId: p.sourceBackupVaultId });

    const one = loadExample('CrossRegionRestore/FetchCrossRegionRestoreJob.json');
    serve(one);
    const q = one.parameters.parameters as { sourceRegion: string; sourceBackupVaultId: string; jobId: string };
    // Given the full job id, the body still carries the bare GUID as in the example.
    const job = await client.fetchCrossRegionRestoreJob('west us', {
      ...q,
      jobId: `${q.sourceBackupVaultId}/backupJobs/${q.jobId}`,
    });
    expect(arm.requests.at(-1)?.path).toMatch(/\/locations\/westus\/fetchCrossRegionRestoreJob$/);
    expect(arm.requests.at(-1)?.body).toEqual({
      sourceRegion: 'eastus',
      sourceBackupVaultId: q.sourceBackupVaultId,
      jobId: q.jobId,
    });
    expect(job.properties.dataSourceLocation).toBe('east us');
    expect(jobPhase(job)).toBe('running');
  });
});

describe('restore operations follow the examples LRO headers to completion', () => {
  const inProgress = { status: 'Inprogress', startTime: '2025-02-17T06:00:00Z', endTime: '0001-01-01T00:00:00Z' };

  test.each([
    ['BackupInstanceOperations/TriggerRestore.json', 'restore'],
    ['BackupInstanceOperations/TriggerRestoreAsFiles.json', 'restore'],
    ['BackupInstanceOperations/ValidateRestore.json', 'validateRestore'],
    ['CrossRegionRestore/TriggerCrossRegionRestore.json', 'crossRegionRestore'],
    ['CrossRegionRestore/ValidateCrossRegionRestore.json', 'validateCrossRegionRestore'],
  ])('%s', async (file, kind) => {
    const ex = loadExample(file);
    const statusEx = loadExample('GetOperationStatusVaultContext.json');
    const resultEx = loadExample('GetOperationResult.json');
    const accepted = ex.responses['202'].headers ?? {};
    const asyncUrl = rebase(accepted['Azure-AsyncOperation'], arm.url);
    const locationUrl = rebase(accepted.Location, arm.url);
    let polls = 0;
    arm.setHandler((req) => {
      if (req.method === 'POST')
        return { status: 202, headers: { ...accepted, 'Azure-AsyncOperation': asyncUrl, Location: locationUrl } };
      if (req.path === pathOf(asyncUrl))
        return { status: 200, body: ++polls < 2 ? inProgress : statusEx.responses['200'].body };
      if (req.path === pathOf(locationUrl)) return { status: 200, body: resultEx.responses['200'].body };
      return { status: 404, body: { error: { code: 'ResourceNotFound', message: req.path } } };
    });

    const p = ex.parameters;
    const body = p.parameters as never;
    const op =
      kind === 'restore'
        ? await client.restore(instanceIdOf(p), body)
        : kind === 'validateRestore'
          ? await client.validateRestore(
              instanceIdOf(p),
              (p.parameters as { restoreRequestObject: never }).restoreRequestObject,
            )
          : kind === 'crossRegionRestore'
            ? await client.crossRegionRestore(String(p.location), body)
            : await client.validateCrossRegionRestore(String(p.location), body);
    expect(op.kind).toBe(kind);
    expect(op.operationLocation).toBe(asyncUrl);
    const result = await op.pollUntilDone();

    const methods = arm.requests.map(
      (r) =>
        `${r.method} ${r.path === pathOf(asyncUrl) ? 'status' : r.path === pathOf(locationUrl) ? 'result' : r.path}`,
    );
    expect(methods.slice(1)).toEqual(['GET status', 'GET status', 'GET result']);
    if (/crossregion/i.test(kind)) {
      expect(arm.requests[0].path).toMatch(new RegExp(`/locations/eastasia/${kind}$`));
      // The CRR vault is taken from the source instance id, whose casing (`BackupInstances`) varies.
      const vault = vaultIdOf(p);
      expect(result.jobId).toBe(`${vault}/backupJobs/c60cb49-63e8-4b21-b9bd-26277b3fdfae`);
    } else {
      expect(arm.requests[0].path).toBe(
        pathOf(`${instanceIdOf(p)}/${kind === 'restore' ? 'restore' : 'validateRestore'}`),
      );
      // The example's jobId is a bare GUID: the client hands out the full job id in the vault.
      expect(result).toEqual({
        objectType: 'OperationJobExtendedInfo',
        jobId: `${vaultIdOf(p)}/backupJobs/c60cb49-63e8-4b21-b9bd-26277b3fdfae`,
      });
    }
  });

  test('TriggerRestore 200: the job is known at once', async () => {
    const ex = loadExample('BackupInstanceOperations/TriggerRestore.json');
    serve(ex);
    const op = await client.restore(instanceIdOf(ex.parameters), ex.parameters.parameters as never);
    expect(op.isDone).toBe(true);
    expect((await op.pollUntilDone()).jobId).toBe(
      `${vaultIdOf(ex.parameters)}/backupJobs/c60cb49-63e8-4b21-b9bd-26277b3fdfae`,
    );
    expect(arm.requests).toHaveLength(1);
  });

  test('operation status examples (location, RG and vault context) complete a poll', async () => {
    for (const file of [
      'GetOperationStatus.json',
      'GetOperationStatusRGContext.json',
      'GetOperationStatusVaultContext.json',
    ]) {
      const statusEx = loadExample(file);
      const statusBody = statusEx.responses['200'].body as { id: string };
      const statusUrl = `${arm.url}${statusBody.id}?api-version=2026-07-01`;
      arm.requests.length = 0;
      arm.setHandler((req) => {
        if (req.method === 'POST')
          return { status: 202, headers: { 'Azure-AsyncOperation': statusUrl, 'Retry-After': '0' } };
        // The status body has no jobId and there is no Location: succeeded, job unknown.
        return { status: 200, body: statusBody };
      });
      const op = await client.validateRestore(
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/v/backupInstances/bi',
        { objectType: 'AzureBackupRecoveryPointBasedRestoreRequest' } as never,
      );
      await expect(op.pollUntilDone()).resolves.toEqual({ objectType: 'OperationJobExtendedInfo' });
      expect(arm.requests[1].path).toBe(pathOf(statusBody.id));
    }
  });
});
