import {
  type CrossRegionRestoreBody,
  type DataRestoreRequest,
  type PrecheckResult,
  parsePolicy,
  runPrechecks,
  toValidationRecord,
} from '../../src/restore';
import { InMemoryAzure, pointJson, vaultJson } from './support/in-memory-azure';
import { draftRestore, INSTANCE_ID, SUBSCRIPTION, T0, VAULT_ID } from './support/requests';

const policy = parsePolicy(`
subscriptions: ["${SUBSCRIPTION}"]
restoreTargets:
  - name: dr-eastus
    region: eastus
    containerUrl: https://stcontosodreus.blob.core.windows.net/pg-restores
  - name: dr-westus
    region: westus
    containerUrl: https://stcontosodrwus.blob.core.windows.net/pg-restores
  - name: dr-centralus
    region: centralus
    containerUrl: https://stcontosodrcus.blob.core.windows.net/pg-restores
`);

const DR_WESTUS = {
  name: 'dr-westus',
  region: 'westus',
  containerUrl: 'https://stcontosodrwus.blob.core.windows.net/pg-restores',
};
const DR_CENTRALUS = {
  name: 'dr-centralus',
  region: 'centralus',
  containerUrl: 'https://stcontosodrcus.blob.core.windows.net/pg-restores',
};
const POINT = pointJson('rp-0001', '2026-11-20T14:00:00Z');

/** A GeoRedundant vault in eastus with CRR Enabled, whose point is in both regions. */
function healthyAzure(vaultSettings: Parameters<typeof vaultJson>[2] = {}): InMemoryAzure {
  const azure = new InMemoryAzure().addVault(vaultJson(VAULT_ID, 'eastus', vaultSettings));
  azure.points.set(INSTANCE_ID, [POINT]);
  azure.secondaryPoints.set(INSTANCE_ID, [POINT]);
  return azure;
}

const secondaryRequest = () => draftRestore({ regionMode: 'secondary', target: DR_WESTUS });
const check = (request: DataRestoreRequest, azure: InMemoryAzure) => runPrechecks(request, { azure, policy });
const codes = (result: PrecheckResult) => ({
  ok: result.ok,
  failures: result.failures.map((f) => f.code),
  warnings: result.warnings.map((w) => w.code),
  azure: result.azureValidation.status,
});

describe('prechecks that pass', () => {
  it('a primary-region restore: point Completed, target in the vault region, Azure validation Succeeded', async () => {
    const azure = healthyAzure();
    const result = await check(draftRestore(), azure);
    expect(codes(result)).toEqual({ ok: true, failures: [], warnings: [], azure: 'Succeeded' });
    expect(result.restoreRegion).toBe('eastus');
    const validate = azure.calls.find((c) => c.method === 'validateRestore')!.input;
    expect(validate).toEqual({
      backupInstanceId: INSTANCE_ID,
      body: {
        objectType: 'AzureBackupRecoveryPointBasedRestoreRequest',
        recoveryPointId: 'rp-0001',
        sourceDataStoreType: 'VaultStore',
        restoreTargetInfo: {
          objectType: 'RestoreFilesTargetInfo',
          recoveryOption: 'FailIfExists',
          restoreLocation: 'eastus',
          targetDetails: {
            url: 'https://stcontosodreus.blob.core.windows.net/pg-restores',
            filePrefix: 'pg-orders-prod-20261120T1400Z-R-7KQ2',
            restoreTargetLocationType: 'AzureBlobs',
          },
        },
      },
    });
  });

  it("a secondary-region restore: validated cross-region in the vault's replicated region", async () => {
    const azure = healthyAzure();
    const result = await check(secondaryRequest(), azure);
    expect(codes(result)).toEqual({ ok: true, failures: [], warnings: [], azure: 'Succeeded' });
    expect(result.restoreRegion).toBe('westus');
    expect(azure.calls.map((c) => c.method)).toEqual([
      'getVault',
      'fetchSecondaryRecoveryPoints',
      'validateCrossRegionRestore',
    ]);
    // The replicated point is looked up within its own time (give or take a second), not in the whole list.
    expect(azure.calls[1]!.input).toEqual({
      secondaryRegion: 'westus',
      sourceRegion: 'eastus',
      backupInstanceId: INSTANCE_ID,
      range: { startDate: '2026-11-20T13:59:59.000Z', endDate: '2026-11-20T14:00:01.000Z' },
    });
    const validate = azure.calls[2]!.input as { secondaryRegion: string; body: CrossRegionRestoreBody };
    expect(validate.secondaryRegion).toBe('westus');
    expect(validate.body.crossRegionRestoreDetails).toEqual({
      sourceRegion: 'eastus',
      sourceBackupInstanceId: INSTANCE_ID,
    });
    expect(validate.body.restoreRequestObject.restoreTargetInfo.restoreLocation).toBe('westus');
  });

  it('the stored record keeps codes and messages for the approval card', async () => {
    const result = await check(draftRestore(), healthyAzure({ immutability: 'Disabled' }));
    expect(toValidationRecord(result, T0)).toEqual({
      ok: true,
      checkedAt: '2026-11-24T12:00:00.000Z',
      failures: [],
      warnings: [
        {
          code: 'PRECHECK_IMMUTABILITY_DISABLED',
          message:
            'Immutability is Disabled on bv-prod-eastus: its recovery points could be deleted early. Consider enabling it with /restore vaults.',
        },
      ],
      azure: { status: 'Succeeded' },
    });
  });
});

