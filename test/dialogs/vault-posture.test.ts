/**
 * `/restore vaults`: the posture of every kind of vault, through the conversation against the emulator. The
 * demo preset first, then a seed with every combination (vault-setting-seed.ts); each warning is asserted
 * where it is due and its absence everywhere else.
 */

import type { ListRow, View } from '../../src/dialogs/views';
import { callLimiter } from '../../src/restore';
import { addFaults, admin, resetEmulator } from '../restore/service/support';
import { postureSeed, VAULTS } from '../restore/service/vault-setting-seed';
import { Chat, type Harness, requester, startHarness, teamsUser } from './support';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function row(view: View, name: string): ListRow {
  const found = view.rows?.find((r) => r.title === name);
  if (!found) throw new Error(`no row ${name} in ${view.rows?.map((r) => r.title).join(', ')}`);
  return found;
}

const factsOf = (r: ListRow) => Object.fromEntries(r.facts.map((f) => [f.label, f.value]));
const buttonsOf = (r: ListRow) => (r.actions ?? []).map((a) => a.label);
const codesOf = (r: ListRow) => r.warnings ?? [];

const UP_TO_DATE =
  /^newest copy \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \((\d+ (day|hour)s? ago)\); within the 12 h replication window of the primary; can be restored there now$/;

describe('the demo preset', () => {
  let view: View;
  beforeAll(async () => {
    await resetEmulator(h.emulatorUrl);
    [view] = (await new Chat(h.app).say(requester, 'vaults')) as [View];
  });

  test('bv-prod-eastus: GeoRedundant with CRR, each server restorable in westus and up to date, no warnings', () => {
    expect(view.kind).toBe('list');
    expect(view.subtitle).toBe('2 vaults in scope');
    const prod = row(view, 'bv-prod-eastus');
    const facts = factsOf(prod);
    expect(facts).toMatchObject({
      Region: 'eastus',
      'Secondary region': 'westus',
      'Storage redundancy': 'GeoRedundant',
      'Cross Region Restore': 'Enabled (irreversible)',
      Immutability: 'Unlocked (enabled, can be turned off)',
      'Soft delete': 'On, deleted backups kept 14 days',
      'PostgreSQL servers': '2 (pg-orders-prod, pg-payments-prod)',
    });
    expect(facts['pg-orders-prod in westus']).toMatch(UP_TO_DATE);
    expect(facts['pg-orders-prod in westus']).toContain('(1 day ago)');
    // pg-payments-prod's newest point (6 h) is not due in westus yet: its previous one is, so it is up to date.
    expect(facts['pg-payments-prod in westus']).toMatch(UP_TO_DATE);
    expect(facts['pg-payments-prod in westus']).toContain('(7 days ago)');
    expect(prod.warnings).toEqual([]);
    expect(buttonsOf(prod)).toEqual(['Lock immutability']);
  });

  test('bv-dev-eastus2: LocallyRedundant: CRR impossible and immutability Disabled are warned; no secondary facts', () => {
    const dev = row(view, 'bv-dev-eastus2');
    expect(factsOf(dev)).toEqual({
      Region: 'eastus2',
      'Secondary region': 'none (LocallyRedundant storage is not replicated)',
      'Storage redundancy': 'LocallyRedundant',
      'Cross Region Restore': 'Disabled (impossible on LocallyRedundant)',
      Immutability: 'Disabled',
      'Soft delete': 'On, deleted backups kept 14 days',
      'PostgreSQL servers': '1 (pg-orders-dev)',
    });
    expect(dev.warnings).toEqual([
      'Cross Region Restore is impossible on bv-dev-eastus2: it is LocallyRedundant, so its backups exist only in eastus2, and storage redundancy cannot be changed now that items are protected. An outage of eastus2 leaves nothing to restore from.',
      'Immutability is Disabled on bv-dev-eastus2: its recovery points could be deleted early. Consider enabling it with /restore vaults.',
    ]);
    expect(buttonsOf(dev)).toEqual(['Enable immutability', 'Lock immutability']);
  });

  test('a name narrows the list; an unknown name suggests the closest', async () => {
    const [one] = await new Chat(h.app).say(requester, 'vaults bv-dev');
    expect(one!.rows!.map((r) => r.title)).toEqual(['bv-dev-eastus2']);
    const [none] = await new Chat(h.app).say(requester, 'vaults bv-prd-eastus');
    expect(none!.error!.message).toBe('No vault in scope is called bv-prd-eastus. Did you mean bv-prod-eastus?');
  });
});

