import {
  armIdEquals,
  type BackupVaultResource,
  buildCrossRegionRestoreRequest,
  buildPgFlexRestoreRequest,
  canonicalKey,
  classifyJobStatus,
  normaliseJobId,
  normalizeRegion,
  pairedRegion,
  parseArmErrorBody,
  parseBackupInstanceId,
  parseRetryAfterMs,
  vaultIdOf,
  vaultPosture,
} from '../../src/azure';

const VAULT = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus';
const INSTANCE = `${VAULT}/backupInstances/pg-orders-prod-5b1c`;

describe('ARM ids', () => {
  test('compare case-insensitively across the casings Azure uses', () => {
    expect(
      armIdEquals(VAULT, VAULT.replace('backupVaults', 'Backupvaults').replace('resourceGroups', 'resourcegroups')),
    ).toBe(true);
    expect(armIdEquals(`${VAULT}/`, VAULT.toUpperCase())).toBe(true);
    expect(armIdEquals(VAULT, VAULT.replace('bv-prod-eastus', 'bv-prod-westus'))).toBe(false);
    expect(canonicalKey(INSTANCE.replace('backupInstances', 'BackupInstances'))).toBe(canonicalKey(INSTANCE));
  });

  test('parse instance ids and find their vault in canonical casing', () => {
    const odd = INSTANCE.replace('backupVaults', 'Backupvaults').replace('backupInstances', 'BackupInstances');
    expect(parseBackupInstanceId(odd)).toEqual({
      subscriptionId: 's1',
      resourceGroup: 'rg',
      vaultName: 'bv-prod-eastus',
      backupInstanceName: 'pg-orders-prod-5b1c',
    });
    expect(vaultIdOf(odd)).toBe(VAULT);
  });

  test('reject ids that are not Data Protection resources', () => {
    expect(() =>
      parseBackupInstanceId(
        '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x/backupInstances/y',
      ),
    ).toThrow(expect.objectContaining({ code: 'AZURE_INVALID_RESOURCE_ID' }));
    expect(() => parseBackupInstanceId(VAULT)).toThrow(expect.objectContaining({ code: 'AZURE_INVALID_RESOURCE_ID' }));
    expect(() => vaultIdOf('not-an-id')).toThrow(expect.objectContaining({ code: 'AZURE_INVALID_RESOURCE_ID' }));
  });

  test('job ids: a bare GUID becomes the full id in the vault; a full id stays', () => {
    expect(normaliseJobId('3c60cb49-63e8-4b21-b9bd-26277b3fdfae', INSTANCE)).toBe(
      `${VAULT}/backupJobs/3c60cb49-63e8-4b21-b9bd-26277b3fdfae`,
    );
    const full = `${VAULT.replace('backupVaults', 'Backupvaults')}/backupJobs/abc`;
    expect(normaliseJobId(full, VAULT)).toBe(full);
  });
});

describe('regions', () => {
  test.each([
    ['East US', 'eastus'],
    ['EastAsia', 'eastasia'],
    ['west us', 'westus'],
    [' UK South ', 'uksouth'],
  ])('%s → %s', (input, expected) => expect(normalizeRegion(input)).toBe(expected));

  test('paired-region fallback', () => {
    expect(pairedRegion('East US')).toBe('westus');
    expect(pairedRegion('eastus2')).toBe('centralus');
    expect(pairedRegion('westus')).toBe('eastus');
    expect(pairedRegion('brazilsouth')).toBe('southcentralus');
    expect(pairedRegion('centralindia')).toBe('southindia');
    expect(pairedRegion('mars-north')).toBeUndefined();
  });
});

describe('job status', () => {
  test.each([
    ['Inprogress', 'running'],
    ['InProgress', 'running'],
    ['Started', 'running'],
    ['Cancelling', 'running'],
    ['Succeeded', 'succeeded'],
    ['Completed', 'succeeded'],
    ['CompletedWithWarnings', 'succeededWithWarnings'],
    ['Failed', 'failed'],
    ['Cancelled', 'cancelled'],
    ['Canceled', 'cancelled'],
    ['SomethingNew', 'running'],
    [undefined, 'running'],
  ])('%s → %s', (status, phase) => expect(classifyJobStatus(status)).toBe(phase));
});

describe('vault posture', () => {
  const vault = (
    properties: Partial<BackupVaultResource['properties']>,
    location = 'East US',
  ): BackupVaultResource => ({
    id: VAULT,
    name: 'bv',
    type: 'Microsoft.DataProtection/backupVaults',
    location,
    properties: { storageSettings: [], ...properties },
  });

  test('GRS + CRR Enabled with replicated region: CRR available there', () => {
    const p = vaultPosture(
      vault({
        storageSettings: [
          { datastoreType: 'OperationalStore', type: 'LocallyRedundant' },
          { datastoreType: 'VaultStore', type: 'GeoRedundant' },
        ],
        featureSettings: { crossRegionRestoreSettings: { state: 'Enabled' } },
        securitySettings: {
          immutabilitySettings: { state: 'Locked' },
          softDeleteSettings: { state: 'AlwaysOn', retentionDurationInDays: 14 },
        },
        replicatedRegions: ['Central US'],
      }),
    );
    expect(p).toMatchObject({
      location: 'eastus',
      storageRedundancy: 'GeoRedundant',
      crossRegionRestoreAvailable: true,
      immutability: 'Locked',
      immutabilityLocked: true,
      softDelete: 'AlwaysOn',
      secondaryRegion: 'centralus',
      secondaryRegionSource: 'replicatedRegions',
    });
  });

  test('GRS with CRR Disabled: not available; empty replicatedRegions falls back to the pair', () => {
    const p = vaultPosture(
      vault(
        { storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }], replicatedRegions: [] },
        'eastus2',
      ),
    );
    expect(p.crossRegionRestoreAvailable).toBe(false);
    expect([p.secondaryRegion, p.secondaryRegionSource]).toEqual(['centralus', 'pairedRegion']);
  });
});

