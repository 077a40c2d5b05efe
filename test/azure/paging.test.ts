import {
  type AzureBackupRecoveryPointResource,
  DataProtectionClient,
  formatFilterTime,
  StaticTokenCredential,
} from '../../src/azure';
import { type FakeArm, type RecordedRequest, startFakeArm } from './fake-arm';

const VAULT = '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DataProtection/backupVaults/vault-1';
const INSTANCE = `${VAULT}/backupInstances/pg-1`;
const HOUR = 3_600_000;

let arm: FakeArm;
beforeAll(async () => {
  arm = await startFakeArm();
});
afterAll(() => arm.close());
beforeEach(() => {
  arm.requests.length = 0;
});

const client = () =>
  new DataProtectionClient({ endpoint: arm.url, credential: new StaticTokenCredential('t'), retry: { maxRetries: 0 } });

function point(time: Date, i: number): AzureBackupRecoveryPointResource {
  const name = `rp${String(i).padStart(4, '0')}`;
  return {
    id: `${INSTANCE}/recoveryPoints/${name}`,
    name,
    type: 'Microsoft.DataProtection/backupVaults/backupInstances/recoveryPoints',
    properties: {
      objectType: 'AzureBackupDiscreteRecoveryPoint',
      recoveryPointId: name,
      recoveryPointTime: time.toISOString(),
    },
  };
}

/** Serves `points` in a shuffled order, honouring the CLI-style $filter (inclusive bounds) and paging by `pageSize`. */
function serveRecoveryPoints(points: AzureBackupRecoveryPointResource[], pageSize: number) {
  // Deterministic, but neither newest- nor oldest-first: odd positions, then even ones reversed.
  const shuffled = [...points.filter((_, i) => i % 2 === 1), ...points.filter((_, i) => i % 2 === 0).reverse()];
  arm.setHandler((req: RecordedRequest) => {
    const filter = req.query.get('$filter') ?? '';
    const start = /startDate eq '([^']+)'/.exec(filter)?.[1];
    const end = /endDate eq '([^']+)'/.exec(filter)?.[1];
    const matching = shuffled.filter((p) => {
      const t = Date.parse(p.properties.recoveryPointTime);
      return (!start || t >= Date.parse(start)) && (!end || t <= Date.parse(end));
    });
    const skip = Number(req.query.get('$skipToken') ?? '0');
    const next = skip + pageSize < matching.length ? skip + pageSize : undefined;
    const nextQuery = new URLSearchParams(req.rawQuery);
    nextQuery.set('$skipToken', String(next));
    return {
      status: 200,
      body: {
        value: matching.slice(skip, skip + pageSize),
        ...(next !== undefined && { nextLink: `${arm.url}${req.path}?${nextQuery.toString()}` }),
      },
    };
  });
}

