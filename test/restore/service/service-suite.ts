/**
 * The restore service end to end: real emulator over HTTP, real client, real store (PGlite or PostgreSQL),
 * the demo policy file. "Exactly once" is judged by the emulator's own request log and job lists.
 */
import type { DataProtectionClient } from '../../../src/azure';
import { buildDemoSeed, type Seed } from '../../../src/emulator';
import { isBotError } from '../../../src/errors';
import { type AuditRecord, exportAudit, Policy, verifyAudit } from '../../../src/restore';
import type { ApproveOutcome, RecoveryEntry, RestoreService, TriggerIntentDetails } from '../../../src/restore/service';
import type { Store } from '../../../src/store';
import {
  acceptedTriggers,
  addFaults,
  admin,
  approver,
  clockAhead,
  type DemoRefs,
  dbas,
  demoRefs,
  type EmulatorHandle,
  emulatorClient,
  fastForward,
  loadDemoPolicy,
  oncall,
  requester,
  resetEmulator,
  restoreInput,
  restoreJobs,
  serviceFor,
  startDemoEmulator,
  triggerPosts,
  waitFor,
} from './support';

/** The demo world with fewer weekly points for pg-orders-prod (its oldest ones gone). */
function withOrdersPoints(count: number): Seed {
  const seed = buildDemoSeed();
  const orders = seed.subscriptions[0]!.vaults![0]!.instances!.find((i) => i.serverName === 'pg-orders-prod')!;
  orders.recoveryPoints = { ...orders.recoveryPoints!, count };
  return seed;
}

export interface ServiceStores {
  store: Store;
  /** A second, independent store on the same data (PostgreSQL: its own pool, as a second replica would have). */
  peer: Store;
  close(): Promise<void>;
}

const RETRIGGER_AFTER_MS = 15 * 60_000;