describe('restore request builders', () => {
  const input = {
    recoveryPointId: '9d4a1c2e3f40516273849a0b1c2d3e4f',
    restoreRegion: 'East US',
    containerUrl: 'https://stcontosodr.blob.core.windows.net/pg-restores/',
    filePrefix: 'pg-orders-prod-20261124',
  };

  test('builds the PG flexible server restore-as-files request', () => {
    expect(buildPgFlexRestoreRequest(input)).toEqual({
      objectType: 'AzureBackupRecoveryPointBasedRestoreRequest',
      recoveryPointId: '9d4a1c2e3f40516273849a0b1c2d3e4f',
      sourceDataStoreType: 'VaultStore',
      restoreTargetInfo: {
        objectType: 'RestoreFilesTargetInfo',
        recoveryOption: 'FailIfExists',
        restoreLocation: 'eastus',
        targetDetails: {
          url: 'https://stcontosodr.blob.core.windows.net/pg-restores',
          filePrefix: 'pg-orders-prod-20261124',
          restoreTargetLocationType: 'AzureBlobs',
        },
      },
    });
    const target = '/subscriptions/s2/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stcontosodr';
    expect(
      buildPgFlexRestoreRequest({ ...input, targetResourceArmId: target }).restoreTargetInfo.targetDetails
        .targetResourceArmId,
    ).toBe(target);
  });

  test.each([
    [{ containerUrl: 'http://stcontosodr.blob.core.windows.net/pg' }, 'INVALID_CONTAINER_URL'],
    [{ containerUrl: 'https://stcontosodr.blob.core.windows.net/pg?sv=2024&sig=abc' }, 'INVALID_CONTAINER_URL'],
    [{ containerUrl: 'https://stcontosodr.blob.core.windows.net/' }, 'INVALID_CONTAINER_URL'],
    [{ containerUrl: 'not a url' }, 'INVALID_CONTAINER_URL'],
    [{ filePrefix: '   ' }, 'INVALID_FILE_PREFIX'],
    [{ filePrefix: 'a/b' }, 'INVALID_FILE_PREFIX'],
    [{ recoveryPointId: '' }, 'INVALID_RECOVERY_POINT'],
    [{ restoreRegion: 'east-us!' }, 'INVALID_REGION'],
    [{ targetResourceArmId: 'stcontosodr' }, 'INVALID_TARGET_RESOURCE'],
  ])('rejects %j with %s', (override, code) => {
    expect(() => buildPgFlexRestoreRequest({ ...input, ...override })).toThrow(expect.objectContaining({ code }));
  });

  test('wraps a request for Cross Region Restore with regions normalised', () => {
    const crr = buildCrossRegionRestoreRequest(buildPgFlexRestoreRequest({ ...input, restoreRegion: 'West US' }), {
      sourceRegion: 'East US',
      sourceBackupInstanceId: INSTANCE,
    });
    expect(crr.crossRegionRestoreDetails).toEqual({ sourceRegion: 'eastus', sourceBackupInstanceId: INSTANCE });
    expect(crr.restoreRequestObject.restoreTargetInfo.restoreLocation).toBe('westus');
    expect(() =>
      buildCrossRegionRestoreRequest(crr.restoreRequestObject, {
        sourceRegion: 'eastus',
        sourceBackupInstanceId: VAULT,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_BACKUP_INSTANCE' }));
  });
});

describe('Retry-After and error bodies', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  test.each([
    [{ 'retry-after': '7' }, 7_000],
    [{ 'retry-after': 'Tue, 24 Nov 2026 12:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Tue, 24 Nov 2026 11:00:00 GMT' }, 0],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'x-ms-retry-after-ms': '1200' }, 1_200],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => expect(parseRetryAfterMs(headers, now)).toBe(expected));

  test.each([
    [
      { error: { code: 'ResourceNotFound', message: 'm', target: 't' } },
      { code: 'ResourceNotFound', message: 'm', target: 't' },
    ],
    [
      { code: 'BadRequest', message: 'bare' },
      { code: 'BadRequest', message: 'bare', target: undefined },
    ],
    ['{"error":{"code":"X","message":"from text"}}', { code: 'X', message: 'from text', target: undefined }],
    ['upstream connect error', { message: 'upstream connect error' }],
    [undefined, {}],
  ])('%j', (body, expected) => expect(parseArmErrorBody(body)).toEqual(expected));
});
