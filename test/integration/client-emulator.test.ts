/**
 * The client against the emulator over real HTTP: listing and paging, `$filter` windows, finding the newest
 * point, restores and their validations as long-running operations driven by the emulator's clock, Cross Region
 * Restore, job outcomes read through the client's model, vault PATCH, and a saved operation resumed elsewhere.
 */
import {
  AzureError,
  buildCrossRegionRestoreRequest,
  buildPgFlexRestoreRequest,
  jobError,
  jobPhase,
  recoveryPointName,
  recoveryPointTime,
} from '../../src/azure';
import { DEV_VAULT, instanceOf, PROD_VAULT, RESTORE_CONTAINER, rejectionOf, SUB, World } from './world';

const HOUR = 3_600_000;
const NOW = '2026-11-24T12:00:00.000Z';
/** 250 hourly points, the newest 2 h before NOW: pages of 100, 100 and 50. */
const HOURLY_SEED = {
  now: NOW,
  jobDurationSeconds: 120,
  secondaryLagHours: 12,
  retryAfterSeconds: 1,
  subscriptions: [
    {
      id: SUB,
      displayName: 'Paging subscription',
      vaults: [
        {
          name: 'bv-prod-eastus',
          resourceGroup: 'rg-backup-prod',
          location: 'eastus',
          storageRedundancy: 'GeoRedundant',
          crossRegionRestore: 'Enabled',
          instances: [
            {
              serverName: 'pg-orders-prod',
              serverResourceGroup: 'rg-db-prod',
              recoveryPoints: { count: 250, intervalHours: 1, newestAgeHours: 2 },
            },
          ],
        },
      ],
    },
  ],
};

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(() => world.close());

async function armCalls(pathPart: string): Promise<number> {
  return (await world.requests()).filter((r) => r.path.includes(pathPart)).length;
}

describe('lists and recovery points', () => {
  beforeEach(async () => {
    await world.reset(HOURLY_SEED);
  });

  test('paging to the end returns every seeded point once, one ARM call per page', async () => {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    await world.clearRequests();

    const pageSizes: number[] = [];
    const names = new Set<string>();
    for await (const page of client.listRecoveryPoints(instance.id).byPage()) {
      pageSizes.push(page.items.length);
      for (const point of page.items) names.add(point.name);
    }

    expect(pageSizes).toEqual([100, 100, 50]);
    expect(names.size).toBe(250);
    const calls = await world.requests();
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.method === 'GET' && c.status === 200)).toBe(true);
    expect(calls.slice(1).every((c) => c.query.includes('skipToken'))).toBe(true);
  });

  test('a $filter window returns exactly the points inside it, bounds included, across pages', async () => {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    const now = Date.parse(NOW);
    // Points sit at NOW-2h, NOW-3h, …: this window holds NOW-50h … NOW-200h, 151 points over two pages.
    const startDate = new Date(now - 200 * HOUR);
    const endDate = new Date(now - 50 * HOUR);
    await world.clearRequests();

    const points = await client.listRecoveryPoints(instance.id, { startDate, endDate }).toArray();

    expect(points).toHaveLength(151);
    const times = points.map(recoveryPointTime);
    expect(Math.min(...times)).toBe(startDate.getTime());
    expect(Math.max(...times)).toBe(endDate.getTime());
    const calls = await world.requests();
    expect(calls).toHaveLength(2);
    expect(decodeURIComponent(calls[0]?.query ?? '')).toContain('startDate eq');
  });

  test('an empty window is one call and no points', async () => {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    await world.clearRequests();
    const future = new Date(Date.parse(NOW) + 24 * HOUR);
    const points = await client.listRecoveryPoints(instance.id, { startDate: future }).toArray();
    expect(points).toEqual([]);
    expect(await world.requests()).toHaveLength(1);
  });

  test('newestRecoveryPoint finds the newest point in a few calls, and honours `before`', async () => {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    const now = await world.now();
    await world.clearRequests();

    const newest = await client.newestRecoveryPoint(instance.id, { now });
    expect(newest && recoveryPointTime(newest)).toBe(Date.parse(NOW) - 2 * HOUR);
    // The first 8-day window holds 190 of the 250 points: two pages, never the whole list.
    expect(await armCalls('/recoveryPoints')).toBeLessThanOrEqual(2);

    const older = await client.newestRecoveryPoint(instance.id, { before: new Date(Date.parse(NOW) - 100 * HOUR) });
    expect(older && recoveryPointTime(older)).toBe(Date.parse(NOW) - 101 * HOUR);

    const byName = await client.getRecoveryPoint(instance.id, recoveryPointName(newest!));
    expect(byName.properties.recoveryPointTime).toBe(newest?.properties.recoveryPointTime);
  });

  test('secondary recovery points page with POST first, then GET on each nextLink', async () => {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    await world.clearRequests();
    const source = { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id };

    const points = await client.fetchSecondaryRecoveryPoints('westus', source).toArray();

    // Replicated once 12 h old: ages 12 h … 251 h, i.e. 240 of the 250 points.
    expect(points).toHaveLength(240);
    expect(Math.max(...points.map(recoveryPointTime))).toBe(Date.parse(NOW) - 12 * HOUR);
    expect((await world.requests()).map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
  });

  test('subscriptions, vaults and instances list through the same pager', async () => {
    const client = world.client();
    const subscriptions = await client.listSubscriptions().toArray();
    expect(subscriptions.map((s) => s.subscriptionId)).toEqual([SUB]);
    const vaults = await client.listVaultsInSubscription(SUB).toArray();
    expect(vaults.map((v) => v.name)).toEqual(['bv-prod-eastus']);
    // ARM ids are case-insensitive: a lower-cased id reads the same vault.
    const vault = await client.getVault(PROD_VAULT.toLowerCase());
    expect(vault.properties.replicatedRegions).toEqual(['westus']);
  });
});

