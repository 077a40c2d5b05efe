/**
 * Vault-setting requests through the real service (journey 5): real emulator over HTTP, real client, PGlite,
 * the demo policy. "Exactly one PATCH" is judged by the emulator's own request log; crashes are simulated by a
 * crash hook that throws where the process would have died, and a second service (a restarted replica) recovers.
 */
import type { DataProtectionClient } from '../../../src/azure';
import { type AuditRecord, exportAudit, type Policy, verifyAudit } from '../../../src/restore';
import {
  type CreateVaultSettingInput,
  type RestoreService,
  VAULT_SETTING_RESUME_AFTER_MS,
} from '../../../src/restore/service';
import { openStore, type Store } from '../../../src/store';
import {
  addFaults,
  approver,
  clockAhead,
  dbas,
  type EmulatorHandle,
  emulatorClient,
  fastForward,
  loadDemoPolicy,
  oncall,
  requester,
  resetEmulator,
  serviceFor,
  startDemoEmulator,
} from './support';
import { emulatorRequests, postureSeed, VAULTS, vaultIdOf, vaultPatches } from './vault-setting-seed';

jest.setTimeout(60_000);

const RETRIGGER_AFTER_MS = 15 * 60_000;
const AFTER_RESUME_WINDOW = VAULT_SETTING_RESUME_AFTER_MS + 30_000;

let emulator: EmulatorHandle;
let client: DataProtectionClient;
let policy: Policy;
let store: Store;
let service: RestoreService;
let clock: { stop(): Promise<void> };

beforeAll(async () => {
  emulator = await startDemoEmulator();
  client = emulatorClient(emulator.url);
  policy = await loadDemoPolicy();
  store = await openStore({ dataDir: 'memory://' });
});
afterAll(async () => {
  await store.close();
  await emulator.close();
});
beforeEach(async () => {
  await resetEmulator(emulator.url, postureSeed() as unknown as Record<string, unknown>);
  service = serviceFor({ store, client, policy });
  // One store for the file (PGlite takes seconds to open): withdraw what earlier tests left open, since a
  // vault setting may have only one open request at a time.
  for (const open of await store.requests.list({ kind: 'vault-setting', states: ['awaiting_approval'], limit: 100 })) {
    await service.cancel(open.id, requester, 'test cleanup');
  }
  clock = fastForward(emulator.url);
});
afterEach(async () => {
  await clock.stop();
});

function input(vaultName: string, change: CreateVaultSettingInput['change']): CreateVaultSettingInput {
  const location = { [VAULTS.grsNoCrr]: 'westeurope', [VAULTS.lrs]: 'eastus2', [VAULTS.zrs]: 'westus2' }[vaultName];
  return {
    requester,
    place: oncall,
    vault: { id: vaultIdOf(vaultName), name: vaultName, location: location ?? 'eastus' },
    change,
  };
}

const ENABLE_CRR = { setting: 'crossRegionRestore', to: 'Enabled' } as const;
const UNLOCKED = { setting: 'immutability', to: 'Unlocked' } as const;
const LOCKED = { setting: 'immutability', to: 'Locked' } as const;

async function offered(vaultName: string, change: CreateVaultSettingInput['change'], on = service) {
  const created = await on.createVaultSettingRequest(input(vaultName, change));
  if (!created.created) throw new Error(`refused: ${created.failures.map((f) => f.message).join('; ')}`);
  return created.request;
}

async function vaultState(vaultName: string) {
  const vault = await client.getVault(vaultIdOf(vaultName));
  return {
    crr: vault.properties.featureSettings?.crossRegionRestoreSettings?.state,
    immutability: vault.properties.securitySettings?.immutabilitySettings?.state,
  };
}

async function auditOf(requestId: string): Promise<AuditRecord[]> {
  const events: AuditRecord[] = [];
  await exportAudit(store, (line) => {
    const event = JSON.parse(line) as AuditRecord;
    if (event.requestId === requestId) events.push(event);
  });
  return events;
}

/** A crash hook that stops the trigger where the process would have been killed. */
function crashAt(point: string) {
  return (reached: string) => {
    if (reached === point) throw new Error(`simulated crash at ${point}`);
  };
}