describe('every combination', () => {
  let view: View;
  beforeAll(async () => {
    await resetEmulator(h.emulatorUrl, postureSeed() as unknown as Record<string, unknown>);
    [view] = (await new Chat(h.app).say(requester, '/restore vaults')) as [View];
  });

  test('GRS + CRR, servers up to date in the secondary region: no warning, only Lock offered', () => {
    const r = row(view, VAULTS.grsCrr);
    expect(factsOf(r)['pg-fresh in westus']).toMatch(UP_TO_DATE);
    expect(factsOf(r)['pg-young in westus']).toMatch(UP_TO_DATE);
    expect(r.warnings).toEqual([]);
    expect(buttonsOf(r)).toEqual(['Lock immutability']);
  });

  test('GRS without CRR, immutability Disabled, soft delete Off: those two warned; every change offered', () => {
    const r = row(view, VAULTS.grsNoCrr);
    expect(factsOf(r)).toEqual({
      Region: 'westeurope',
      'Secondary region': 'northeurope',
      'Storage redundancy': 'GeoRedundant',
      'Cross Region Restore': 'Disabled',
      Immutability: 'Disabled',
      'Soft delete': 'Off',
      'PostgreSQL servers': '1 (pg-euro)',
    });
    expect(codesOf(r)).toEqual([
      'Immutability is Disabled on bv-grs-nocrr: its recovery points could be deleted early. Consider enabling it with /restore vaults.',
      'Soft delete is Off on bv-grs-nocrr: deleted backups cannot be recovered. Consider turning it on.',
    ]);
    expect(buttonsOf(r)).toEqual(['Enable Cross Region Restore', 'Enable immutability', 'Lock immutability']);
  });

  test('LRS with immutability Locked: CRR impossible warned; nothing can be changed', () => {
    const r = row(view, VAULTS.lrs);
    expect(factsOf(r).Immutability).toBe('Locked (irreversible)');
    expect(r.warnings).toEqual([
      expect.stringMatching(/^Cross Region Restore is impossible on bv-lrs: it is LocallyRedundant/),
    ]);
    expect(r.actions).toBeUndefined();
  });

  test('ZRS without servers, soft delete AlwaysOn: CRR impossible warned (redundancy can still be chosen)', () => {
    const r = row(view, VAULTS.zrs);
    expect(factsOf(r)).toMatchObject({
      'Secondary region': 'none (ZoneRedundant storage is not replicated)',
      'Soft delete': 'AlwaysOn (permanent), deleted backups kept 14 days',
      'PostgreSQL servers': '0',
    });
    expect(r.warnings).toEqual([
      'Cross Region Restore is impossible on bv-zrs: it is ZoneRedundant, so its backups exist only in westus2; make it GeoRedundant before protecting any server. An outage of westus2 leaves nothing to restore from.',
    ]);
    expect(buttonsOf(r)).toEqual(['Lock immutability']);
  });

  test('a secondary copy 168 h behind the primary, and one missing: both warned, judged against the primary', () => {
    const r = row(view, VAULTS.stale);
    const facts = factsOf(r);
    expect(facts['pg-stale in westus']).toMatch(
      /^newest copy .+ UTC \(7 days ago\); 168 h behind the primary point of .+ UTC \(20 hours ago\), beyond the 12 h window; can be restored there now$/,
    );
    expect(facts['pg-lonely in westus']).toBe('no copy there yet: cannot be restored in the secondary region now');
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^The newest recovery point of pg-stale in westus is 168 h older than its primary point of .+ UTC, beyond the 12 h replication window/,
      ),
      expect.stringMatching(
        /^pg-lonely has no recovery point in westus, although its primary point of .+ UTC is older/,
      ),
    ]);
    expect(r.actions).toBeUndefined();
  });

  test('someone the policy does not let ask for changes sees the posture without buttons', async () => {
    const narrow = await startHarness((config) => ({
      ...config,
      teams: { ...config.teams!, requesters: ['user-id-2'] },
    }));
    try {
      await resetEmulator(narrow.emulatorUrl, postureSeed() as unknown as Record<string, unknown>);
      const [seen] = await new Chat(narrow.app).say(teamsUser('user-id-3', 'Nico Bystander'), 'vaults');
      expect(seen!.rows!.map((r) => r.title)).toHaveLength(5);
      expect(seen!.rows!.flatMap((r) => r.actions ?? [])).toEqual([]);
      const [own] = await new Chat(narrow.app).say(requester, 'vaults bv-grs-nocrr');
      expect(buttonsOf(own!.rows![0]!)).toHaveLength(3);
    } finally {
      await narrow.close();
    }
  });

  test('instances and their points are read concurrently: slow reads overlap', async () => {
    // Each recovery point read answers after 300 ms: one after another, this seed's reads would take > 3 s.
    await addFaults(h.emulatorUrl, [
      { method: 'GET', pathPattern: '/recoveryPoints$', latencyMs: 300 },
      { method: 'POST', pathPattern: '/fetchSecondaryRecoveryPoints$', latencyMs: 300 },
    ]);
    try {
      const started = Date.now();
      const [slow] = await new Chat(h.app).say(requester, 'vaults');
      const elapsed = Date.now() - started;
      expect(slow!.rows).toHaveLength(5);
      expect(elapsed).toBeLessThan(2_500);
    } finally {
      await admin(h.emulatorUrl, 'DELETE', 'faults');
    }
  });
});

test('the call limiter runs at most its bound at once and every call to its end', async () => {
  const limit = callLimiter(3);
  let running = 0;
  let most = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      limit(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return i;
      }),
    ),
  );
  expect(most).toBe(3);
  expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
});