describe('paging', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const points = Array.from({ length: 250 }, (_, i) => point(new Date(now.getTime() - (i + 1) * 24 * HOUR), i));

  test('reading the first page makes exactly one call; pages come lazily', async () => {
    serveRecoveryPoints(points, 100);
    const pager = client().listRecoveryPoints(INSTANCE);
    expect(arm.requests).toHaveLength(0);
    const pages = pager.byPage();
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect(first.value?.items).toHaveLength(100);
    expect(arm.requests).toHaveLength(1);
    await pages.return(undefined);
    expect(arm.requests).toHaveLength(1);
  });

  test('iterating items follows every absolute nextLink exactly as returned', async () => {
    serveRecoveryPoints(points, 100);
    const seen: string[] = [];
    for await (const p of client().listRecoveryPoints(INSTANCE)) seen.push(p.name);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(arm.requests.map((r) => r.query.get('$skipToken'))).toEqual([null, '100', '200']);
    // The next pages are fetched with the link's own query (api-version included, not duplicated).
    expect(arm.requests[1].query.getAll('api-version')).toEqual(['2026-07-01']);
  });

  test('toArray(limit) stops without fetching pages it does not need', async () => {
    serveRecoveryPoints(points, 100);
    expect(await client().listRecoveryPoints(INSTANCE).toArray(150)).toHaveLength(150);
    expect(arm.requests).toHaveLength(2);
  });

  test('a continuation token resumes a listing at that page', async () => {
    serveRecoveryPoints(points, 100);
    const first = await client().listRecoveryPoints(INSTANCE).firstPage();
    arm.requests.length = 0;
    const rest = [];
    for await (const page of client().listRecoveryPoints(INSTANCE).byPage({ continuationToken: first.nextLink }))
      rest.push(...page.items);
    expect(rest).toHaveLength(150);
    expect(arm.requests[0].query.get('$skipToken')).toBe('100');
  });

  test('the date range becomes a CLI-style $filter', async () => {
    serveRecoveryPoints(points, 100);
    await client()
      .listRecoveryPoints(INSTANCE, {
        startDate: new Date('2017-12-31T05:30:00Z'),
        endDate: new Date('2018-01-31T05:30:00.123Z'),
      })
      .firstPage();
    expect(arm.requests[0].query.get('$filter')).toBe(
      "startDate eq '2017-12-31T05:30:00.0000000Z' and endDate eq '2018-01-31T05:30:00.1230000Z'",
    );
    expect(arm.requests[0].rawQuery).toContain('$filter=');
  });

  test('POST lists (fetchCrossRegionRestoreJobs) continue with GET on nextLink', async () => {
    const job = (n: number) => ({
      id: `${VAULT}/backupJobs/j${n}`,
      name: `j${n}`,
      type: 't',
      properties: { status: 'InProgress' },
    });
    arm.setHandler((req) =>
      req.method === 'POST'
        ? {
            status: 200,
            body: { value: [job(1)], nextLink: `${arm.url}/next-page?$skipToken=abc&api-version=2026-07-01` },
          }
        : { status: 200, body: { value: [job(2)] } },
    );
    const jobs = await client()
      .fetchCrossRegionRestoreJobs('westus', { sourceRegion: 'East US', sourceBackupVaultId: VAULT })
      .toArray();
    expect(jobs.map((j) => j.name)).toEqual(['j1', 'j2']);
    expect(arm.requests.map((r) => `${r.method} ${r.path}?${r.rawQuery}`)).toEqual([
      'POST /subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DataProtection/locations/westus/fetchCrossRegionRestoreJobs?api-version=2026-07-01',
      'GET /next-page?$skipToken=abc&api-version=2026-07-01',
    ]);
  });
});

describe('newestRecoveryPoint', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  // Weekly points, the newest 30 hours old, served in an order that is neither newest- nor oldest-first.
  const weekly = Array.from({ length: 12 }, (_, i) => point(new Date(now.getTime() - 30 * HOUR - i * 168 * HOUR), i));

  test('finds the newest point with one windowed call, whatever the server order', async () => {
    serveRecoveryPoints(weekly, 100);
    const newest = await client().newestRecoveryPoint(INSTANCE, { now });
    expect(newest?.name).toBe('rp0000');
    expect(arm.requests).toHaveLength(1);
    expect(arm.requests[0].query.get('$filter')).toBe(
      `startDate eq '${formatFilterTime(new Date(now.getTime() - 8 * 24 * HOUR))}'`,
    );
  });

  test('with before: the newest point strictly older than it', async () => {
    serveRecoveryPoints(weekly, 100);
    const before = new Date(weekly[3].properties.recoveryPointTime);
    const newest = await client().newestRecoveryPoint(INSTANCE, { before });
    expect(newest?.name).toBe('rp0004');
    expect(arm.requests[0].query.get('$filter')).toContain(`endDate eq '${formatFilterTime(before)}'`);
  });

  test('widens the window backwards until points appear', async () => {
    const old = [
      point(new Date(now.getTime() - 200 * 24 * HOUR), 1),
      point(new Date(now.getTime() - 100 * 24 * HOUR), 2),
    ];
    // One point per page, so the whole list is never a single page.
    serveRecoveryPoints(old, 1);
    const newest = await client().newestRecoveryPoint(INSTANCE, { now });
    expect(newest?.name).toBe('rp0002');
    // 8 days, one unfiltered page (more pages follow, so no answer there), then 32 more days (to 40) and
    // 128 more (to 168): found.
    expect(arm.requests.map((r) => r.query.has('$filter'))).toEqual([true, false, true, true]);
  });

  test('when the recent window is empty and the whole list is one page, that page ends the search', async () => {
    const old = [
      point(new Date(now.getTime() - 2000 * 24 * HOUR), 1),
      point(new Date(now.getTime() - 100 * 24 * HOUR), 2),
    ];
    serveRecoveryPoints(old, 100);
    expect((await client().newestRecoveryPoint(INSTANCE, { now }))?.name).toBe('rp0002');
    expect(arm.requests.map((r) => r.query.has('$filter'))).toEqual([true, false]);
  });

  test('is not fooled by a service clock ahead of ours', async () => {
    serveRecoveryPoints(weekly, 100);
    const newest = await client().newestRecoveryPoint(INSTANCE, { now: new Date(now.getTime() - 40 * 24 * HOUR) });
    expect(newest?.name).toBe('rp0000');
  });

  test('answers undefined when there is no point within the lookback', async () => {
    serveRecoveryPoints([], 100);
    expect(await client().newestRecoveryPoint(INSTANCE, { now, maxLookbackDays: 400 })).toBeUndefined();
    // The first window, then one unfiltered page that says there is nothing at all.
    expect(arm.requests).toHaveLength(2);
  });
});