describe('creation', () => {
  test('refuses up front, with the reason, what cannot or need not be done; nothing is stored or sent', async () => {
    const before = (await store.requests.list({ kind: 'vault-setting', limit: 1000 })).length;
    const cases: [string, CreateVaultSettingInput['change'], string, RegExp][] = [
      [VAULTS.lrs, ENABLE_CRR, 'VAULT_SETTING_CRR_NEEDS_GEO_REDUNDANT', /bv-lrs: it is LocallyRedundant/],
      [VAULTS.zrs, ENABLE_CRR, 'VAULT_SETTING_CRR_NEEDS_GEO_REDUNDANT', /bv-zrs: it is ZoneRedundant/],
      [
        VAULTS.lrs,
        UNLOCKED,
        'VAULT_SETTING_IRREVERSIBLE',
        /Immutability is Locked on bv-lrs, which can never be undone/,
      ],
      [VAULTS.lrs, LOCKED, 'VAULT_SETTING_ALREADY_SET', /already Locked on bv-lrs/],
      [VAULTS.grsCrr, ENABLE_CRR, 'VAULT_SETTING_ALREADY_SET', /Cross Region Restore is already Enabled/],
      [VAULTS.grsCrr, UNLOCKED, 'VAULT_SETTING_ALREADY_SET', /Immutability is already Unlocked/],
    ];
    for (const [vault, change, code, text] of cases) {
      const outcome = await service.createVaultSettingRequest(input(vault, change));
      expect(outcome.created).toBe(false);
      if (outcome.created) continue;
      expect(outcome.failures.map((f) => f.code)).toEqual([code]);
      expect(outcome.failures[0]!.message).toMatch(text);
    }
    expect(await store.requests.list({ kind: 'vault-setting', limit: 1000 })).toHaveLength(before);
    expect(await vaultPatches(emulator.url)).toEqual([]);
  });

  test('the CRR request warns it is irreversible, costs extra and takes up to 48 h; Lock warns it is final', async () => {
    const crr = await offered(VAULTS.grsNoCrr, ENABLE_CRR);
    expect(crr).toMatchObject({ kind: 'vault-setting', state: 'awaiting_approval', change: ENABLE_CRR });
    expect(crr.validation!.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/cannot be undone and costs extra.*up to 48 h to appear in northeurope/),
    ]);
    const lock = await offered(VAULTS.grsNoCrr, LOCKED);
    expect(lock.validation!.warnings.map((w) => w.code)).toEqual(['VAULT_SETTING_WARN_LOCK']);
    expect((await auditOf(lock.id)).map((e) => e.type)).toEqual(['request_created', 'validated']);
  });

  test('one open request per setting of a vault: a concurrent double request makes one, the other says which', async () => {
    const outcomes = await Promise.all([
      service.createVaultSettingRequest(input(VAULTS.grsNoCrr, UNLOCKED)),
      service.createVaultSettingRequest(input(VAULTS.grsNoCrr, UNLOCKED)),
    ]);
    const created = outcomes.filter((o) => o.created);
    const refused = outcomes.filter((o) => !o.created);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const id = created[0]!.created ? created[0]!.request.id : '';
    if (!refused[0]!.created) {
      expect(refused[0]!.failures[0]!.code).toBe('VAULT_SETTING_ALREADY_REQUESTED');
      expect(refused[0]!.failures[0]!.message).toContain(id);
    }
    // Locking is the same setting: refused too while the first is open. Another setting is not.
    const lock = await service.createVaultSettingRequest(input(VAULTS.grsNoCrr, LOCKED));
    expect(lock.created).toBe(false);
    expect((await service.createVaultSettingRequest(input(VAULTS.grsNoCrr, ENABLE_CRR))).created).toBe(true);
    // Once decided, the setting may be asked for again.
    await service.reject(id, approver, 'not now', oncall);
    expect((await service.createVaultSettingRequest(input(VAULTS.grsNoCrr, LOCKED))).created).toBe(true);
  });
});