describe('recovery points in the secondary region, with 5,000 hourly points', () => {
  beforeEach(async () => {
    await world.reset(withPoints(HOURLY_SEED, 5000));
  });

  async function instanceAndSource() {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    await world.clearRequests();
    return { client, instance, source: { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id } };
  }

  test('newestSecondaryRecoveryPoint finds the newest replicated point in two calls, not fifty', async () => {
    const { client, source } = await instanceAndSource();
    const newest = await client.newestSecondaryRecoveryPoint('westus', source, { now: await world.now() });
    // Replicated once 12 h old; the first 8-day window holds 181 of them: two pages of that window only.
    expect(newest && recoveryPointTime(newest)).toBe(Date.parse(NOW) - 12 * HOUR);
    const calls = await world.requests();
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET']);
    expect(calls.every((c) => c.path.endsWith('/locations/westus/fetchSecondaryRecoveryPoints'))).toBe(true);
    // The emulator's nextLink keeps the $filter, so the second page is of the same window.
    expect(calls.every((c) => decodeURIComponent(c.query).includes("startDate eq '"))).toBe(true);

    const older = await client.newestSecondaryRecoveryPoint('westus', source, {
      before: new Date(Date.parse(NOW) - 1000 * HOUR),
    });
    expect(older && recoveryPointTime(older)).toBe(Date.parse(NOW) - 1001 * HOUR);
  });

  test('a [time, time] range finds exactly that point in one call: both bounds are inclusive', async () => {
    const { client, source } = await instanceAndSource();
    const at = new Date(Date.parse(NOW) - 500 * HOUR);
    const points = await client
      .fetchSecondaryRecoveryPoints('westus', source, { startDate: at, endDate: at })
      .toArray();
    expect(points.map(recoveryPointTime)).toEqual([at.getTime()]);
    expect(await world.requests()).toHaveLength(1);

    // A window that ends past the replication cutoff stops at the newest replicated point.
    const recent = await client
      .fetchSecondaryRecoveryPoints('westus', source, { startDate: new Date(Date.parse(NOW) - 20 * HOUR) })
      .toArray();
    expect(recent.map(recoveryPointTime).sort((a, b) => b - a)[0]).toBe(Date.parse(NOW) - 12 * HOUR);
    expect(recent).toHaveLength(9);
  });
});

/** The hourly seed with another number of points on its one instance. */
function withPoints(seed: typeof HOURLY_SEED, count: number): typeof HOURLY_SEED {
  const copy = structuredClone(seed);
  copy.subscriptions[0]!.vaults[0]!.instances[0]!.recoveryPoints.count = count;
  return copy;
}