describe('warnings do not block', () => {
  it('immutability Disabled and soft delete Off', async () => {
    const result = await check(draftRestore(), healthyAzure({ immutability: 'Disabled', softDelete: 'Off' }));
    expect(codes(result)).toEqual({
      ok: true,
      failures: [],
      warnings: ['PRECHECK_IMMUTABILITY_DISABLED', 'PRECHECK_SOFT_DELETE_OFF'],
      azure: 'Succeeded',
    });
    expect(result.warnings[1]!.message).toBe(
      'Soft delete is Off on bv-prod-eastus: deleted backups cannot be recovered. Consider turning it on.',
    );
  });

  it('a secondary restore while the primary region is down relies on the cross-region validation', async () => {
    const azure = healthyAzure().fail('getVault', {
      code: 'ServiceUnavailable',
      message: 'eastus is down',
      status: 503,
    });
    const result = await check(secondaryRequest(), azure);
    expect(codes(result)).toEqual({
      ok: true,
      failures: [],
      warnings: ['PRECHECK_VAULT_UNREADABLE'],
      azure: 'Succeeded',
    });
    expect(result.restoreRegion).toBe('westus'); // eastus's paired region
  });
});

describe('each failure names the problem and what to do', () => {
  it('a vault outside the policy subscriptions is refused without asking Azure', async () => {
    const other = VAULT_ID.replace(SUBSCRIPTION, '22222222-2222-2222-2222-222222222222');
    const azure = healthyAzure();
    const result = await check(
      draftRestore({ vault: { id: other, name: 'bv-prod-eastus', location: 'eastus' } }),
      azure,
    );
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_VAULT_OUT_OF_SCOPE'],
      warnings: [],
      azure: 'skipped',
    });
    expect(result.failures[0]!.message).toBe(
      'bv-prod-eastus is in subscription 22222222-2222-2222-2222-222222222222, which the policy does not include; restores can only come from the subscriptions listed there.',
    );
    expect(azure.calls).toEqual([]);
  });

  it('a vault that no longer exists', async () => {
    const result = await check(draftRestore(), new InMemoryAzure());
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_VAULT_NOT_FOUND'],
      warnings: [],
      azure: 'skipped',
    });
    expect(result.failures[0]!.message).toContain('Backup vault bv-prod-eastus was not found');
  });

  it('secondary region on a LocallyRedundant vault', async () => {
    const result = await check(secondaryRequest(), healthyAzure({ redundancy: 'LocallyRedundant', crr: 'Disabled' }));
    expect(codes(result).failures).toEqual(['PRECHECK_SECONDARY_NOT_GEO_REDUNDANT']);
    expect(result.failures[0]!.message).toBe(
      'bv-prod-eastus is LocallyRedundant; restoring to the secondary region needs a GeoRedundant vault, and redundancy cannot be changed once items are protected. Restore in the primary region (eastus) instead.',
    );
  });

  it('secondary region with Cross Region Restore Disabled (secondary region from the pair when Azure lists none)', async () => {
    const vaultId = VAULT_ID.replace('bv-prod-eastus', 'bv-dev-eastus2');
    const azure = new InMemoryAzure().addVault(
      vaultJson(vaultId, 'eastus2', { crr: 'Disabled', replicatedRegions: [] }),
    );
    const request = draftRestore({
      regionMode: 'secondary',
      target: DR_CENTRALUS,
      vault: { id: vaultId, name: 'bv-dev-eastus2', location: 'eastus2' },
    });
    const result = await check(request, azure);
    expect(codes(result)).toEqual({ ok: false, failures: ['PRECHECK_CRR_DISABLED'], warnings: [], azure: 'skipped' });
    expect(result.failures[0]!.message).toBe(
      'Cross Region Restore is Disabled on bv-dev-eastus2; enable it with /restore vaults — it can take up to 48 h before instances appear in centralus.',
    );
    expect(azure.calls.map((c) => c.method)).toEqual(['getVault']);
  });

  it('a point not yet replicated to the secondary region', async () => {
    const azure = healthyAzure();
    azure.secondaryPoints.set(INSTANCE_ID, [pointJson('rp-older', '2026-11-13T14:00:00Z')]);
    const result = await check(secondaryRequest(), azure);
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_POINT_NOT_REPLICATED'],
      warnings: [],
      azure: 'skipped',
    });
    expect(result.failures[0]!.message).toBe(
      'The recovery point of 2026-11-20 14:00 UTC for pg-orders-prod is not in westus yet (copies reach the secondary region up to 12 h after the backup); pick an older point or restore in the primary region.',
    );
  });

  it('a point that no longer exists', async () => {
    const azure = healthyAzure();
    azure.points.set(INSTANCE_ID, []);
    const result = await check(draftRestore(), azure);
    expect(codes(result).failures).toEqual(['PRECHECK_POINT_NOT_FOUND']);
    expect(result.failures[0]!.message).toBe(
      'The recovery point of 2026-11-20 14:00 UTC for pg-orders-prod no longer exists (retention may have removed it); pick another point.',
    );
  });

  it('a point that is not Completed', async () => {
    const azure = healthyAzure();
    azure.points.set(INSTANCE_ID, [pointJson('rp-0001', '2026-11-20T14:00:00Z', 'Partial')]);
    const result = await check(draftRestore(), azure);
    expect(codes(result).failures).toEqual(['PRECHECK_POINT_NOT_COMPLETED']);
    expect(result.failures[0]!.message).toBe(
      'The recovery point of 2026-11-20 14:00 UTC is Partial, not Completed, so it cannot be restored; pick another point.',
    );
  });

  it('a target in another region than the restore', async () => {
    const result = await check(draftRestore({ target: DR_WESTUS }), healthyAzure());
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_TARGET_NOT_ALLOWED'],
      warnings: [],
      azure: 'skipped',
    });
    expect(result.failures[0]!.message).toBe(
      'Target dr-westus is in westus, but this restore runs in eastus; targets allowed there: dr-eastus.',
    );
  });

  it('a target the policy no longer has (or whose URL changed)', async () => {
    const gone = { name: 'dr-old', region: 'eastus', containerUrl: 'https://old.blob.core.windows.net/pg-restores' };
    expect(codes(await check(draftRestore({ target: gone }), healthyAzure())).failures).toEqual([
      'PRECHECK_TARGET_UNKNOWN',
    ]);
    const moved = { ...DR_WESTUS, containerUrl: 'https://elsewhere.blob.core.windows.net/pg-restores' };
    const result = await check(draftRestore({ regionMode: 'secondary', target: moved }), healthyAzure());
    expect(codes(result).failures).toEqual(['PRECHECK_TARGET_UNKNOWN']);
  });

  it("Azure's validation fails: its code and message are surfaced", async () => {
    const azure = healthyAzure();
    azure.validationOutcomes.set(INSTANCE_ID, {
      status: 'Failed',
      error: { code: 'UserErrorMSIMissingPermissions', message: 'The vault MSI lacks Storage Blob Data Contributor.' },
    });
    const result = await check(draftRestore(), azure);
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_VALIDATION_FAILED'],
      warnings: [],
      azure: 'Failed',
    });
    expect(result.azureValidation).toEqual({
      status: 'Failed',
      code: 'UserErrorMSIMissingPermissions',
      message: 'The vault MSI lacks Storage Blob Data Contributor.',
    });
    expect(result.failures[0]!.message).toBe(
      "Azure's restore validation failed: UserErrorMSIMissingPermissions: The vault MSI lacks Storage Blob Data Contributor.",
    );
  });

  it('Azure refusing the validation request itself (400) is a validation failure', async () => {
    const azure = healthyAzure().fail('validateRestore', {
      code: 'InvalidRequestContent',
      message: 'restoreTargetInfo.targetDetails.url is invalid',
      status: 400,
    });
    const result = await check(draftRestore(), azure);
    expect(codes(result).failures).toEqual(['PRECHECK_VALIDATION_FAILED']);
    expect(result.azureValidation).toMatchObject({ status: 'Failed', code: 'InvalidRequestContent' });
  });

  it('Azure saying CRR is not enabled (vault unreadable during an outage) is the CRR failure', async () => {
    const azure = healthyAzure({ crr: 'Disabled' }).fail('getVault', {
      code: 'ServiceUnavailable',
      message: 'down',
      status: 503,
    });
    const result = await check(secondaryRequest(), azure);
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_CRR_DISABLED'],
      warnings: ['PRECHECK_VAULT_UNREADABLE'],
      azure: 'skipped',
    });
  });
});