describe('trigger', () => {
  test('approve: one PATCH, followed to the end; the vault changed, the request succeeded, all audited', async () => {
    const request = await offered(VAULTS.grsNoCrr, ENABLE_CRR);
    expect(await vaultPatches(emulator.url)).toEqual([]);

    const result = await service.approve(request.id, approver, oncall);

    expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'succeeded', alreadyApplied: false } });
    const patches = await vaultPatches(emulator.url, VAULTS.grsNoCrr);
    expect(patches.map((p) => p.status)).toEqual([202]);
    expect(await vaultState(VAULTS.grsNoCrr)).toMatchObject({ crr: 'Enabled' });
    const stored = await service.get(request.id);
    expect(stored).toMatchObject({ state: 'succeeded', azure: { pollerState: expect.any(String) } });
    expect(await store.intents.getIntent(request.id)).toMatchObject({
      details: { operation: 'updateVault', change: ENABLE_CRR },
    });
    const events = await auditOf(request.id);
    expect(events.map((e) => e.type)).toEqual([
      'request_created',
      'validated',
      'approved',
      'trigger_started',
      'triggered',
      'vault_setting_changed',
    ]);
    expect(events[5]!.details).toMatchObject({ change: ENABLE_CRR, via: 'trigger', alreadyApplied: false });
    expect(await verifyAudit(store)).toEqual({ ok: true, count: expect.any(Number) });
  });

  test('concurrent approvers, each clicking twice: one approval wins, one PATCH', async () => {
    const request = await offered(VAULTS.grsNoCrr, LOCKED);
    const crowd = dbas(10);
    const results = await Promise.allSettled(
      [...crowd, ...crowd].map((dba) => service.approve(request.id, dba, oncall)),
    );
    const approved = results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'approved');
    expect(approved).toHaveLength(1);
    // Everyone else was told the request was already decided (or that they had approved it).
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason.code).toMatch(/^REQUEST_ALREADY_(DECIDED|APPROVED_BY_YOU)$/);
    }
    await Promise.all([service.trigger(request.id), service.recover()]);
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
    expect(await vaultState(VAULTS.grsNoCrr)).toMatchObject({ immutability: 'Locked' });
    expect((await service.get(request.id))!.state).toBe('succeeded');
  });

  test('a deferred trigger raced by trigger() and recovery: one PATCH', async () => {
    const request = await offered(VAULTS.grsNoCrr, UNLOCKED);
    await service.approve(request.id, approver, oncall, { deferTrigger: true });
    const [first, second, recovered] = await Promise.all([
      service.trigger(request.id),
      service.trigger(request.id),
      service.recover(),
    ]);
    const finished = [first, second, ...recovered.filter((e) => e.requestId === request.id).map((e) => e.outcome)];
    // Whoever won the claim finished it; everyone else stood back.
    expect(finished.filter((o) => o?.status === 'succeeded')).toHaveLength(1);
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
    expect((await service.get(request.id))!.state).toBe('succeeded');
  });

  test('Azure refuses the PATCH: failed with Azure’s reason, audited, and never sent again', async () => {
    const request = await offered(VAULTS.grsNoCrr, ENABLE_CRR);
    await addFaults(emulator.url, [
      { method: 'PATCH', pathPattern: `/backupVaults/${VAULTS.grsNoCrr}$`, status: 400, code: 'BadRequest', times: 1 },
    ]);
    const result = await service.approve(request.id, approver, oncall);
    expect(result).toMatchObject({ trigger: { status: 'failed', reason: { code: 'BadRequest' } } });
    expect((await service.get(request.id))!.state).toBe('failed');
    expect((await auditOf(request.id)).map((e) => e.type)).toContain('failed');
    const later = serviceFor({ store, client, policy, now: clockAhead(RETRIGGER_AFTER_MS * 2) });
    expect((await later.recover()).filter((e) => e.requestId === request.id)).toEqual([]);
    expect((await vaultPatches(emulator.url, VAULTS.grsNoCrr)).map((p) => p.status)).toEqual([400]);
  });

  test('changed outside the bot while awaiting approval: succeeded, and no PATCH of ours', async () => {
    const request = await offered(VAULTS.grsNoCrr, UNLOCKED);
    await (
      await client.updateVault(vaultIdOf(VAULTS.grsNoCrr), {
        properties: { securitySettings: { immutabilitySettings: { state: 'Unlocked' } } },
      })
    ).pollUntilDone();
    const result = await service.approve(request.id, approver, oncall);
    expect(result).toMatchObject({ trigger: { status: 'succeeded', alreadyApplied: true } });
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
  });

  test('no longer possible at trigger time (locked meanwhile): failed with the reason, no PATCH of ours', async () => {
    const request = await offered(VAULTS.grsNoCrr, UNLOCKED);
    await (
      await client.updateVault(vaultIdOf(VAULTS.grsNoCrr), {
        properties: { securitySettings: { immutabilitySettings: { state: 'Locked' } } },
      })
    ).pollUntilDone();
    const result = await service.approve(request.id, approver, oncall);
    expect(result).toMatchObject({ trigger: { status: 'failed', reason: { code: 'VAULT_SETTING_IRREVERSIBLE' } } });
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
  });
});

