/**
 * Bad requests get the ARM error a client can act on (401, 400, 404 CloudError with a code), never a 500.
 */
import { DEV_VAULT, Harness, type Json, PROD_VAULT, restoreRequest } from './harness';

let h: Harness;
let restorePath: string;
let validatePath: string;
let pointId: string;

beforeAll(async () => {
  h = await Harness.start();
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  restorePath = `${instance.id}/restore`;
  validatePath = `${instance.id}/validateRestore`;
  pointId = (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value[0].name;
});
afterAll(() => h.close());

function expectCloudError(answer: { status: number; body: Json }, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(typeof answer.body.error.message).toBe('string');
  expect(answer.body.error.message.length).toBeGreaterThan(0);
}

test('a request without a bearer token is refused with 401 AuthenticationFailed', async () => {
  expectCloudError(await h.arm('GET', PROD_VAULT, undefined, { auth: null }), 401, 'AuthenticationFailed');
  expectCloudError(await h.arm('GET', PROD_VAULT, undefined, { auth: 'Bearer ' }), 401, 'AuthenticationFailed');
  expectCloudError(
    await h.arm('GET', PROD_VAULT, undefined, { auth: 'Basic dXNlcjpwdw==' }),
    401,
    'AuthenticationFailed',
  );
});

test('a wrong or missing api-version is 400 InvalidApiVersionParameter; /subscriptions wants its own version', async () => {
  expectCloudError(
    await h.arm('GET', PROD_VAULT, undefined, { apiVersion: '2023-11-01' }),
    400,
    'InvalidApiVersionParameter',
  );
  expectCloudError(await h.arm('GET', PROD_VAULT, undefined, { apiVersion: null }), 400, 'InvalidApiVersionParameter');
  expectCloudError(await h.arm('GET', '/subscriptions'), 400, 'InvalidApiVersionParameter');
  const subs = await h.arm('GET', '/subscriptions', undefined, { apiVersion: '2022-12-01' });
  expect(subs.status).toBe(200);
  expect(subs.body.value.map((s: Json) => s.displayName)).toEqual(['Contoso Production']);
});

test('unknown vaults, instances, points and jobs are 404 ResourceNotFound', async () => {
  const missingVault = PROD_VAULT.replace('bv-prod-eastus', 'bv-nope');
  expectCloudError(await h.arm('GET', missingVault), 404, 'ResourceNotFound');
  expectCloudError(await h.arm('GET', `${missingVault}/backupInstances`), 404, 'ResourceNotFound');
  expectCloudError(
    await h.arm('POST', `${missingVault}/backupInstances/x/restore`, restoreRequest(pointId)),
    404,
    'ResourceNotFound',
  );
  expectCloudError(await h.arm('GET', `${PROD_VAULT}/backupInstances/pg-nope-1`), 404, 'ResourceNotFound');
  expectCloudError(
    await h.arm('GET', `${restorePath.replace('/restore', '')}/recoveryPoints/${'0'.repeat(32)}`),
    404,
    'ResourceNotFound',
  );
  expectCloudError(
    await h.arm('GET', `${PROD_VAULT}/backupJobs/00000000-0000-0000-0000-000000000000`),
    404,
    'ResourceNotFound',
  );
});

test('names compare case-insensitively, as in Azure', async () => {
  const shouted = PROD_VAULT.replace('resourceGroups/rg-backup-prod', 'resourcegroups/RG-BACKUP-PROD').replace(
    'backupVaults/bv-prod-eastus',
    'BackupVaults/BV-Prod-EastUS',
  );
  const answer = await h.arm('GET', shouted);
  expect(answer.status).toBe(200);
  expect(answer.body.name).toBe('bv-prod-eastus');
});

test('malformed JSON is 400 InvalidRequestContent', async () => {
  expectCloudError(
    await h.arm('POST', restorePath, undefined, { rawBody: '{"objectType": ' }),
    400,
    'InvalidRequestContent',
  );
  expectCloudError(await h.arm('POST', validatePath, undefined, { rawBody: 'not json' }), 400, 'InvalidRequestContent');
  expectCloudError(await h.arm('PATCH', PROD_VAULT, undefined, { rawBody: '[1,' }), 400, 'InvalidRequestContent');
});

test('a wrong objectType, a missing recoveryPointId or a non-file target is 400 InvalidRequestContent naming the property', async () => {
  const wrongType = await h.arm(
    'POST',
    restorePath,
    restoreRequest(pointId, { objectType: 'AzureBackupRecoveryTimeBasedRestoreRequest' }),
  );
  expectCloudError(wrongType, 400, 'InvalidRequestContent');
  expect(wrongType.body.error.message).toContain('objectType');

  const { recoveryPointId: _omit, ...withoutPoint } = restoreRequest(pointId);
  const missing = await h.arm('POST', restorePath, withoutPoint);
  expectCloudError(missing, 400, 'InvalidRequestContent');
  expect(missing.body.error.message).toContain('recoveryPointId');

  const toDatabase = restoreRequest(pointId, {
    restoreTargetInfo: { objectType: 'RestoreTargetInfo', recoveryOption: 'FailIfExists', datasourceInfo: {} },
  });
  expectCloudError(await h.arm('POST', restorePath, toDatabase), 400, 'InvalidRequestContent');
  expectCloudError(await h.arm('POST', validatePath, { restoreRequestObject: 'nope' }), 400, 'InvalidRequestContent');
  expectCloudError(await h.arm('POST', restorePath), 400, 'InvalidRequestContent');
});

test('a recovery point the instance does not have is 400 UserErrorRecoveryPointNotFound', async () => {
  const answer = await h.arm('POST', validatePath, { restoreRequestObject: restoreRequest('f'.repeat(32)) });
  expectCloudError(answer, 400, 'UserErrorRecoveryPointNotFound');
});

test('extra properties, such as the top-level objectType the CLI adds, are tolerated', async () => {
  const answer = await h.arm('POST', validatePath, {
    objectType: 'ValidateRestoreRequestObject',
    restoreRequestObject: { ...restoreRequest(pointId), somethingNew: true },
    anotherUnknown: 1,
  });
  expect(answer.status).toBe(202);
});

test('cross-region calls for a LocallyRedundant vault are 400 CrossRegionRestoreNotEnabled', async () => {
  const devInstance = await h.instance(DEV_VAULT, 'pg-orders-dev');
  const location = `/subscriptions/${devInstance.id.split('/')[2]}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/locations/centralus`;
  const fetchPoints = await h.arm('POST', `${location}/fetchSecondaryRecoveryPoints`, {
    sourceRegion: 'eastus2',
    sourceBackupInstanceId: devInstance.id,
  });
  expectCloudError(fetchPoints, 400, 'CrossRegionRestoreNotEnabled');
  const jobs = await h.arm('POST', `${location}/fetchCrossRegionRestoreJobs`, {
    sourceRegion: 'eastus2',
    sourceBackupVaultId: DEV_VAULT,
  });
  expectCloudError(jobs, 400, 'CrossRegionRestoreNotEnabled');
  const crr = await h.arm('POST', `${location}/crossRegionRestore`, {
    restoreRequestObject: restoreRequest(pointId),
    crossRegionRestoreDetails: { sourceRegion: 'eastus2', sourceBackupInstanceId: devInstance.id },
  });
  expectCloudError(crr, 400, 'CrossRegionRestoreNotEnabled');
});

test('an unknown path is a 404 CloudError and an unsupported method a 405, not a 500', async () => {
  expectCloudError(await h.arm('GET', `${PROD_VAULT}/backupPolicies`), 404, 'ResourceNotFound');
  expect((await h.arm('DELETE', PROD_VAULT)).status).toBe(405);
});
