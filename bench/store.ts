/**
 * `restore-bot bench store`: the approve transition as the service runs it (policy decision, the pure
 * `approve`, one compareAndSwap and the `approved` audit event in one transaction), on PGlite and, when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, on PostgreSQL; then the audit log's append rate.
 *
 * The policy asks for two approvals, so each measured click is recorded without triggering a restore: the
 * figures are the store's, not Azure's. Prints figures with their targets; never fails on a number.
 */
import { performance } from 'node:perf_hooks';
import { createCredential, DataProtectionClient } from '../src/azure';
import { silentLogger } from '../src/log';
import {
  appendAudit,
  createDraftRequest,
  Policy,
  type PolicyConfig,
  type RestoreRequest,
  transition,
} from '../src/restore';
import { type Clicker, NO_CRASH, RestoreService } from '../src/restore/service';
import { openStore, type Store } from '../src/store';
import type { Benchmark } from './run';

const REQUESTS = 1_000;
const AUDIT_EVENTS = 1_000;
const CONCURRENCY = 8;
const POSTGRES_P99_TARGET_MS = 20;

const VAULT_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus';

const POLICY: PolicyConfig = {
  subscriptions: ['11111111-1111-1111-1111-111111111111'],
  restoreTargets: [
    { name: 'dr-eastus', region: 'eastus', containerUrl: 'https://stbench.blob.core.windows.net/pg-restores' },
  ],
  requiredApprovals: 2,
  expiresAfterMinutes: 60,
  slack: { workspacesOrTenants: ['T0BENCH'], channels: [], requesters: ['*'], approvers: ['*'], approvalChannel: null },
  teams: null,
};

const approver: Clicker = {
  channel: 'slack',
  userId: 'U0APPROVER',
  displayName: 'Bench Approver',
  tenantOrTeamId: 'T0BENCH',
};

export const storeBenchmark: Benchmark = {
  name: 'store',
  description: `approve transition (${REQUESTS} requests) and audit append rate, PGlite and PostgreSQL`,
  async run() {
    await benchBackend('PGlite', () => openStore({ dataDir: 'memory://' }), undefined);
    const url = process.env.BENCH_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim();
    if (!url) {
      line('PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
    } else {
      const schema = `rb_bench_${process.pid}`;
      await benchBackend(
        'PostgreSQL',
        () => openStore({ databaseUrl: url, schema }),
        async (store) => {
          await store.exec(`DROP SCHEMA ${schema} CASCADE`);
        },
      );
    }
    line(`RSS at the end: ${rssMiB()} MiB`);
  },
};

async function benchBackend(
  name: string,
  open: () => Promise<Store>,
  cleanUp: ((store: Store) => Promise<void>) | undefined,
): Promise<void> {
  const store = await open();
  try {
    const service = new RestoreService({
      store,
      policy: new Policy(POLICY, 'bench'),
      // Never called: with two approvals required, no measured click triggers a restore.
      azure: new DataProtectionClient({
        endpoint: 'http://127.0.0.1:9',
        credential: createCredential('emulator', 'http://127.0.0.1:9'),
      }),
      userGroups: { isMember: async () => false },
      now: () => new Date(),
      logger: silentLogger,
      options: { crashHook: NO_CRASH },
    });

    const sequential = await seedRequests(store, `S${name[0]}`);
    const latencies: number[] = [];
    const started = performance.now();
    for (const id of sequential) {
      const t0 = performance.now();
      await service.approve(id, approver);
      latencies.push(performance.now() - t0);
    }
    const sequentialSeconds = (performance.now() - started) / 1000;

    const concurrent = await seedRequests(store, `C${name[0]}`);
    const concurrentStart = performance.now();
    await inParallel(concurrent, CONCURRENCY, (id) => service.approve(id, approver).then(() => undefined));
    const concurrentSeconds = (performance.now() - concurrentStart) / 1000;

    const auditStart = performance.now();
    for (let i = 0; i < AUDIT_EVENTS; i++) {
      await appendAudit(store, {
        type: 'job_status',
        actor: { id: 'system', displayName: 'restore-bot' },
        channel: 'system',
        requestId: sequential[i % sequential.length]!,
        details: { status: 'InProgress', i },
      });
    }
    const auditSeconds = (performance.now() - auditStart) / 1000;

    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const target =
      name === 'PostgreSQL'
        ? `  (target p99 < ${POSTGRES_P99_TARGET_MS} ms: ${p99 < POSTGRES_P99_TARGET_MS ? 'met' : 'NOT met'})`
        : '';
    line(
      `${name}: approve, one at a time: ${rate(REQUESTS, sequentialSeconds)} approvals/s, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms${target}`,
    );
    line(`${name}: approve, ${CONCURRENCY} at a time: ${rate(REQUESTS, concurrentSeconds)} approvals/s`);
    line(`${name}: audit append: ${rate(AUDIT_EVENTS, auditSeconds)} events/s`);
    line(`${name}: RSS after the run: ${rssMiB()} MiB`);
  } finally {
    await cleanUp?.(store);
    await store.close();
  }
}

/** Inserts REQUESTS requests awaiting approval (as createRequest leaves them), without asking Azure. */
async function seedRequests(store: Store, tag: string): Promise<string[]> {
  const now = new Date();
  const ids: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const id = `B-${tag}${String(i).padStart(5, '0')}`;
    const draft = createDraftRequest(
      {
        kind: 'restore',
        id,
        requester: { channel: 'slack', userId: 'U0REQ', displayName: 'Bench Requester', tenantOrTeamId: 'T0BENCH' },
        vault: { id: VAULT_ID, name: 'bv-prod-eastus', location: 'eastus' },
        backupInstance: {
          id: `${VAULT_ID}/backupInstances/pg-orders-prod`,
          name: 'pg-orders-prod',
          serverName: 'pg-orders-prod',
        },
        regionMode: 'primary',
        recoveryPoint: { id: 'rp-bench', time: now.toISOString() },
        target: POLICY.restoreTargets[0]!,
        requiredApprovals: POLICY.requiredApprovals,
      },
      now,
    );
    const offered: RestoreRequest = transition(
      draft,
      {
        type: 'submit',
        validation: {
          ok: true,
          checkedAt: now.toISOString(),
          failures: [],
          warnings: [],
          azure: { status: 'Succeeded' },
        },
        expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
      },
      now,
    );
    await store.requests.insert({
      id,
      kind: offered.kind,
      state: offered.state,
      data: offered,
      expiresAt: new Date(offered.expiresAt!),
    });
    ids.push(id);
  }
  return ids;
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function rate(count: number, seconds: number): string {
  return (count / seconds).toFixed(0);
}

function rssMiB(): string {
  return (process.memoryUsage().rss / 1024 / 1024).toFixed(0);
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}