export function describeServiceSuite(backend: string, openStores: () => Promise<ServiceStores>): void {
  describe(`RestoreService end to end (${backend})`, () => {
    jest.setTimeout(60_000);

    let emulator: EmulatorHandle;
    let client: DataProtectionClient;
    let policy: Policy;
    let stores: ServiceStores;
    let refs: DemoRefs;
    let service: RestoreService;

    let clock: { stop(): Promise<void> };

    // One store per file (PGlite takes seconds to start); each test makes its own requests and looks only at them.
    beforeAll(async () => {
      emulator = await startDemoEmulator();
      client = emulatorClient(emulator.url);
      policy = await loadDemoPolicy();
      stores = await openStores();
    });
    afterAll(async () => {
      await stores.close();
      await emulator.close();
    });
    beforeEach(async () => {
      await resetEmulator(emulator.url);
      refs = await demoRefs(client);
      service = serviceFor({ store: stores.store, client, policy });
      clock = fastForward(emulator.url);
    });
    afterEach(async () => {
      await clock.stop();
    });

    /** Recovery's report on this test's request (earlier tests' requests live in the same store). */
    const about = (requestId: string, entries: RecoveryEntry[]) => entries.filter((e) => e.requestId === requestId);

    async function offered(overrides = {}) {
      const created = await service.createRequest(restoreInput(refs, overrides));
      if (!created.created) throw new Error(`prechecks failed: ${created.failures.map((f) => f.message).join('; ')}`);
      return created.request;
    }

    async function auditOf(requestId: string): Promise<AuditRecord[]> {
      const events: AuditRecord[] = [];
      await exportAudit(stores.store, (line) => {
        const event = JSON.parse(line) as AuditRecord;
        if (event.requestId === requestId) events.push(event);
      });
      return events;
    }

    async function refusal(promise: Promise<unknown>): Promise<string> {
      try {
        await promise;
      } catch (error) {
        if (isBotError(error)) return error.code;
        throw error;
      }
      throw new Error('expected a refusal');
    }

    test('a deferred trigger answers the click first; trigger() or recovery then calls Azure once', async () => {
      const request = await offered();
      const result = await service.approve(request.id, approver, oncall, { deferTrigger: true });
      expect(result).toMatchObject({ outcome: 'approved', trigger: 'deferred' });
      expect((await service.get(request.id))?.state).toBe('approved');
      expect(await triggerPosts(emulator.url)).toHaveLength(0);

      // The answer went out; now the slow part, twice as if two replicas raced: one POST in all.
      await Promise.all([service.trigger(request.id), service.recover()]);
      expect(await triggerPosts(emulator.url)).toHaveLength(1);
      expect((await service.get(request.id))?.state).toBe('running');
    });

    test('create → approve: one restore POST, the job recorded and watched, the request running, all audited', async () => {
      const request = await offered();
      expect(request.state).toBe('awaiting_approval');
      expect(request.id).toMatch(/^R-[2-9A-HJ-NP-Z]{4}$/);
      expect(request.validation?.azure.status).toBe('Succeeded');
      expect(await triggerPosts(emulator.url)).toHaveLength(0);

      const result = await service.approve(request.id, approver, oncall);

      expect(result.outcome).toBe('approved');
      const trigger = (result as Extract<ApproveOutcome, { outcome: 'approved' }>).trigger;
      expect(trigger).toMatchObject({ status: 'running' });
      const posts = await triggerPosts(emulator.url);
      expect(posts).toEqual([expect.objectContaining({ method: 'POST', status: 202 })]);
      expect(posts[0]!.path).toBe(`${refs.orders.id}/restore`);

      const jobs = await restoreJobs(client);
      expect(jobs).toHaveLength(1);
      const stored = await service.get(request.id);
      expect(stored).toMatchObject({ state: 'running', azure: { jobId: jobs[0]!.id } });
      expect(stored?.azure.pollerState).toEqual(expect.any(String));
      const intent = await stores.store.intents.getIntent<TriggerIntentDetails>(request.id);
      expect(intent).toMatchObject({ jobId: jobs[0]!.id });
      expect(intent?.details).toMatchObject({ operation: 'restore', restoreRegion: 'eastus' });
      expect(intent?.details.filePrefix).toContain(request.id);
      expect(jobs[0]!.properties.extendedInfo?.additionalDetails?.FilePrefix).toBe(intent?.details.filePrefix);
      expect(await stores.store.watches.get(jobs[0]!.id!)).toMatchObject({ requestId: request.id, completedAt: null });

      const events = await auditOf(request.id);
      expect(events.map((e) => e.type)).toEqual([
        'request_created',
        'validated',
        'approved',
        'trigger_started',
        'triggered',
      ]);
      expect(events[2]!.actor).toEqual({ id: 'U0APPROVER', displayName: 'Avery Approver' });
      expect(events[4]!.details).toMatchObject({ jobId: jobs[0]!.id });
      expect(await verifyAudit(stores.store)).toEqual({ ok: true, count: expect.any(Number) });
    });

    test('the requester cannot approve their own request; nothing changes and the refusal is audited', async () => {
      const request = await offered();
      const selfClick = { ...requester };

      expect(await refusal(service.approve(request.id, selfClick, oncall))).toBe('REQUEST_SELF_APPROVAL');

      expect(await service.get(request.id)).toMatchObject({ state: 'awaiting_approval', version: request.version });
      expect(await triggerPosts(emulator.url)).toHaveLength(0);
      const denied = (await auditOf(request.id)).filter((e) => e.type === 'permission_denied');
      expect(denied).toEqual([expect.objectContaining({ actor: { id: 'U0REQ', displayName: 'Rita Requester' } })]);
      expect(denied[0]!.details).toMatchObject({ action: 'approve', code: 'REQUEST_SELF_APPROVAL' });
    });

    test('someone who is not an approver is refused with POLICY_NOT_APPROVER', async () => {
      const request = await offered();
      const outsider = { ...approver, userId: 'U0NOBODY', displayName: 'Nobody' };

      expect(await refusal(service.approve(request.id, outsider, oncall))).toBe('POLICY_NOT_APPROVER');
      expect(await service.get(request.id)).toMatchObject({ state: 'awaiting_approval', approvals: [] });
    });

    test('50 concurrent approvals: one wins, one intent, one restore POST, the others hear REQUEST_ALREADY_DECIDED', async () => {
      const request = await offered();
      const peerService = serviceFor({ store: stores.peer, client, policy });
      const clickers = dbas(50);

      const results = await Promise.allSettled(
        clickers.map((clicker, i) => (i % 2 === 0 ? service : peerService).approve(request.id, clicker, oncall)),
      );

      const winners = results.filter((r) => r.status === 'fulfilled');
      const codes = results.flatMap((r) =>
        r.status === 'rejected' && isBotError(r.reason)
          ? [r.reason.code]
          : r.status === 'rejected'
            ? [String(r.reason)]
            : [],
      );
      expect(winners).toHaveLength(1);
      expect(codes).toHaveLength(49);
      expect(new Set(codes)).toEqual(new Set(['REQUEST_ALREADY_DECIDED']));
      expect((winners[0] as PromiseFulfilledResult<ApproveOutcome>).value.outcome).toBe('approved');

      expect(await acceptedTriggers(emulator.url)).toHaveLength(1);
      expect(await triggerPosts(emulator.url)).toHaveLength(1);
      expect(await restoreJobs(client)).toHaveLength(1);
      const stored = await service.get(request.id);
      expect(stored?.state).toBe('running');
      expect(stored?.approvals).toHaveLength(1);
      const approvals = (await auditOf(request.id)).filter((e) => e.type === 'approved');
      expect(approvals).toHaveLength(1);
      const { rows } = await stores.store.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM trigger_intents WHERE request_id = $1',
        [request.id],
      );
      expect(rows[0]!.n).toBe(1);
    });

    test('with two required approvals the same approver counts once; the second distinct approver triggers', async () => {
      const twoApprovals = new Policy({ ...policy.config, requiredApprovals: 2 }, 'two approvals');
      service = serviceFor({ store: stores.store, client, policy: twoApprovals });
      const request = await offered();
      const [first, second] = dbas(2);

      expect(await service.approve(request.id, first!, oncall)).toMatchObject({
        outcome: 'recorded',
        have: 1,
        need: 2,
      });
      expect(await refusal(service.approve(request.id, first!, oncall))).toBe('REQUEST_ALREADY_APPROVED_BY_YOU');
      expect(await triggerPosts(emulator.url)).toHaveLength(0);

      const done = await service.approve(request.id, second!, oncall);

      expect(done).toMatchObject({ outcome: 'approved', trigger: { status: 'running' } });
      expect(await acceptedTriggers(emulator.url)).toHaveLength(1);
    });

    test('a secondary-region request is triggered with Cross Region Restore in the paired region', async () => {
      const request = await offered({ regionMode: 'secondary', targetName: 'dr-westus' });

      const result = await service.approve(request.id, approver, oncall);

      expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'running' } });
      const posts = await triggerPosts(emulator.url);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.path).toBe(
        `/subscriptions/${refs.vault.id.split('/')[2]}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/locations/westus/crossRegionRestore`,
      );
      const crrJobs = await restoreJobs(client, 'secondary');
      expect(crrJobs).toHaveLength(1);
      expect(await restoreJobs(client, 'primary')).toHaveLength(0);
      expect(await service.get(request.id)).toMatchObject({ state: 'running', azure: { jobId: crrJobs[0]!.id } });
    });

    test('a recovery point gone by trigger time ends the request failed with the reason, and Azure is not called', async () => {
      const points = await client.listRecoveryPoints(refs.orders.id).toArray();
      const oldest = points.sort((a, b) =>
        a.properties.recoveryPointTime.localeCompare(b.properties.recoveryPointTime),
      )[0]!;
      const request = await offered({ recoveryPoint: { id: oldest.name, time: oldest.properties.recoveryPointTime } });
      // Between approval request and approval, retention removed the oldest weekly points.
      await resetEmulator(emulator.url, withOrdersPoints(6));

      const result = await service.approve(request.id, approver, oncall);

      expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'failed' } });
      const stored = await service.get(request.id);
      expect(stored?.state).toBe('failed');
      expect(stored?.failure?.code).toBe('PRECHECK_POINT_NOT_FOUND');
      expect(stored?.failure?.message).toContain('pg-orders-prod');
      expect(await triggerPosts(emulator.url)).toHaveLength(0);
      expect(await stores.store.intents.getIntent(request.id)).toBeUndefined();
      const types = (await auditOf(request.id)).map((e) => e.type);
      expect(types.slice(-2)).toEqual(['validated', 'failed']);
    });

    test('Azure down at trigger time: the request waits in triggering and recovery triggers it once Azure is back', async () => {
      const request = await offered();
      await admin(emulator.url, 'POST', 'outage', { region: 'eastus', down: true });

      const result = await service.approve(request.id, approver, oncall);

      expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'pending' } });
      expect(await service.get(request.id)).toMatchObject({ state: 'triggering' });
      expect(await stores.store.intents.getIntent(request.id)).toBeUndefined();
      expect(await triggerPosts(emulator.url)).toHaveLength(0);

      await admin(emulator.url, 'POST', 'outage', { region: 'eastus', down: false });
      const recovered = about(request.id, await service.recover());

      expect(recovered).toEqual([
        expect.objectContaining({ action: 'continued', outcome: expect.objectContaining({ status: 'running' }) }),
      ]);
      expect(await acceptedTriggers(emulator.url)).toHaveLength(1);
    });

    test('a 429 on the trigger is retried by the client: one accepted POST, the request running', async () => {
      const request = await offered();
      await addFaults(emulator.url, [
        { method: 'POST', pathPattern: '/restore$', status: 429, retryAfterSeconds: 0, times: 1 },
      ]);

      const result = await service.approve(request.id, approver, oncall);

      expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'running' } });
      expect((await triggerPosts(emulator.url)).map((p) => p.status)).toEqual([429, 202]);
      expect(await restoreJobs(client)).toHaveLength(1);
    });

    test('a 500 on the trigger leaves it triggering; recovery waits out the window, then calls once more', async () => {
      const request = await offered();
      await addFaults(emulator.url, [{ method: 'POST', pathPattern: '/restore$', status: 500, times: 1 }]);

      const result = await service.approve(request.id, approver, oncall);

      expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'pending' } });
      const intent = await stores.store.intents.getIntent(request.id);
      expect(intent).toMatchObject({ jobId: null });
      expect(await service.get(request.id)).toMatchObject({ state: 'triggering' });

      // Right after: no job is listed, but the call might still surface, so recovery does not call again.
      const early = about(request.id, await service.recover());
      expect(early).toEqual([expect.objectContaining({ requestId: request.id, action: 'waiting' })]);
      expect((await triggerPosts(emulator.url)).map((p) => p.status)).toEqual([500]);

      const later = serviceFor({ store: stores.store, client, policy, now: clockAhead(RETRIGGER_AFTER_MS + 60_000) });
      const recovered = about(request.id, await later.recover());

      expect(recovered).toEqual([
        expect.objectContaining({
          requestId: request.id,
          action: 'retriggered',
          outcome: expect.objectContaining({ status: 'running' }),
        }),
      ]);
      expect((await triggerPosts(emulator.url)).map((p) => p.status)).toEqual([500, 202]);
      expect(await restoreJobs(client)).toHaveLength(1);
      expect(await service.get(request.id)).toMatchObject({ state: 'running' });
      expect((await auditOf(request.id)).map((e) => e.type)).toContain('trigger_retried');
    });

    test('an answer lost after Azure started the job: recovery finds the job and never calls again', async () => {
      const request = await offered();
      const impatient = emulatorClient(emulator.url, { timeoutMs: 400 });
      service = serviceFor({ store: stores.store, client: impatient, policy });
      // The emulator starts the restore after 1.5 s; the client stopped listening at 0.4 s.
      await addFaults(emulator.url, [{ method: 'POST', pathPattern: '/restore$', latencyMs: 1_500, times: 1 }]);

      const result = await service.approve(request.id, approver, oncall);

      expect(result).toMatchObject({ outcome: 'approved', trigger: { status: 'pending' } });
      await waitFor('the delayed restore to reach the emulator', async () =>
        (await acceptedTriggers(emulator.url)).length > 0 ? true : undefined,
      );
      const jobs = await restoreJobs(client);
      expect(jobs).toHaveLength(1);

      // Even a recovery run long after (where a retry would be allowed) must find the job instead.
      const later = serviceFor({ store: stores.store, client, policy, now: clockAhead(RETRIGGER_AFTER_MS + 60_000) });
      const recovered = about(request.id, await later.recover());

      expect(recovered).toEqual([expect.objectContaining({ requestId: request.id, action: 'job-found' })]);
      expect(await triggerPosts(emulator.url)).toHaveLength(1);
      expect(await service.get(request.id)).toMatchObject({ state: 'running', azure: { jobId: jobs[0]!.id } });
      expect(await stores.store.intents.getIntent(request.id)).toMatchObject({ jobId: jobs[0]!.id });
    });

    test('trigger is a no-op for a request that is not approved, and for a second caller', async () => {
      const request = await offered();
      expect(await service.trigger(request.id)).toMatchObject({ status: 'skipped', reason: 'not-approved' });
      await service.approve(request.id, approver, oncall);

      expect(await service.trigger(request.id)).toMatchObject({ status: 'skipped', reason: 'not-approved' });
      expect(await triggerPosts(emulator.url)).toHaveLength(1);
    });

    test('failed prechecks at creation store nothing and say why', async () => {
      const before = (await stores.store.requests.list({ limit: 1000 })).length;
      const payments = (await client.listBackupInstances(refs.vault.id).toArray()).find((i) =>
        i.name.startsWith('pg-payments-prod'),
      )!;
      const newest = (await client.newestRecoveryPoint(payments.id))!;

      const created = await service.createRequest(
        restoreInput(refs, {
          backupInstance: { id: payments.id, name: payments.name, serverName: 'pg-payments-prod' },
          recoveryPoint: { id: newest.name, time: newest.properties.recoveryPointTime },
          regionMode: 'secondary',
          targetName: 'dr-westus',
        }),
      );

      expect(created.created).toBe(false);
      if (created.created) return;
      expect(created.failures.map((f) => f.code)).toEqual(['PRECHECK_POINT_NOT_REPLICATED']);
      expect(await stores.store.requests.list({ limit: 1000 })).toHaveLength(before);
    });

    test('a request id already taken is drawn again', async () => {
      const first = await offered();
      const ids = [first.id, 'R-ZZZZ'];
      service = serviceFor({ store: stores.store, client, policy, newRequestId: () => ids.shift() ?? 'R-YYYY' });

      const second = await offered();

      expect(second.id).toBe('R-ZZZZ');
      expect((await service.get(first.id))?.requester.userId).toBe('U0REQ');
    });

    test('reject decides the request with its reason; cancel is for the requester only; expiry is audited', async () => {
      const rejected = await offered();
      const afterReject = await service.reject(rejected.id, approver, 'wrong point in time', oncall);
      expect(afterReject).toMatchObject({ state: 'rejected', rejections: [{ reason: 'wrong point in time' }] });
      expect(await refusal(service.approve(rejected.id, dbas(1)[0]!, oncall))).toBe('REQUEST_ALREADY_DECIDED');

      const cancelled = await offered();
      expect(await refusal(service.cancel(cancelled.id, approver))).toBe('REQUEST_NOT_REQUESTER');
      expect(await service.cancel(cancelled.id, requester, 'not needed')).toMatchObject({ state: 'cancelled' });

      const expiring = await offered();
      expect(await service.expireDue(new Date())).toEqual([]);
      const expired = await service.expireDue(new Date(Date.now() + 61 * 60_000));
      // (Requests earlier tests left awaiting approval expire too: they share the store.)
      expect(expired.map((r) => r.id)).toContain(expiring.id);
      expect(expired.every((r) => r.state === 'expired')).toBe(true);
      expect(await service.get(expiring.id)).toMatchObject({ state: 'expired' });
      expect((await auditOf(expiring.id)).map((e) => e.type)).toContain('expired');
      expect(await triggerPosts(emulator.url)).toHaveLength(0);
      expect(await verifyAudit(stores.store)).toMatchObject({ ok: true });
    });
  });
}
