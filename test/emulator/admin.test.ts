/**
 * The admin API: injected faults, the request log, regional outages, the clock, seeds and presets.
 */
import { startEmulator } from '../../src/emulator';
import { DEV_VAULT, Harness, type Json, NOW, PROD_VAULT, restoreRequest, SUB, seed } from './harness';

let h: Harness;
const LOCATION = `/subscriptions/${SUB}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/locations`;

beforeAll(async () => {
  h = await Harness.start();
});
beforeEach(() => h.reset({ preset: 'demo', now: NOW }));
afterAll(() => h.close());

describe('faults', () => {
  test('a rule with times fails that many matching requests, with Retry-After for 429, then stops', async () => {
    const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
    const point = (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value[0].name;
    const added = await h.admin('POST', 'faults', {
      rules: [{ method: 'POST', pathPattern: '/restore$', status: 429, retryAfterSeconds: 2, times: 2 }],
    });
    expect(added.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await h.arm('POST', `${instance.id}/restore`, restoreRequest(point));
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.body.error.code).toBe('SubscriptionRequestsThrottled');
        expect(answer.headers.get('retry-after')).toBe('2');
      }
    }
    expect(statuses).toEqual([429, 429, 202]);
    // GETs on the same instance never matched the POST-only rule.
    expect((await h.arm('GET', instance.id)).status).toBe(200);
  });

  test('the first matching rule applies; default codes follow the status', async () => {
    await h.admin('POST', 'faults', {
      rules: [
        { method: 'GET', pathPattern: 'bv-dev-eastus2$', status: 503 },
        { pathPattern: 'backupVaults', status: 418 },
        { pathPattern: '.', status: 500, code: 'Boom' },
      ],
    });
    const dev = await h.arm('GET', DEV_VAULT);
    expect({ status: dev.status, code: dev.body.error.code }).toEqual({ status: 503, code: 'ServiceUnavailable' });
    expect(dev.headers.get('retry-after')).toBe('1');
    const prod = await h.arm('GET', PROD_VAULT);
    expect({ status: prod.status, code: prod.body.error.code }).toEqual({ status: 418, code: 'FaultInjected' });
    const subs = await h.arm('GET', '/subscriptions', undefined, { apiVersion: '2022-12-01' });
    expect({ status: subs.status, code: subs.body.error.code }).toEqual({ status: 500, code: 'Boom' });

    await h.admin('DELETE', 'faults');
    expect((await h.arm('GET', PROD_VAULT)).status).toBe(200);
  });

  test('a rule without status only adds latency; probability 0 never fires', async () => {
    await h.admin('POST', 'faults', {
      rules: [
        { method: 'GET', pathPattern: 'bv-prod-eastus$', latencyMs: 150 },
        { method: 'GET', pathPattern: 'bv-dev-eastus2$', status: 500, probability: 0 },
      ],
    });
    const started = Date.now();
    const slow = await h.arm('GET', PROD_VAULT);
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    for (let i = 0; i < 20; i++) expect((await h.arm('GET', DEV_VAULT)).status).toBe(200);
  });

  test('invalid rules are refused with a message naming the rule', async () => {
    const badRegex = await h.admin('POST', 'faults', { rules: [{ pathPattern: '(', status: 500 }] });
    expect(badRegex.status).toBe(400);
    expect(badRegex.body.error.message).toContain('rules[0].pathPattern');
    const badProbability = await h.admin('POST', 'faults', {
      rules: [{ status: 500 }, { status: 500, probability: 2 }],
    });
    expect(badProbability.body.error.message).toContain('rules[1].probability');
    expect((await h.admin('GET', 'faults')).body.rules).toEqual([]);
  });
});

test('the request log holds ARM requests only, including 401s and faulted ones, with the raw query', async () => {
  await h.admin('DELETE', 'requests');
  await h.admin('POST', 'faults', { rules: [{ method: 'GET', pathPattern: 'bv-dev', status: 500, times: 1 }] });
  await h.arm('GET', PROD_VAULT, undefined, { auth: null });
  await h.arm('GET', DEV_VAULT);
  await h.arm('GET', `${PROD_VAULT}/backupInstances?$top=5`);
  await h.admin('GET', 'clock');
  const log = (await h.admin('GET', 'requests')).body.requests;
  expect(log.map((r: Json) => [r.method, r.path, r.status])).toEqual([
    ['GET', PROD_VAULT, 401],
    ['GET', DEV_VAULT, 500],
    ['GET', `${PROD_VAULT}/backupInstances`, 200],
  ]);
  expect(log[2].query).toBe('$top=5&api-version=2026-07-01');
  for (const entry of log) expect(Math.abs(Date.parse(entry.at) - Date.now())).toBeLessThan(60_000);
  await h.admin('DELETE', 'requests');
  expect((await h.admin('GET', 'requests')).body.requests).toEqual([]);
});

