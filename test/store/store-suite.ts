import { isBotError } from '../../src/errors';
import { type AuditRecord, appendAudit, exportAudit, verifyAudit, verifyAuditRecords } from '../../src/restore/audit';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, type Store } from '../../src/store';

/**
 * The behaviour every backend must show. `store` and `peer` are two handles on the same database: on
 * PostgreSQL two independent stores (separate pools, like two replicas); on PGlite the same store, since it
 * has one connection.
 */
export interface SuiteDatabase {
  store: Store;
  peer: Store;
  close(): Promise<void>;
}

const TABLES =
  'request_records, trigger_intents, job_watches, idempotency_keys, conversation_references, dialog_state, audit_events';
const alice = { id: 'U0ALICE', displayName: 'Alice' };
const bob = { id: 'U0BOB', displayName: 'Bob' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

export function describeStoreSuite(backend: string, connect: () => Promise<SuiteDatabase>): void {
  describe(`store on ${backend}`, () => {
    let database: SuiteDatabase;
    let store: Store;
    let peer: Store;
    // Alternates between the two handles so concurrent callers really come from two pools on PostgreSQL.
    const either = (i: number) => (i % 2 === 0 ? store : peer);

    beforeAll(async () => {
      database = await connect();
      ({ store, peer } = database);
    });
    afterAll(async () => {
      await database?.close();
    });
    beforeEach(async () => {
      await store.exec(`TRUNCATE ${TABLES}`);
    });

    const newRequest = (
      id: string,
      overrides: Partial<{ state: string; expiresAt: Date | null; createdAt: Date }> = {},
    ) =>
      store.requests.insert({
        id,
        kind: 'restore',
        state: overrides.state ?? 'awaiting_approval',
        data: { vault: 'bv-prod-eastus2', approvals: [] as string[] },
        expiresAt: overrides.expiresAt ?? null,
        ...(overrides.createdAt ? { createdAt: overrides.createdAt } : {}),
      });

    describe('migrations', () => {
      test('running them again changes nothing and keeps the recorded version', async () => {
        const outcome = await migrate(store);
        expect(outcome).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
        const { rows } = await store.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      });

      test('a database migrated by newer code is refused with STORE_SCHEMA_TOO_NEW', async () => {
        const newer = LATEST_SCHEMA_VERSION + 1;
        await store.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, [newer]);
        try {
          const error = await rejection(migrate(store));
          expect(isBotError(error, 'STORE_SCHEMA_TOO_NEW')).toBe(true);
          expect((error as Error).message).toContain(`version ${newer}`);
        } finally {
          await store.query('DELETE FROM schema_migrations WHERE version = $1', [newer]);
        }
      });
    });

    describe('transactions', () => {
      test('a throwing transaction leaves nothing behind', async () => {
        const error = await rejection(
          store.transaction(async (tx) => {
            await tx.requests.insert({ id: 'R-ROLL', kind: 'restore', state: 'draft', data: {} });
            await appendAudit(tx, { type: 'request_created', actor: alice, channel: 'slack', requestId: 'R-ROLL' });
            throw new Error('boom');
          }),
        );
        expect((error as Error).message).toBe('boom');
        expect(await store.requests.get('R-ROLL')).toBeUndefined();
        expect(await verifyAudit(store)).toEqual({ ok: true, count: 0 });
      });

      test('using the store itself inside its own transaction fails fast instead of hanging', async () => {
        const error = await rejection(store.transaction(() => store.requests.get('R-ANY')));
        expect(isBotError(error, 'STORE_NESTED_QUERY')).toBe(true);
        // And the store is usable afterwards.
        expect(await store.requests.get('R-ANY')).toBeUndefined();
      });

      test('concurrent read-modify-write transactions do not interleave', async () => {
        await store.conversations.put('counter', { n: 0 });
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            either(i).transaction(async (tx) => {
              const { rows } = await tx.query<{ value: { n: number } }>(
                `SELECT value FROM conversation_references WHERE key = 'counter' FOR UPDATE`,
              );
              await sleep(1);
              await tx.conversations.put('counter', { n: rows[0]!.value.n + 1 });
            }),
          ),
        );
        expect(await store.conversations.get('counter')).toEqual({ n: 20 });
      });
    });

    describe('request records', () => {
      test('round-trip JSON data and times; a taken id is STORE_DUPLICATE', async () => {
        const expiresAt = new Date(Date.now() + 3_600_000);
        const created = await newRequest('R-7KQ2', { expiresAt });
        expect(created).toMatchObject({
          id: 'R-7KQ2',
          kind: 'restore',
          state: 'awaiting_approval',
          version: 1,
          expiresAt,
        });
        expect(await store.requests.get('R-7KQ2')).toEqual(created);
        expect(created.data).toEqual({ vault: 'bv-prod-eastus2', approvals: [] });
        expect(await store.requests.get('R-NONE')).toBeUndefined();
        const error = await rejection(newRequest('R-7KQ2'));
        expect(isBotError(error, 'STORE_DUPLICATE')).toBe(true);
      });

      test('list filters by state and returns the newest first', async () => {
        await newRequest('R-0001', { createdAt: new Date('2026-01-01T00:00:00Z') });
        await newRequest('R-0002', { createdAt: new Date('2026-01-02T00:00:00Z'), state: 'running' });
        await newRequest('R-0003', { createdAt: new Date('2026-01-03T00:00:00Z') });
        expect((await store.requests.list()).map((r) => r.id)).toEqual(['R-0003', 'R-0002', 'R-0001']);
        expect((await store.requests.list({ states: ['awaiting_approval'] })).map((r) => r.id)).toEqual([
          'R-0003',
          'R-0001',
        ]);
        expect((await store.requests.list({ limit: 1 })).map((r) => r.id)).toEqual(['R-0003']);
      });

      test('compareAndSwap moves on only from the expected version and state', async () => {
        const expiresAt = new Date(Date.now() + 60_000);
        await newRequest('R-CAS1', { expiresAt });
        const moved = await store.requests.compareAndSwap(
          'R-CAS1',
          { expectedVersion: 1, expectedState: 'awaiting_approval' },
          { state: 'approved', data: { approvals: ['U0BOB'] } },
        );
        expect(moved).toMatchObject({
          ok: true,
          record: { state: 'approved', version: 2, expiresAt, data: { approvals: ['U0BOB'] } },
        });

        const staleVersion = await store.requests.compareAndSwap(
          'R-CAS1',
          { expectedVersion: 1 },
          { state: 'rejected', data: {} },
        );
        expect(staleVersion).toMatchObject({
          ok: false,
          code: 'STORE_CONFLICT',
          current: { state: 'approved', version: 2 },
        });

        const wrongState = await store.requests.compareAndSwap(
          'R-CAS1',
          { expectedVersion: 2, expectedState: 'awaiting_approval' },
          { state: 'rejected', data: {} },
        );
        expect(wrongState).toMatchObject({ ok: false, code: 'STORE_CONFLICT', current: { state: 'approved' } });

        const cleared = await store.requests.compareAndSwap(
          'R-CAS1',
          { expectedVersion: 2 },
          { state: 'triggering', data: {}, expiresAt: null },
        );
        expect(cleared).toMatchObject({ ok: true, record: { version: 3, expiresAt: null } });

        const missing = await store.requests.compareAndSwap(
          'R-GONE',
          { expectedVersion: 1 },
          { state: 'approved', data: {} },
        );
        expect(missing).toEqual({ ok: false, code: 'STORE_NOT_FOUND', current: undefined });
      });

      test('50 concurrent approvals of one request: exactly one wins, the rest see it already decided', async () => {
        await newRequest('R-RACE');
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            either(i).requests.compareAndSwap(
              'R-RACE',
              { expectedVersion: 1, expectedState: 'awaiting_approval' },
              { state: 'triggering', data: { approver: `U0APPROVER${i}` } },
            ),
          ),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const winner = winners[0]!.record!;
        for (const loser of results.filter((r) => !r.ok)) {
          expect(loser).toMatchObject({
            code: 'STORE_CONFLICT',
            current: { state: 'triggering', version: 2, data: winner.data },
          });
        }
        expect(await store.requests.get('R-RACE')).toMatchObject({
          state: 'triggering',
          version: 2,
          data: winner.data,
        });
      });

      test('listExpiring returns requests due at a given time, narrowed by state', async () => {
        const now = new Date('2026-06-01T12:00:00Z');
        await newRequest('R-PAST', { expiresAt: new Date('2026-06-01T11:00:00Z') });
        await newRequest('R-EDGE', { expiresAt: now });
        await newRequest('R-LATER', { expiresAt: new Date('2026-06-01T13:00:00Z') });
        await newRequest('R-NOEXP');
        await newRequest('R-DONE', { expiresAt: new Date('2026-06-01T10:00:00Z'), state: 'succeeded' });
        expect((await store.requests.listExpiring(now)).map((r) => r.id)).toEqual(['R-DONE', 'R-PAST', 'R-EDGE']);
        expect((await store.requests.listExpiring(now, { states: ['awaiting_approval'] })).map((r) => r.id)).toEqual([
          'R-PAST',
          'R-EDGE',
        ]);
      });
    });

    describe('trigger intents', () => {
      test('concurrent recordings of one intent keep the first; everyone gets that one', async () => {
        await newRequest('R-INT1');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => either(i).intents.recordIntent('R-INT1', { caller: i })),
        );
        const created = results.filter((r) => r.created);
        expect(created).toHaveLength(1);
        const first = created[0]!.intent.details;
        for (const r of results) expect(r.intent.details).toEqual(first);
        expect((await store.intents.getIntent('R-INT1'))?.details).toEqual(first);
        expect(await store.intents.getIntent('R-NONE')).toBeUndefined();
      });

      test('the job is attached once; the same job updates the poller state, another job is refused', async () => {
        await newRequest('R-INT2');
        await store.intents.recordIntent('R-INT2', { target: 'dr-westus' });
        const withJob = await store.intents.recordJob('R-INT2', 'job-1', { status: 'InProgress' });
        expect(withJob).toMatchObject({ jobId: 'job-1', pollerState: { status: 'InProgress' } });
        expect(withJob.jobRecordedAt).toBeInstanceOf(Date);
        expect(await store.intents.recordJob('R-INT2', 'job-1', { status: 'Succeeded' })).toMatchObject({
          jobId: 'job-1',
          pollerState: { status: 'Succeeded' },
        });
        expect(isBotError(await rejection(store.intents.recordJob('R-INT2', 'job-2')), 'STORE_CONFLICT')).toBe(true);
        expect(isBotError(await rejection(store.intents.recordJob('R-NOPE', 'job-3')), 'STORE_NOT_FOUND')).toBe(true);
        expect((await store.intents.getIntent('R-INT2'))?.jobId).toBe('job-1');
      });
    });

    describe('job watches', () => {
      test('registering twice keeps one watch', async () => {
        expect((await store.watches.register({ id: 'job-a', requestId: 'R-1', data: { n: 1 } })).created).toBe(true);
        const again = await store.watches.register({ id: 'job-a', requestId: 'R-1', data: { n: 2 } });
        expect(again).toMatchObject({ created: false, watch: { id: 'job-a', data: { n: 1 } } });
      });

      test('a held lease is exclusive and renews only with its token', async () => {
        await store.watches.register({ id: 'job-b', requestId: 'R-2', data: {} });
        const [lease] = await store.watches.acquire('replica-a', 10_000, 10);
        expect(lease).toMatchObject({ id: 'job-b', owner: 'replica-a' });
        expect(lease!.leaseExpiresAt.getTime()).toBeGreaterThan(Date.now() + 5_000);
        expect(await peer.watches.acquire('replica-b', 10_000, 10)).toEqual([]);
        expect(await peer.watches.renew('job-b', 'not-the-token', 10_000)).toBe(false);
        expect(await store.watches.renew('job-b', lease!.leaseToken, 20_000)).toBe(true);
        expect((await store.watches.get('job-b'))!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 15_000);
        expect(await store.watches.saveProgress('job-b', lease!.leaseToken, { lastStatus: 'InProgress' })).toBe(true);
        expect(await store.watches.get('job-b')).not.toHaveProperty('leaseToken');
      });

      test("a crashed owner's watch is taken over after its lease expires, and the old token stops working", async () => {
        await store.watches.register({ id: 'job-c', requestId: 'R-3', data: {} });
        const [old] = await store.watches.acquire('replica-a', 150, 10);
        expect(await peer.watches.acquire('replica-b', 10_000, 10)).toEqual([]);
        await sleep(250);
        const [taken] = await peer.watches.acquire('replica-b', 10_000, 10);
        expect(taken).toMatchObject({ id: 'job-c', owner: 'replica-b' });
        expect(taken!.leaseToken).not.toBe(old!.leaseToken);
        expect(await store.watches.renew('job-c', old!.leaseToken, 10_000)).toBe(false);
        expect(await store.watches.complete('job-c', old!.leaseToken)).toBe(false);
        expect(await peer.watches.complete('job-c', taken!.leaseToken, { status: 'Completed' })).toBe(true);
        expect(await store.watches.get('job-c')).toMatchObject({ result: { status: 'Completed' }, owner: null });
        expect(await store.watches.listOpen()).toEqual([]);
        await sleep(20);
        expect(await store.watches.acquire('replica-a', 10, 10)).toEqual([]);
      });

      test('a released watch can be acquired at once', async () => {
        await store.watches.register({ id: 'job-d', requestId: 'R-4', data: {} });
        const [lease] = await store.watches.acquire('replica-a', 60_000, 1);
        expect(await store.watches.release('job-d', lease!.leaseToken)).toBe(true);
        expect((await peer.watches.acquire('replica-b', 60_000, 1)).map((w) => w.id)).toEqual(['job-d']);
      });

      test('acquire hands out at most the number asked for, oldest first', async () => {
        for (let i = 0; i < 9; i++) await store.watches.register({ id: `job-l${i}`, requestId: 'R-6', data: {} });
        const first = await store.watches.acquire('replica-a', 60_000, 3);
        expect(first.map((w) => w.id)).toEqual(['job-l0', 'job-l1', 'job-l2']);
        expect(await peer.watches.acquire('replica-b', 60_000, 4)).toHaveLength(4);
        expect(await store.watches.acquire('replica-c', 60_000, 10)).toHaveLength(2);
      });

      test('replicas acquiring at the same time never share a watch', async () => {
        for (let i = 0; i < 20; i++)
          await store.watches.register({ id: `job-${String(i).padStart(2, '0')}`, requestId: 'R-5', data: {} });
        const batches = await Promise.all(
          Array.from({ length: 6 }, (_, i) => either(i).watches.acquire(`replica-${i}`, 60_000, 5)),
        );
        const ids = batches.flat().map((w) => w.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(20);
      });
    });

    describe('idempotency keys', () => {
      test('of 50 concurrent claims exactly one wins; the result is kept for repeats', async () => {
        const claims = await Promise.all(
          Array.from({ length: 50 }, (_, i) => either(i).idempotency.claim('slack:retry:Ev01', 60_000)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.idempotency.markDone('slack:retry:Ev01', { ts: '1700000000.000100' })).toBe(true);
        expect(await store.idempotency.get('slack:retry:Ev01')).toMatchObject({ result: { ts: '1700000000.000100' } });
        expect(await store.idempotency.get('never-claimed')).toBeUndefined();
      });

      test('an expired claim can be claimed again', async () => {
        expect(await store.idempotency.claim('milestone:job-1:Completed', 100)).toBe(true);
        expect(await store.idempotency.claim('milestone:job-1:Completed', 100)).toBe(false);
        await sleep(150);
        expect(await store.idempotency.get('milestone:job-1:Completed')).toBeUndefined();
        expect(await peer.idempotency.claim('milestone:job-1:Completed', 60_000)).toBe(true);
        expect(await store.idempotency.purgeExpired()).toBe(0);
      });
    });

    describe('conversation references', () => {
      test('put, overwrite, get and delete by key', async () => {
        await store.conversations.put('R-1', { channel: 'C0ONCALL', threadTs: '1.2' });
        await store.conversations.put('R-1', { channel: 'C0ONCALL', threadTs: '3.4' });
        expect(await peer.conversations.get('R-1')).toEqual({ channel: 'C0ONCALL', threadTs: '3.4' });
        expect(await store.conversations.delete('R-1')).toBe(true);
        expect(await store.conversations.get('R-1')).toBeUndefined();
      });
    });

    describe('dialog state (botbuilder Storage contract)', () => {
      test('written items come back with an eTag that changes on every write', async () => {
        await store.dialogState.write({ 'conv/1': { step: 1 } });
        const first = await store.dialogState.read(['conv/1', 'conv/missing']);
        expect(Object.keys(first)).toEqual(['conv/1']);
        expect(first['conv/1']).toMatchObject({ step: 1, eTag: expect.any(String) });
        await store.dialogState.write({ 'conv/1': { ...first['conv/1'], step: 2 } });
        const second = await store.dialogState.read(['conv/1']);
        expect(second['conv/1'].step).toBe(2);
        expect(second['conv/1'].eTag).not.toBe(first['conv/1'].eTag);
      });

      test('a stale eTag is an eTag conflict; "*" or no eTag overwrites', async () => {
        await store.dialogState.write({ 'conv/2': { step: 1 } });
        const { 'conv/2': stale } = await store.dialogState.read(['conv/2']);
        await peer.dialogState.write({ 'conv/2': { ...stale, step: 2 } });
        const error = await rejection(store.dialogState.write({ 'conv/2': { ...stale, step: 3 } }));
        expect((error as Error).message).toMatch(/eTag conflict/);
        expect((await store.dialogState.read(['conv/2']))['conv/2'].step).toBe(2);
        await store.dialogState.write({ 'conv/2': { step: 4, eTag: '*' } });
        expect((await store.dialogState.read(['conv/2']))['conv/2'].step).toBe(4);
        await store.dialogState.write({ 'conv/2': { step: 5 } });
        expect((await store.dialogState.read(['conv/2']))['conv/2'].step).toBe(5);
      });

      test('an item with an eTag but nothing stored yet is written (as MemoryStorage does)', async () => {
        await store.dialogState.write({ 'conv/3': { step: 1, eTag: 'from-elsewhere' } });
        expect((await store.dialogState.read(['conv/3']))['conv/3'].step).toBe(1);
      });

      test('a conflicting write changes none of its keys; delete removes', async () => {
        await store.dialogState.write({ a: { v: 1 }, b: { v: 1 } });
        const before = await store.dialogState.read(['a', 'b']);
        await store.dialogState.write({ b: { v: 2 } });
        await rejection(store.dialogState.write({ a: { ...before.a, v: 9 }, b: { ...before.b, v: 9 } }));
        const after = await store.dialogState.read(['a', 'b']);
        expect([after.a.v, after.b.v]).toEqual([1, 2]);
        await store.dialogState.delete(['a', 'b', 'never-there']);
        expect(await store.dialogState.read(['a', 'b'])).toEqual({});
      });
    });

    describe('audit log', () => {
      const appendSome = async (n: number) => {
        for (let i = 0; i < n; i++) {
          await appendAudit(store, {
            type: i % 2 ? 'approved' : 'request_created',
            actor: i % 2 ? bob : alice,
            channel: 'slack',
            requestId: `R-${i}`,
            details: { i, nested: { z: 1, a: [true, null, 'x'] } },
          });
        }
      };

      test('appended events form a chain that verifies', async () => {
        await appendSome(5);
        const event = await appendAudit(store, {
          type: 'permission_denied',
          actor: bob,
          channel: 'teams',
          details: {},
        });
        expect(event).toMatchObject({ seq: 6, requestId: null, actor: bob, channel: 'teams' });
        expect(await verifyAudit(store)).toEqual({ ok: true, count: 6 });
        expect(await verifyAudit(store, 2)).toEqual({ ok: true, count: 6 });
        expect((await store.auditRows.forRequest('R-3')).map((r) => r.type)).toEqual(['approved']);
      });

      test('concurrent appends from two replicas never fork the chain', async () => {
        const appended = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            appendAudit(either(i), { type: 'job_status', actor: alice, channel: 'system', details: { i } }),
          ),
        );
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await verifyAudit(peer)).toEqual({ ok: true, count: 50 });
      });

      test('the database itself refuses to update or delete audit events', async () => {
        await appendSome(1);
        expect(await rejection(store.query(`UPDATE audit_events SET type = 'approved'`))).toHaveProperty(
          'message',
          expect.stringMatching(/append-only/),
        );
        expect(await rejection(store.query('DELETE FROM audit_events'))).toHaveProperty(
          'message',
          expect.stringMatching(/append-only/),
        );
      });

      // Tampering happens outside the application, by someone who can switch the guard trigger off.
      const tamper = (sql: string) =>
        store.exec(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
                    ${sql};
                    ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;`);

      test('editing one event makes verify name that event', async () => {
        await appendSome(6);
        await tamper(`UPDATE audit_events SET details = jsonb_set(details, '{i}', '99') WHERE seq = 4`);
        const result = await verifyAudit(store);
        expect(result).toMatchObject({ ok: false, firstBrokenSeq: 4 });
        expect((result as { reason: string }).reason).toMatch(/altered/);
      });

      test('deleting one event makes verify name the missing sequence number', async () => {
        await appendSome(5);
        await tamper('DELETE FROM audit_events WHERE seq = 2');
        expect(await verifyAudit(store)).toMatchObject({
          ok: false,
          firstBrokenSeq: 2,
          reason: expect.stringMatching(/missing/),
        });
      });

      test('export writes every event as one JSON line in seq order, and the lines verify on their own', async () => {
        await appendSome(7);
        const lines: string[] = [];
        const count = await exportAudit(store, (line) => void lines.push(line), 3);
        expect(count).toBe(7);
        expect(lines.every((line) => !line.includes('\n'))).toBe(true);
        const records = lines.map((line) => JSON.parse(line) as AuditRecord);
        expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(records[1]).toMatchObject({ type: 'approved', actor: bob, requestId: 'R-1', details: { i: 1 } });
        expect(verifyAuditRecords(records)).toEqual({ ok: true, count: 7 });
      });
    });
  });
}
