/**
 * Recovery points: pages of exactly 100 with an absolute nextLink, inclusive $filter bounds, newest first,
 * and secondary-region points that appear only after the replication lag.
 */
import { Harness, type Json, PROD_VAULT, restoreRequest, SUB, seed } from './harness';

let h: Harness;
let instance: Json;

// 250 hourly points; the newest at 10:00 on 2026-11-24 (2 h before the seed's now, 12:00).
const HOUR = 3_600_000;
const NEWEST = Date.parse('2026-11-24T10:00:00Z');
const LOCATION = `/subscriptions/${SUB}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/locations`;

beforeEach(async () => {
  h ??= await Harness.start(seed());
  await h.reset(seed());
  instance = await h.instance(PROD_VAULT, 'pg-orders-prod');
});
afterAll(() => h.close());

const times = (items: Json[]) => items.map((p) => Date.parse(p.properties.recoveryPointTime));
const filterOf = (text: string) => `${instance.id}/recoveryPoints?$filter=${encodeURIComponent(text)}`;

test('lists every point newest first in pages of exactly 100, following an absolute nextLink with $skipToken', async () => {
  const first = await h.arm('GET', `${instance.id}/recoveryPoints`);
  expect(first.body.nextLink).toMatch(new RegExp(`^${h.url}/subscriptions/.+/recoveryPoints\\?.*\\$skipToken=`));
  expect(first.body.nextLink).toContain('api-version=2026-07-01');

  const { items, pageSizes } = await h.listAll('GET', `${instance.id}/recoveryPoints`);
  expect(pageSizes).toEqual([100, 100, 50]);
  expect(times(items)).toEqual(Array.from({ length: 250 }, (_, i) => NEWEST - i * HOUR));
  expect(new Set(items.map((p) => p.name)).size).toBe(250);
  for (const p of items) {
    expect(p.name).toMatch(/^[0-9a-f]{32}$/);
    expect(p.properties.objectType).toBe('AzureBackupDiscreteRecoveryPoint');
    expect(p.id).toBe(`${instance.id}/recoveryPoints/${p.name}`);
  }
});

test('recovery point ids are the same after a reset of the same seed, and each can be read back', async () => {
  const before = (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value.map((p: Json) => p.name);
  await h.reset(seed());
  const after = (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value.map((p: Json) => p.name);
  expect(after).toEqual(before);
  const one = await h.arm('GET', `${instance.id}/recoveryPoints/${before[42].toUpperCase()}`);
  expect(one.status).toBe(200);
  expect(Date.parse(one.body.properties.recoveryPointTime)).toBe(NEWEST - 42 * HOUR);
});

test('$filter bounds are inclusive, and either bound works alone', async () => {
  const both = await h.arm(
    'GET',
    filterOf("startDate eq '2026-11-24T05:00:00.0000000Z' and endDate eq '2026-11-24T08:00:00.0000000Z'"),
  );
  expect(times(both.body.value)).toEqual([8, 7, 6, 5].map((hour) => Date.parse(`2026-11-24T0${hour}:00:00Z`)));

  const startOnly = await h.arm('GET', filterOf("startDate eq '2026-11-24T08:00:00Z'"));
  expect(times(startOnly.body.value)).toEqual([NEWEST, NEWEST - HOUR, NEWEST - 2 * HOUR]);

  const endOnly = await h.arm('GET', filterOf("endDate eq '2026-11-14T10:00:00Z'"));
  expect(endOnly.body.value).toHaveLength(10);
  expect(times(endOnly.body.value)[0]).toBe(Date.parse('2026-11-14T10:00:00Z'));

  const between = await h.arm(
    'GET',
    filterOf("startDate eq '2026-11-24T08:30:00Z' and endDate eq '2026-11-24T08:59:59Z'"),
  );
  expect(between.body.value).toEqual([]);
});

test('a filtered list pages too, and its nextLink keeps the filter', async () => {
  const window = "startDate eq '2026-11-17T11:00:00Z' and endDate eq '2026-11-23T16:00:00Z'";
  const { items, pageSizes } = await h.listAll('GET', filterOf(window));
  expect(pageSizes).toEqual([100, 50]);
  expect(times(items)[0]).toBe(Date.parse('2026-11-23T16:00:00Z'));
  expect(times(items).at(-1)).toBe(Date.parse('2026-11-17T11:00:00Z'));
});

test('a $filter that is not startDate/endDate is a 400 CloudError', async () => {
  const answer = await h.arm('GET', filterOf("recoveryPointTime gt '2026-01-01'"));
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('BadRequest');
});

test('the secondary region holds only points at least secondaryLagHours old, and more after the clock moves', async () => {
  const body = { sourceRegion: 'East US', sourceBackupInstanceId: instance.id };
  // Region names are loose in Azure's own examples: `West US` and `WestUS` both mean westus.
  const { items, pageSizes } = await h.listAll('POST', `${LOCATION}/West%20US/fetchSecondaryRecoveryPoints`, body);
  expect(pageSizes).toEqual([100, 100, 40]);
  expect(times(items)[0]).toBe(Date.parse('2026-11-24T00:00:00Z'));

  await h.advance(3 * 3600);
  const later = await h.arm('POST', `${LOCATION}/WestUS/fetchSecondaryRecoveryPoints`, body);
  expect(times(later.body.value)[0]).toBe(Date.parse('2026-11-24T03:00:00Z'));
});

test('cross-region restore of a point not yet replicated is 400 UserErrorRecoveryPointNotFound, then works once it is', async () => {
  const newest = (await h.arm('GET', `${instance.id}/recoveryPoints`)).body.value[0].name;
  const body = {
    objectType: 'ValidateCrossRegionRestoreRequestObject',
    restoreRequestObject: restoreRequest(newest),
    crossRegionRestoreDetails: { sourceRegion: 'eastus', sourceBackupInstanceId: instance.id },
  };
  const early = await h.arm('POST', `${LOCATION}/westus/validateCrossRegionRestore`, body);
  expect(early.status).toBe(400);
  expect(early.body.error.code).toBe('UserErrorRecoveryPointNotFound');

  await h.advance(10 * 3600);
  const replicated = await h.arm('POST', `${LOCATION}/westus/validateCrossRegionRestore`, body);
  expect(replicated.status).toBe(202);
});

test('cross-region calls must name the vault’s secondary region', async () => {
  const answer = await h.arm('POST', `${LOCATION}/eastus2/fetchSecondaryRecoveryPoints`, {
    sourceRegion: 'eastus',
    sourceBackupInstanceId: instance.id,
  });
  expect(answer.status).toBe(400);
  expect(answer.body.error.message).toContain('westus');
});