test('an outage of the primary region answers 503 there, while the secondary keeps serving cross-region calls', async () => {
  const instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
  const point = (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value[0].name;
  await h.admin('POST', 'outage', { region: 'East US', down: true });

  const vault = await h.arm('GET', PROD_VAULT);
  expect({ status: vault.status, code: vault.body.error.code }).toEqual({ status: 503, code: 'ServiceUnavailable' });
  expect((await h.arm('GET', `${instance.id}/recoveryPoints`)).status).toBe(503);
  expect((await h.arm('GET', DEV_VAULT)).status).toBe(200);

  const secondaryPoints = await h.arm('POST', `${LOCATION}/westus/fetchSecondaryRecoveryPoints`, {
    sourceRegion: 'eastus',
    sourceBackupInstanceId: instance.id,
  });
  expect(secondaryPoints.status).toBe(200);
  expect(secondaryPoints.body.value.length).toBeGreaterThan(0);
  const trigger = await h.arm('POST', `${LOCATION}/westus/crossRegionRestore`, {
    restoreRequestObject: restoreRequest(point),
    crossRegionRestoreDetails: { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id },
  });
  expect(trigger.status).toBe(202);
  await h.advance(2);
  const status = await h.arm('GET', trigger.headers.get('azure-asyncoperation') ?? '');
  expect(status.body.status).toBe('Succeeded');
  const job = await h.arm('POST', `${LOCATION}/westus/fetchCrossRegionRestoreJob`, {
    sourceRegion: 'eastus',
    sourceBackupVaultId: PROD_VAULT,
    jobId: status.body.properties.jobId,
  });
  expect(job.status).toBe(200);
  expect(
    (
      await h.arm(
        'GET',
        `/subscriptions/${SUB}/providers/Microsoft.DataProtection/locations/eastus/operationStatus/x==`,
      )
    ).status,
  ).toBe(503);

  await h.admin('POST', 'outage', { region: 'eastus', down: false });
  expect((await h.arm('GET', PROD_VAULT)).status).toBe(200);
});

test('the clock starts at the seed’s now and moves forward on request only', async () => {
  const start = Date.parse((await h.admin('GET', 'clock')).body.now);
  expect(start - Date.parse(NOW)).toBeLessThan(5_000);
  const moved = await h.admin('POST', 'clock', { advanceSeconds: 3600 });
  expect(Date.parse(moved.body.now) - start).toBeGreaterThanOrEqual(3_600_000);
  expect((await h.admin('POST', 'clock', { advanceSeconds: -1 })).status).toBe(400);
});

test('a bad seed is refused with the key path of each problem, and the previous world stays', async () => {
  const answer = await h.admin(
    'POST',
    'reset',
    seed({ jobDurationSeconds: -5 }, [
      {
        name: 'bv-lrs',
        resourceGroup: 'rg',
        location: 'eastus',
        storageRedundancy: 'LocallyRedundant',
        crossRegionRestore: 'Enabled',
        instances: [{ serverName: 'pg-a', restoreOutcome: 'Broken', recoveryPoint: {} }],
      },
    ]),
  );
  expect(answer.status).toBe(400);
  const message: string = answer.body.error.message;
  expect(message).toContain('jobDurationSeconds');
  expect(message).toContain('subscriptions[0].vaults[0].instances[0].restoreOutcome');
  expect(message).toContain('recoveryPoint');
  expect((await h.arm('GET', PROD_VAULT)).status).toBe(200);

  const crrOnLrs = await h.admin(
    'POST',
    'reset',
    seed({}, [
      {
        name: 'bv-lrs',
        resourceGroup: 'rg',
        location: 'eastus',
        storageRedundancy: 'LocallyRedundant',
        crossRegionRestore: 'Enabled',
      },
    ]),
  );
  expect(crrOnLrs.status).toBe(400);
  expect(crrOnLrs.body.error.message).toContain('subscriptions[0].vaults[0].crossRegionRestore');
  expect((await h.admin('POST', 'reset', { preset: 'tiny' })).status).toBe(400);
});

test('the scale preset builds 10 million points at once and serves the newest and oldest pages', async () => {
  const started = Date.now();
  const reset = await h.admin('POST', 'reset', {
    preset: 'scale',
    subscriptions: 10,
    vaultsPerSubscription: 10,
    instancesPerVault: 10,
    recoveryPointsPerInstance: 10_000,
  });
  const resetMs = Date.now() - started;
  expect(reset.status).toBe(200);
  expect(reset.body).toMatchObject({
    subscriptions: 10,
    vaults: 100,
    backupInstances: 1000,
    recoveryPoints: 10_000_000,
  });
  expect(resetMs).toBeLessThan(3_000);

  const subs = await h.arm('GET', '/subscriptions', undefined, { apiVersion: '2022-12-01' });
  const vaults = await h.arm('GET', `${subs.body.value[9].id}/providers/Microsoft.DataProtection/backupVaults`);
  expect(vaults.body.value).toHaveLength(10);
  const instances = await h.arm('GET', `${vaults.body.value[9].id}/backupInstances`);
  const points = `${instances.body.value[9].id}/recoveryPoints`;

  const pageStarted = Date.now();
  const newest = await h.arm('GET', points);
  expect(newest.body.value).toHaveLength(100);
  expect(newest.body.nextLink).toContain('$skipToken=');
  const newestTime = Date.parse(newest.body.value[0].properties.recoveryPointTime);
  const oldestTime = newestTime - 9_999 * 3_600_000;
  const oldest = await h.arm(
    'GET',
    `${points}?$filter=${encodeURIComponent(`endDate eq '${new Date(oldestTime + 49 * 3_600_000).toISOString()}'`)}`,
  );
  expect(oldest.body.value).toHaveLength(50);
  expect(Date.parse(oldest.body.value.at(-1).properties.recoveryPointTime)).toBe(oldestTime);
  expect(oldest.body.nextLink).toBeUndefined();
  expect(Date.now() - pageStarted).toBeLessThan(1_000);
});

test('health answers 200', async () => {
  const health = await h.admin('GET', 'health');
  expect(health.status).toBe(200);
  expect(health.body.status).toBe('ok');
});

test('the emulator refuses to listen on a non-loopback address', async () => {
  await expect(startEmulator({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/loopback/);
});
