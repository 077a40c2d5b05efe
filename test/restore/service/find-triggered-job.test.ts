import type { AzureBackupJobResource } from '../../../src/azure';
import { findTriggeredJob, JOB_CLOCK_SKEW_MS, type TriggerIntentDetails } from '../../../src/restore/service';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/bv';
const INSTANCE = `${VAULT}/backupInstances/pg-orders-prod-1`;
const INTENT_AT = new Date('2026-11-24T12:00:00Z');

const intent: TriggerIntentDetails = {
  operation: 'restore',
  vaultId: VAULT,
  backupInstanceId: INSTANCE,
  recoveryPointId: 'rp-1',
  sourceRegion: 'eastus',
  restoreRegion: 'eastus',
  targetUrl: 'https://st.blob.core.windows.net/pg-restores',
  filePrefix: 'pg-orders-prod-202611201400Z-R-7KQ2',
  triggeredAt: INTENT_AT.toISOString(),
  intentAt: INTENT_AT.toISOString(),
  body: {} as TriggerIntentDetails['body'],
} as TriggerIntentDetails;

function job(
  name: string,
  overrides: { start?: Date; prefix?: string | null; instance?: string; point?: string; category?: string },
) {
  const additionalDetails =
    overrides.prefix === null ? undefined : { FilePrefix: overrides.prefix ?? intent.filePrefix };
  return {
    id: `${VAULT}/backupJobs/${name}`,
    name,
    properties: {
      operationCategory: overrides.category ?? 'Restore',
      backupInstanceId: overrides.instance ?? INSTANCE,
      startTime: (overrides.start ?? new Date(INTENT_AT.getTime() + 1_000)).toISOString(),
      extendedInfo: {
        ...(additionalDetails && { additionalDetails }),
        recoveryDestination: intent.targetUrl,
        sourceRecoverPoint: { recoveryPointID: overrides.point ?? 'rp-1' },
      },
    },
  } as unknown as AzureBackupJobResource;
}

describe('findTriggeredJob: which job in Azure was started by this intent', () => {
  test('a job reporting our file prefix is ours, even if its clock says it started before the intent', () => {
    const ours = job('ours', { start: new Date(INTENT_AT.getTime() - 2 * JOB_CLOCK_SKEW_MS) });
    expect(findTriggeredJob([ours], intent, INTENT_AT)?.name).toBe('ours');
  });

  test('a job with another file prefix is never ours (an earlier restore of the same point by another request)', () => {
    expect(
      findTriggeredJob([job('other', { prefix: 'pg-orders-prod-202611201400Z-R-AAAA' })], intent, INTENT_AT),
    ).toBeUndefined();
  });

  test('without a reported prefix: same instance, point and container, started after the intent (less skew)', () => {
    const before = job('before', { prefix: null, start: new Date(INTENT_AT.getTime() - JOB_CLOCK_SKEW_MS - 1_000) });
    const otherPoint = job('other-point', { prefix: null, point: 'rp-2' });
    const otherInstance = job('other-instance', { prefix: null, instance: `${VAULT}/backupInstances/pg-payments-1` });
    const backup = job('backup', { prefix: null, category: 'Backup' });
    const later = job('later', { prefix: null, start: new Date(INTENT_AT.getTime() + 60_000) });
    const first = job('first', { prefix: null, start: new Date(INTENT_AT.getTime() + 5_000) });

    expect(findTriggeredJob([before, otherPoint, otherInstance, backup, later, first], intent, INTENT_AT)?.name).toBe(
      'first',
    );
    expect(findTriggeredJob([before, otherPoint, otherInstance, backup], intent, INTENT_AT)).toBeUndefined();
  });

  test('instance ids compare case-insensitively, as ARM ids do', () => {
    expect(findTriggeredJob([job('upper', { instance: INSTANCE.toUpperCase() })], intent, INTENT_AT)?.name).toBe(
      'upper',
    );
  });
});