describe('recovery points in the secondary region', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const source = { sourceRegion: 'East US', sourceBackupInstanceId: INSTANCE };
  const SECONDARY_PATH =
    '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DataProtection/locations/westus/fetchSecondaryRecoveryPoints';
  // 150 hourly points, the newest 12 h old (replicated), served neither newest- nor oldest-first.
  const hourly = Array.from({ length: 150 }, (_, i) => point(new Date(now.getTime() - (12 + i) * HOUR), i));

  test('a date range goes into the POST query as the CLI-style $filter, the body stays the same', async () => {
    serveRecoveryPoints(hourly, 100);
    const at = new Date(hourly[40].properties.recoveryPointTime);
    const points = await client()
      .fetchSecondaryRecoveryPoints('westus', source, { startDate: at, endDate: at })
      .toArray();
    expect(points.map((p) => p.name)).toEqual(['rp0040']);
    expect(arm.requests).toHaveLength(1);
    const [post] = arm.requests;
    expect(post.method).toBe('POST');
    expect(post.path).toBe(SECONDARY_PATH);
    expect(post.query.get('$filter')).toBe(
      `startDate eq '${formatFilterTime(at)}' and endDate eq '${formatFilterTime(at)}'`,
    );
    expect(post.body).toEqual({ sourceRegion: 'eastus', sourceBackupInstanceId: INSTANCE });
  });

  test('without a range, no $filter is sent', async () => {
    serveRecoveryPoints(hourly, 100);
    await client().fetchSecondaryRecoveryPoints('westus', source).firstPage();
    expect(arm.requests[0].query.has('$filter')).toBe(false);
  });

  test('newestSecondaryRecoveryPoint reads one window, page by page, whatever the server order', async () => {
    serveRecoveryPoints(hourly, 100);
    const newest = await client().newestSecondaryRecoveryPoint('westus', source, { now });
    expect(newest?.name).toBe('rp0000');
    // The 8-day window holds all 150 points: the POST and one GET on its nextLink, which keeps the $filter.
    expect(arm.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    const filter = `startDate eq '${formatFilterTime(new Date(now.getTime() - 8 * 24 * HOUR))}'`;
    expect(arm.requests.map((r) => r.query.get('$filter'))).toEqual([filter, filter]);
  });

  test('newestSecondaryRecoveryPoint honours `before` (exclusive)', async () => {
    serveRecoveryPoints(hourly, 100);
    const before = new Date(hourly[30].properties.recoveryPointTime);
    expect((await client().newestSecondaryRecoveryPoint('westus', source, { before }))?.name).toBe('rp0031');
    expect(arm.requests[0].query.get('$filter')).toContain(`endDate eq '${formatFilterTime(before)}'`);
  });

  test('nothing replicated yet: the first window and one unfiltered page, not every window back 10 years', async () => {
    serveRecoveryPoints([], 100);
    expect(await client().newestSecondaryRecoveryPoint('westus', source, { now })).toBeUndefined();
    expect(arm.requests.map((r) => [r.method, r.path, r.query.has('$filter')])).toEqual([
      ['POST', SECONDARY_PATH, true],
      ['POST', SECONDARY_PATH, false],
    ]);
  });
});

test('listSubscriptions uses the Subscriptions API version and pages', async () => {
  const sub = (n: number) => ({
    id: `/subscriptions/sub-${n}`,
    subscriptionId: `sub-${n}`,
    displayName: `Sub ${n}`,
    state: 'Enabled',
  });
  arm.setHandler((req) =>
    req.query.has('$skipToken')
      ? { status: 200, body: { value: [sub(2)] } }
      : {
          status: 200,
          body: { value: [sub(1)], nextLink: `${arm.url}/subscriptions?api-version=2022-12-01&$skipToken=x` },
        },
  );
  const subs = await client().listSubscriptions().toArray();
  expect(subs.map((s) => s.displayName)).toEqual(['Sub 1', 'Sub 2']);
  expect(arm.requests.map((r) => `${r.path}?${r.rawQuery}`)).toEqual([
    '/subscriptions?api-version=2022-12-01',
    '/subscriptions?api-version=2022-12-01&$skipToken=x',
  ]);
});