describe('restores on the demo world', () => {
  beforeEach(async () => {
    await world.reset({ preset: 'demo' });
  });

  async function newestPointOf(serverName: string, vaultId = PROD_VAULT) {
    const client = world.client();
    const instance = await instanceOf(client, vaultId, serverName);
    const point = await client.newestRecoveryPoint(instance.id, { now: await world.now() });
    if (!point) throw new Error(`no recovery point for ${serverName}`);
    return { instance, point };
  }

  function requestFor(pointName: string, region: string, prefix = 'restore-test') {
    return buildPgFlexRestoreRequest({
      recoveryPointId: pointName,
      restoreRegion: region,
      containerUrl: RESTORE_CONTAINER,
      filePrefix: prefix,
    });
  }

  test('newestRecoveryPoint on weekly points costs one call', async () => {
    const client = world.client();
    const instance = await instanceOf(client, PROD_VAULT, 'pg-orders-prod');
    const now = await world.now();
    await world.clearRequests();
    const newest = await client.newestRecoveryPoint(instance.id, { now });
    expect(now.getTime() - recoveryPointTime(newest!)).toBeGreaterThanOrEqual(30 * HOUR);
    expect(now.getTime() - recoveryPointTime(newest!)).toBeLessThan(31 * HOUR);
    expect(await world.requests()).toHaveLength(1);
  });

  test('validate, restore, job InProgress, clock advanced, job Completed', async () => {
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-orders-prod');
    const request = requestFor(recoveryPointName(point), 'eastus');

    const validation = await client.validateRestore(instance.id, request);
    await world.advance(2);
    await expect(validation.pollUntilDone()).resolves.toMatchObject({ objectType: 'OperationJobExtendedInfo' });

    const restore = await client.restore(instance.id, request);
    expect(restore.isDone).toBe(false);
    await world.advance(2);
    const { jobId } = await restore.pollUntilDone();
    expect(jobId?.toLowerCase()).toMatch(new RegExp(`^${PROD_VAULT.toLowerCase()}/backupjobs/[0-9a-f-]{36}$`));

    const running = await client.getJob(jobId!);
    expect(jobPhase(running)).toBe('running');
    expect(running.properties.operationCategory).toBe('Restore');
    expect(running.properties.backupInstanceFriendlyName).toContain('pg-orders-prod');

    await world.advance(120);
    const done = await client.getJob(jobId!);
    expect(done.properties.status).toBe('Completed');
    expect(jobPhase(done)).toBe('succeeded');
    expect((await client.listJobs(PROD_VAULT).toArray()).some((j) => j.id.toLowerCase() === jobId?.toLowerCase())).toBe(
      true,
    );
  });

  test('the polls follow the operation headers and the trigger is one POST', async () => {
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-orders-prod');
    await world.clearRequests();
    const restore = await client.restore(instance.id, requestFor(recoveryPointName(point), 'eastus'));
    await world.advance(2);
    await restore.pollUntilDone();
    const calls = await world.requests();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([`${instance.id}/restore`]);
    expect(calls.filter((c) => c.method === 'GET').every((c) => /\/operation(Status|Results)\//.test(c.path))).toBe(
      true,
    );
  });

  test('a restore of the failing instance ends in a Failed job carrying its error code', async () => {
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-payments-prod');
    const restore = await client.restore(instance.id, requestFor(recoveryPointName(point), 'eastus'));
    await world.advance(2);
    const { jobId } = await restore.pollUntilDone();

    await world.advance(120);
    const job = await client.getJob(jobId!);
    expect(job.properties.status).toBe('Failed');
    expect(jobPhase(job)).toBe('failed');
    expect(job.properties.errorDetails?.[0]?.code).toBe('UserErrorMSIMissingPermissions');
    expect(jobError(job)?.code).toBe('UserErrorMSIMissingPermissions');
  });

  test('Cross Region Restore: secondary points, validation, trigger, and the job seen from the secondary region', async () => {
    const client = world.client();
    const { instance } = await newestPointOf('pg-orders-prod');
    const source = { sourceRegion: 'East US', sourceBackupInstanceId: instance.id };

    const secondary = await client.fetchSecondaryRecoveryPoints('westus', source).toArray();
    expect(secondary).toHaveLength(12);
    const newestSecondary = secondary.reduce((a, b) => (recoveryPointTime(a) >= recoveryPointTime(b) ? a : b));
    const request = buildCrossRegionRestoreRequest(requestFor(recoveryPointName(newestSecondary), 'West US'), source);
    expect(request.crossRegionRestoreDetails.sourceRegion).toBe('eastus');

    const validation = await client.validateCrossRegionRestore('westus', request);
    await world.advance(2);
    await validation.pollUntilDone();

    await world.clearRequests();
    const crr = await client.crossRegionRestore('westus', request);
    await world.advance(2);
    const { jobId } = await crr.pollUntilDone();
    expect(jobId).toBeDefined();
    // The CRR operation is polled through the secondary region's subscription-level location paths.
    const polls = (await world.requests()).filter((c) => c.method === 'GET');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((c) => c.path.includes('/locations/westus/'))).toBe(true);

    const jobRequest = { sourceRegion: 'eastus', sourceBackupVaultId: PROD_VAULT, jobId: jobId! };
    expect(jobPhase(await client.fetchCrossRegionRestoreJob('westus', jobRequest))).toBe('running');
    const jobs = await client.fetchCrossRegionRestoreJobs('westus', jobRequest).toArray();
    expect(jobs.map((j) => j.id.toLowerCase())).toContain(jobId?.toLowerCase());

    await world.advance(120);
    const done = await client.fetchCrossRegionRestoreJob('westus', jobRequest);
    expect(done.properties.status).toBe('Completed');
  });

  test('a point younger than the replication lag is not in the secondary region', async () => {
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-payments-prod');
    const source = { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id };
    const secondary = await client.fetchSecondaryRecoveryPoints('westus', source).toArray();
    expect(secondary.map(recoveryPointName)).not.toContain(recoveryPointName(point));

    const request = buildCrossRegionRestoreRequest(requestFor(recoveryPointName(point), 'westus'), source);
    const error = await rejectionOf(client.validateCrossRegionRestore('westus', request));
    expect(error).toMatchObject({ armCode: 'UserErrorRecoveryPointNotFound', status: 400 });
  });

  test('a point reaches the secondary region once the replication lag has passed on the emulated clock', async () => {
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-payments-prod');
    const source = { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id };
    const names = async () =>
      (await client.fetchSecondaryRecoveryPoints('westus', source).toArray()).map(recoveryPointName);
    expect(await names()).not.toContain(recoveryPointName(point));
    await world.advance(6 * 3600);
    expect(await names()).toContain(recoveryPointName(point));
  });

  test('Cross Region Restore is refused for a LocallyRedundant vault', async () => {
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-orders-dev', DEV_VAULT);
    const source = { sourceRegion: 'eastus2', sourceBackupInstanceId: instance.id };
    const request = buildCrossRegionRestoreRequest(requestFor(recoveryPointName(point), 'centralus'), source);

    for (const call of [
      client.crossRegionRestore('centralus', request),
      client.validateCrossRegionRestore('centralus', request),
      client.fetchSecondaryRecoveryPoints('centralus', source).toArray(),
    ]) {
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(AzureError);
      expect(error).toMatchObject({ code: 'AZURE_BAD_REQUEST', status: 400, armCode: 'CrossRegionRestoreNotEnabled' });
    }
  });

  test('a validation that fails rejects with AZURE_OPERATION_FAILED and Azure’s code', async () => {
    await world.reset({
      subscriptions: [
        {
          id: SUB,
          vaults: [
            {
              name: 'bv-prod-eastus',
              resourceGroup: 'rg-backup-prod',
              location: 'eastus',
              instances: [
                {
                  serverName: 'pg-orders-prod',
                  serverResourceGroup: 'rg-db-prod',
                  recoveryPoints: { count: 3, intervalHours: 168, newestAgeHours: 30 },
                  validateOutcome: 'Failed:UserErrorMSIMissingPermissions',
                },
              ],
            },
          ],
        },
      ],
    });
    const client = world.client();
    const { instance, point } = await newestPointOf('pg-orders-prod');
    const validation = await client.validateRestore(instance.id, requestFor(recoveryPointName(point), 'eastus'));
    await world.advance(2);
    const error = await rejectionOf(validation.pollUntilDone());
    expect(error).toBeInstanceOf(AzureError);
    expect(error).toMatchObject({ code: 'AZURE_OPERATION_FAILED', armCode: 'UserErrorMSIMissingPermissions' });
    expect(validation.status).toBe('failed');
  });

  test('a vault PATCH is followed to the end and the vault reads back changed', async () => {
    const client = world.client();
    const update = await client.updateVault(PROD_VAULT, {
      tags: { owner: 'dba-team' },
      properties: { securitySettings: { immutabilitySettings: { state: 'Locked' } } },
    });
    await world.advance(2);
    const vault = await update.pollUntilDone();
    expect(vault.properties.securitySettings?.immutabilitySettings?.state).toBe('Locked');
    expect((await client.getVault(PROD_VAULT)).properties.securitySettings?.immutabilitySettings?.state).toBe('Locked');

    // Locked is irreversible: undoing it is refused, and the refusal is not retried.
    await world.clearRequests();
    const undo = await rejectionOf(
      client
        .updateVault(PROD_VAULT, { properties: { securitySettings: { immutabilitySettings: { state: 'Unlocked' } } } })
        .then((op) => op.pollUntilDone()),
    );
    expect(undo).toMatchObject({ status: 400, armCode: 'BadRequest' });
    expect((await world.requests()).filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  test('an operation saved with toString() finishes in a new client instance', async () => {
    const { instance, point } = await newestPointOf('pg-orders-prod');
    const restore = await world.client().restore(instance.id, requestFor(recoveryPointName(point), 'eastus'));
    const saved = restore.toString();
    expect(saved).not.toContain('Bearer');

    await world.advance(2);
    const another = world.client();
    const resumed = another.resumeOperation(JSON.parse(JSON.stringify(saved)));
    expect(resumed.kind).toBe('restore');
    const { jobId } = await resumed.pollUntilDone();
    expect(jobPhase(await another.getJob(jobId!))).toBe('running');
    // Resuming never sends the trigger again.
    expect((await world.requests()).filter((c) => c.method === 'POST' && c.path.endsWith('/restore'))).toHaveLength(1);
  });
});
