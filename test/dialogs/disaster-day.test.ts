/**
 * Issue 7.4, the conversation's side of disaster day: while eastus does not answer, the wizard lists from the
 * inventory (saying how old it is), offers the secondary region only, says plainly what is degraded, and the
 * restore goes through approval to one Cross Region Restore. With nothing stored, it says why it cannot list
 * and what to do instead.
 */

import type { View } from '../../src/dialogs/views';
import { buildDemoSeed } from '../../src/emulator';
import { addFaults } from '../restore/service/support';
import { type DisasterHarness, startDisasterHarness } from './disaster-support';
import { action, approver, Chat, clickOn, fact, last, requester } from './support';

jest.setTimeout(30_000);

let h: DisasterHarness;
beforeAll(async () => {
  h = await startDisasterHarness();
});
afterAll(() => h?.close());
afterEach(async () => {
  await h.outage('eastus', false);
  await h.outage('eastus2', false);
  await fetch(`${h.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
  h.clock.offsetMs = 0;
});

function warningsOf(view: View): string {
  return (view.warnings ?? []).join('\n');
}

describe('with a warm inventory', () => {
  beforeAll(async () => {
    await h.refresher.refresh();
  });

  test('eastus down: secondary region only, servers from the inventory with their age, then one CRR after approval', async () => {
    // The inventory was filled two hours before the outage.
    h.clock.offsetMs = 2 * 3_600_000;
    await h.outage('eastus', true);
    await h.clearRequests();
    const chat = new Chat(h.app);

    const [vaultStep] = await chat.say(requester, 'restore');
    const [autoRegion, serverStep] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');

    expect(autoRegion!.auto).toEqual({
      answer: 'Secondary region (westus) — Cross Region Restore',
      reason:
        "The vault's region, eastus, is not answering (ServiceUnavailable); only Cross Region Restore into westus can run now",
    });
    const primary = autoRegion!.choices!.options.find((o) => o.value === 'primary')!;
    expect(primary).toMatchObject({
      disabled: true,
      description: 'Not available: eastus is not answering (ServiceUnavailable)',
    });

    expect(serverStep!.title).toBe('Pick the PostgreSQL server');
    expect(serverStep!.text).toContainEqual(
      expect.stringMatching(
        /^eastus is not answering \(ServiceUnavailable\): the servers of bv-prod-eastus as the bot last listed them, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(2 hours ago\)\.$/,
      ),
    );
    expect(warningsOf(serverStep!)).toMatch(
      /^Disaster-day mode: eastus has not been answering \(ServiceUnavailable\) since .+ UTC\. Only Cross Region Restore into westus is offered\./,
    );
    // Secondary availability comes from westus, which still answers.
    expect(serverStep!.choices!.options.map((o) => o.description?.split(' · ')[0])).toEqual([
      expect.stringMatching(/^westus now: newest copy /),
      expect.stringMatching(/^westus now: newest copy /),
    ]);

    const [pointStep] = await chat.choose(requester, serverStep!, 'pg-orders-prod');
    expect(pointStep!.text!.join(' ')).toContain('in westus (already replicated there)');
    const [autoTarget, review] = await chat.choose(requester, pointStep!, pointStep!.choices!.options[0]!.label);
    expect(autoTarget!.auto?.answer).toBe('dr-westus');
    expect(review!.title).toBe('Review the restore');
    expect(fact(review!, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    expect(fact(review!, 'Azure validation')).toBe('Succeeded');
    expect(warningsOf(review!)).toContain('Disaster-day mode: eastus has not been answering');
    expect(warningsOf(review!)).toMatch(
      /The vault's settings come from the bot's inventory as of .+ UTC \(just now\), its servers as of .+ UTC \(2 hours ago\);/,
    );

    const [confirmation] = await chat.submit(requester, action(review!, 'request'));
    expect(confirmation!.title).toMatch(/^Approval requested: R-/);
    const approval = last(h.poster.posts).view;
    expect(approval.kind).toBe('approval');
    expect(warningsOf(approval)).toMatch(/^Degraded: eastus, the region of bv-prod-eastus, is not answering/);

    const decided = await clickOn(h.app, approver, approval, 'approve');
    await decided.afterResponse?.();
    const requests = await h.requests();
    const triggers = requests.filter((r) => r.method === 'POST' && /\/(restore|crossRegionRestore)$/.test(r.path));
    expect(triggers.map((t) => [t.path.split('/').slice(-2).join('/'), t.status])).toEqual([
      ['westus/crossRegionRestore', 202],
    ]);
    // eastus was asked once (the vault, when it was picked); the wizard and the trigger did not wait on it again.
    expect(requests.filter((r) => r.status === 503)).toHaveLength(1);
    const requestId = fact(confirmation!, 'Request')!;
    expect((await h.service.get(requestId))?.state).toBe('running');
  });

  test('the shortcut finds the server in the inventory and goes straight to westus', async () => {
    await h.outage('eastus', true);
    const chat = new Chat(h.app);
    const views = await chat.say(requester, 'restore pg-payments-prod --latest');
    const review = last(views);
    expect(review.title).toBe('Review the restore');
    expect(review.text!.join(' ')).toContain(
      'The restore cannot run in the primary region, eastus, which is not answering: it continues in the secondary region.',
    );
    expect(fact(review, 'Restore in')).toBe('Secondary region (westus) — Cross Region Restore');
    // "latest" in westus is the newest replicated point, a week old: the 6-hour-old backup is not there yet.
    expect(fact(review, 'Recovery point')).toMatch(/\(7 days ago\)$/);
  });

  test('a vault that cannot restore elsewhere says nothing can be restored from it until its region is back', async () => {
    await h.outage('eastus2', true);
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const [view] = await chat.choose(requester, vaultStep!, 'bv-dev-eastus2');
    expect(view!.error).toEqual({
      code: 'PRIMARY_REGION_DOWN',
      message:
        'eastus2, the region of bv-dev-eastus2, is not answering (ServiceUnavailable), and this vault cannot restore anywhere else: the vault is LocallyRedundant; Cross Region Restore needs a GeoRedundant vault. Nothing can be restored from it until eastus2 answers again; go back and pick another vault.',
    });
  });

  test('when ARM does not answer the vault list, the stored vaults are offered with their age', async () => {
    // The first test stored the vaults at its clock (+2 h); three hours later:
    h.clock.offsetMs = 5 * 3_600_000;
    await addFaults(h.emulatorUrl, [
      { method: 'GET', pathPattern: '/backupVaults$', status: 503, code: 'ServiceUnavailable', retryAfterSeconds: 0 },
    ]);
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    expect(vaultStep!.choices!.options.map((o) => o.label).sort()).toEqual(['bv-dev-eastus2', 'bv-prod-eastus']);
    expect(vaultStep!.text).toContainEqual(
      expect.stringMatching(
        /^Azure did not answer the list of vaults \(ServiceUnavailable\): these are the vaults as the bot last listed them, .+ UTC \(3 hours ago\)\.$/,
      ),
    );
  });
});

describe('with a cold inventory', () => {
  let cold: DisasterHarness;
  beforeAll(async () => {
    cold = await startDisasterHarness({ seed: buildDemoSeed() });
  });
  afterAll(() => cold?.close());

  test('the bot says why it cannot list the servers and what to do instead', async () => {
    await cold.outage('eastus', true);
    const chat = new Chat(cold.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const views = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
    const view = last(views);
    expect(view.error?.code).toBe('INVENTORY_COLD');
    expect(view.error?.message).toBe(
      'eastus, the region of bv-prod-eastus, is not answering (ServiceUnavailable), and the bot has never stored the list of servers that vault protects, so it has no backup instance ids to restore with (restore <server> --secondary needs them too). What you can do now: restore in the Azure portal (Backup center → Backup instances, filter Instance Region = Secondary Region, then Restore), or wait for eastus to answer and try again. To be ready next time, keep the bot running: it refreshes its inventory in the background (INVENTORY_REFRESH_MINUTES).',
    );
  });

  test('the shortcut cannot search a vault it never listed, and says so instead of "no such server"', async () => {
    await cold.outage('eastus', true);
    const chat = new Chat(cold.app);
    const [view] = await chat.say(requester, 'restore pg-orders-prod --secondary');
    expect(view!.error?.code).toBe('INVENTORY_COLD');
    expect(view!.error?.message).toMatch(
      /^pg-orders-prod was not found, but bv-prod-eastus could not be searched: not answering \(ServiceUnavailable\) and never listed by the bot\. What you can do now: /,
    );
  });

  test('nothing stored and no vault list either', async () => {
    await addFaults(cold.emulatorUrl, [
      { method: 'GET', pathPattern: '/backupVaults$', status: 503, code: 'ServiceUnavailable', retryAfterSeconds: 0 },
    ]);
    try {
      await cold.store.exec('TRUNCATE inventory_vaults');
      const [view] = await new Chat(cold.app).say(requester, 'restore');
      expect(view!.error?.code).toBe('INVENTORY_COLD');
      expect(view!.error?.message).toMatch(
        /^Azure did not answer the list of vaults \(ServiceUnavailable\), and the bot has never stored an inventory of them/,
      );
    } finally {
      await fetch(`${cold.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    }
  });
});