describe('crash and recovery', () => {
  const about = (id: string, entries: Awaited<ReturnType<RestoreService['recover']>>) =>
    entries.filter((e) => e.requestId === id);

  test('crash between the PATCH and its answer: a restarted replica finds the change on the vault, no second PATCH', async () => {
    const crashing = serviceFor({ store, client, policy, options: { crashHook: crashAt('after-azure-call') } });
    const request = await offered(VAULTS.grsNoCrr, ENABLE_CRR, crashing);
    const result = await crashing.approve(request.id, approver, oncall);
    expect(result).toMatchObject({ trigger: { status: 'pending' } });
    expect(await service.get(request.id)).toMatchObject({ state: 'triggering', azure: {} });
    expect((await service.get(request.id))!.azure.pollerState).toBeUndefined();
    expect(await store.intents.getIntent(request.id)).toBeDefined();

    // Right after, the PATCH might still be on its way: recovery leaves it alone.
    expect(about(request.id, await service.recover())).toEqual([expect.objectContaining({ action: 'waiting' })]);
    const restarted = serviceFor({ store, client, policy, now: clockAhead(AFTER_RESUME_WINDOW) });
    const recovered = about(request.id, await restarted.recover());

    expect(recovered).toEqual([
      expect.objectContaining({ action: 'completed', outcome: expect.objectContaining({ status: 'succeeded' }) }),
    ]);
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
    expect((await service.get(request.id))!.state).toBe('succeeded');
    const changed = (await auditOf(request.id)).find((e) => e.type === 'vault_setting_changed');
    expect(changed?.details).toMatchObject({ via: 'recovery' });
  });

  test('crash after Azure accepted: the saved operation is resumed (resumeVaultUpdate), never re-sent', async () => {
    const crashing = serviceFor({ store, client, policy, options: { crashHook: crashAt('after-record') } });
    const request = await offered(VAULTS.grsNoCrr, LOCKED, crashing);
    await crashing.approve(request.id, approver, oncall);
    expect(await service.get(request.id)).toMatchObject({
      state: 'running',
      azure: { pollerState: expect.any(String) },
    });
    const calls = (await emulatorRequests(emulator.url)).length;

    expect(about(request.id, await service.recover())).toEqual([expect.objectContaining({ action: 'waiting' })]);
    const restarted = serviceFor({ store, client, policy, now: clockAhead(AFTER_RESUME_WINDOW) });
    expect(about(request.id, await restarted.recover())).toEqual([expect.objectContaining({ action: 'completed' })]);

    const afterCrash = (await emulatorRequests(emulator.url)).slice(calls);
    // The resumed poller asked the operation's status; it did not PATCH.
    expect(afterCrash.some((r) => r.method === 'GET' && r.path.includes('/operationStatus/'))).toBe(true);
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
    expect((await service.get(request.id))!.state).toBe('succeeded');
  });

  test('crash after the intent, before the PATCH: recovery waits out the window, then sends it exactly once', async () => {
    const crashing = serviceFor({ store, client, policy, options: { crashHook: crashAt('after-intent') } });
    const request = await offered(VAULTS.grsNoCrr, UNLOCKED, crashing);
    await crashing.approve(request.id, approver, oncall);
    expect(await vaultPatches(emulator.url)).toEqual([]);

    const soon = serviceFor({ store, client, policy, now: clockAhead(AFTER_RESUME_WINDOW) });
    expect(about(request.id, await soon.recover())).toEqual([
      expect.objectContaining({ action: 'waiting', detail: expect.stringContaining('does not show the change') }),
    ]);
    const later = serviceFor({ store, client, policy, now: clockAhead(RETRIGGER_AFTER_MS + 60_000) });
    const [first, second] = await Promise.all([later.recover(), later.recover()]);
    const actions = [...about(request.id, first), ...about(request.id, second)].map((e) => e.action).sort();
    expect(actions).toEqual(['retriggered', 'waiting']);
    expect(await vaultPatches(emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
    expect(await vaultState(VAULTS.grsNoCrr)).toMatchObject({ immutability: 'Unlocked' });
    expect((await service.get(request.id))!.state).toBe('succeeded');
    expect((await auditOf(request.id)).map((e) => e.type)).toContain('trigger_retried');
  });
});