describe('Azure errors become failures, not crashes', () => {
  it('throttling, with the Retry-After Azure gave', async () => {
    const azure = healthyAzure().fail('getVault', {
      code: 'SubscriptionRequestsThrottled',
      message: 'Number of requests exceeded the limit.',
      status: 429,
      retryAfterSeconds: 7,
    });
    const result = await check(draftRestore(), azure);
    expect(codes(result).failures).toEqual(['PRECHECK_AZURE_THROTTLED']);
    expect(result.failures[0]!.message).toBe('Azure is throttling requests; try again in 7 s.');
  });

  it("throttling, with the wait taken from ARM's message when no Retry-After came", async () => {
    const azure = healthyAzure().fail('validateRestore', {
      code: 'SubscriptionRequestsThrottled',
      message: "Number of read requests for subscription exceeded the limit. Please try again after '12' seconds.",
    });
    const result = await check(draftRestore(), azure);
    expect(result.failures[0]!.message).toBe('Azure is throttling requests; try again in 12 s.');
    expect(result.azureValidation.status).toBe('unavailable');
  });

  it('an outage of the region during validation', async () => {
    const azure = healthyAzure().fail('validateRestore', {
      code: 'ServiceUnavailable',
      message: 'eastus is down',
      status: 503,
    });
    const result = await check(draftRestore(), azure);
    expect(codes(result)).toEqual({
      ok: false,
      failures: ['PRECHECK_AZURE_UNAVAILABLE'],
      warnings: [],
      azure: 'unavailable',
    });
    expect(result.failures[0]!.message).toBe(
      "Azure could not be reached while running Azure's restore validation (ServiceUnavailable: eastus is down); the region may be having an outage. Try again shortly, or restore in the secondary region.",
    );
  });

  it('missing permissions', async () => {
    const azure = healthyAzure().fail('getRecoveryPoint', {
      code: 'AuthorizationFailed',
      message: 'The client does not have authorization to perform action.',
      status: 403,
    });
    const result = await check(draftRestore(), azure);
    expect(codes(result).failures).toEqual(['PRECHECK_AZURE_FORBIDDEN']);
    expect(result.failures[0]!.message).toContain('it needs the Backup Operator role on the vault');
  });

  it('a network error and an unexpected error', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4010'), { code: 'ECONNREFUSED' });
    const network = await check(draftRestore(), healthyAzure().fail('getVault', refused));
    expect(codes(network).failures).toEqual(['PRECHECK_AZURE_UNAVAILABLE']);
    const odd = await check(draftRestore(), healthyAzure().fail('getRecoveryPoint', new TypeError('boom')));
    expect(codes(odd).failures).toEqual(['PRECHECK_AZURE_ERROR']);
    expect(odd.failures[0]!.message).toBe(
      'Azure returned an error while reading the recovery point of pg-orders-prod: UnexpectedError: boom',
    );
  });
});
