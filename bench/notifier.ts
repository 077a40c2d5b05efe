/**
 * `restore-bot bench notifier`: one notifier following 1,000 running restores across 100 vaults (the
 * emulator's `scale` world, 10 subscriptions × 10 vaults × 10 servers; every other vault's restores are Cross
 * Region Restores, read in its secondary region). The restores are real emulator jobs started through the
 * client, recorded as the trigger records them (request, approval card, job watch); the notifier then runs
 * with its default schedule, as in production, until every job's end is posted. Printed: ARM calls per cycle
 * against the vaults with watched jobs, the delay from each job's end (emulated time, mapped onto ours) to
 * its post against one poll interval + 1 s, and the CPU and RSS of this process (the notifier, and the
 * embedded store unless BENCH_DATABASE_URL or TEST_DATABASE_URL names a PostgreSQL; the emulator runs in a
 * child process). Posts go to a channel double that answers at once,
 * so the figures are the notifier's own. Nothing fails on a number.
 */
import { performance } from 'node:perf_hooks';
import { createCredential, DataProtectionClient } from '../src/azure';
import type { Actor, ConversationTarget, MessageRef, Poster, ReplyOptions } from '../src/dialogs/ports';
import type { View } from '../src/dialogs/views';
import { buildScaleSeed } from '../src/emulator';
import { silentLogger } from '../src/log';
import { type CycleReport, Notifier, notifierSettings, pollIntervalMs, tickMs } from '../src/notifier';
import { openStore, type Store } from '../src/store';
import { type InstancePick, type RunningRestore, startRunningRestore } from '../test/notifier/fixtures';
import { EmulatorProcess } from './emulator-process';
import type { Benchmark } from './run';

const SUBSCRIPTIONS = 10;
const VAULTS_PER_SUBSCRIPTION = 10;
const SERVERS_PER_VAULT = 10;
/** Long enough that every restore is started (and announced) before the first one ends. */
const JOB_SECONDS = 60;
const SETTINGS = notifierSettings({ maxWatches: 2_000 });

// ---- the channel: answers at once, remembers when each end was posted -------------------------------------

class TimingPoster implements Poster {
  readonly ends = new Map<string, number>();
  posts = 0;
  private next = 0;

  async reply(thread: MessageRef, _view: View, options?: ReplyOptions): Promise<MessageRef> {
    this.posts++;
    if (options?.key?.endsWith(':end')) this.ends.set(options.key.slice(0, -':end'.length), Date.now());
    return { ...thread, messageId: `m-${++this.next}` };
  }
  async post(target: ConversationTarget): Promise<MessageRef> {
    return { channel: target.channel, conversationId: target.conversationId, messageId: `m-${++this.next}` };
  }
  async update(): Promise<void> {}
  async openPrivateChat(_actor: Actor): Promise<ConversationTarget | undefined> {
    return undefined;
  }
  async continueIn(): Promise<void> {}
}

// ---- the run ------------------------------------------------------------------------------------------------

async function runNotifierBenchmark(): Promise<void> {
  const emulator = await EmulatorProcess.start({
    seed: {
      ...buildScaleSeed({
        subscriptions: SUBSCRIPTIONS,
        vaultsPerSubscription: VAULTS_PER_SUBSCRIPTION,
        instancesPerVault: SERVERS_PER_VAULT,
        recoveryPointsPerInstance: 24,
      }),
      jobDurationSeconds: JOB_SECONDS,
    },
  });
  const url = process.env.BENCH_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim();
  const schema = `rb_bench_notifier_${process.pid}`;
  const store = url ? await openStore({ databaseUrl: url, schema }) : await openStore({ dataDir: 'memory://' });
  try {
    const calls = new Map<string, number>();
    const client = new DataProtectionClient({
      endpoint: emulator.url,
      credential: createCredential('emulator', emulator.url),
      retry: { maxRetries: 1, maxDelayMs: 2_000 },
      onCall: (operation) => calls.set(operation, (calls.get(operation) ?? 0) + 1),
    });
    const setupStarted = performance.now();
    const restores = await startRestores(store, client);
    const offsetMs =
      Date.parse(((await (await fetch(`${emulator.url}/_emulator/clock`)).json()) as { now: string }).now) - Date.now();
    line(
      `setup: ${restores.length} restores in ${VAULTS_PER_SUBSCRIPTION * SUBSCRIPTIONS} vaults (${restores.filter((r) => r.request.regionMode === 'secondary').length} Cross Region Restores), ` +
        `${((performance.now() - setupStarted) / 1000).toFixed(1)} s; store ${url ? 'PostgreSQL' : 'PGlite'}; jobs run ${JOB_SECONDS} s`,
    );
    line(
      `schedule: polls every ${SETTINGS.minIntervalMs / 1000}–${SETTINGS.maxIntervalMs / 1000} s (doubling every ${SETTINGS.doublingMs / 1000} s of age), cycle ${tickMs(SETTINGS)} ms`,
    );

    const poster = new TimingPoster();
    const notifier = new Notifier({
      store,
      azure: client,
      poster,
      service: { expireDue: async () => [] },
      settings: SETTINGS,
      logger: silentLogger,
    });
    calls.clear();
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    let peakRss = process.memoryUsage().rss;
    const cycles: CycleReport[] = [];
    while (poster.ends.size < restores.length) {
      const report = await notifier.runOnce();
      if (report.sources > 0) cycles.push(report);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (performance.now() - wallBefore > (JOB_SECONDS + 120) * 1000) {
        line(`stopped waiting: ${poster.ends.size} of ${restores.length} ends posted`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs(SETTINGS)));
    }
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;
    await notifier.stop();

    // ARM calls per cycle that read anything, against the vaults (sources) that had watched jobs then.
    const perCycle = cycles.map((c) => ({ calls: c.listCalls + c.getCalls, vaults: c.watchedSources }));
    const worst = perCycle.reduce((a, b) => (b.calls / b.vaults > a.calls / a.vaults ? b : a), perCycle[0]!);
    const totalList = cycles.reduce((n, c) => n + c.listCalls, 0);
    const totalGet = cycles.reduce((n, c) => n + c.getCalls, 0);
    const armTotal = [...calls.values()].reduce((a, b) => a + b, 0);
    line(
      `ARM calls: ${armTotal} in ${cycles.length} polling cycles (${totalList} listings, ${totalGet} gets for jobs missing from a listing); ` +
        `by operation ${JSON.stringify(Object.fromEntries(calls))}`,
    );
    line(
      `  per cycle: worst ${worst.calls} calls for ${worst.vaults} vaults with watched jobs = ${(worst.calls / worst.vaults).toFixed(2)} per vault ` +
        `(target ≤ 1 + gets); mean ${(perCycle.reduce((n, c) => n + c.calls, 0) / perCycle.length).toFixed(1)} calls/cycle`,
    );

    // Delay from each job's end (its endTime in emulated time, mapped onto our clock) to its post.
    const delays: number[] = [];
    let withinTarget = 0;
    for (const r of restores) {
      const postedAt = poster.ends.get(r.request.id);
      const job = await readJob(client, r);
      const endedAt = Date.parse(job.properties.endTime ?? '') - offsetMs;
      if (postedAt === undefined || !Number.isFinite(endedAt)) continue;
      const delay = postedAt - endedAt;
      delays.push(delay);
      const watch = await store.watches.get(r.jobId);
      const age = endedAt - (watch?.createdAt.getTime() ?? endedAt);
      if (delay <= pollIntervalMs(SETTINGS, age, () => 0) + 1_000) withinTarget++;
    }
    delays.sort((a, b) => a - b);
    line(
      `end → post: p50 ${s(percentile(delays, 50))}, p95 ${s(percentile(delays, 95))}, max ${s(delays[delays.length - 1] ?? 0)} ` +
        `over ${delays.length} ends; ${withinTarget}/${delays.length} (${((100 * withinTarget) / Math.max(1, delays.length)).toFixed(1)}%) within one poll interval + 1 s (target 100%)`,
    );
    line(
      `notifier process: CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms over ${(wallMs / 1000).toFixed(1)} s ` +
        `(${((100 * (cpu.user + cpu.system)) / 1000 / wallMs).toFixed(1)}% of one core), RSS ${mib(rssBefore)} MiB before following, ` +
        `peak ${mib(peakRss)} MiB; ${poster.posts} posts (started, half-way, end)`,
    );
  } finally {
    if (url) await store.exec(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await store.close();
    await emulator.stop();
  }
}

/** Every server of every vault gets one restore; in GeoRedundant vaults (every other one) a Cross Region Restore. */
async function startRestores(store: Store, client: DataProtectionClient): Promise<RunningRestore[]> {
  const restores: RunningRestore[] = [];
  const subscriptions = await client.listSubscriptions().toArray();
  const work: Promise<void>[] = [];
  for (const subscription of subscriptions) {
    for await (const vault of client.listVaultsInSubscription(subscription.subscriptionId)) {
      work.push(
        (async () => {
          const secondaryRegion = vault.properties.replicatedRegions?.[0];
          const crossRegion = vault.properties.featureSettings?.crossRegionRestoreSettings?.state === 'Enabled';
          for (const instance of await client.listBackupInstances(vault.id).toArray()) {
            const point = crossRegion
              ? (
                  await client
                    .fetchSecondaryRecoveryPoints(secondaryRegion!, {
                      sourceRegion: vault.location,
                      sourceBackupInstanceId: instance.id,
                    })
                    .toArray(1)
                )[0]
              : await client.newestRecoveryPoint(instance.id);
            if (!point) throw new Error(`no restorable point for ${instance.name}`);
            const pick: InstancePick = {
              vault: {
                id: vault.id,
                name: vault.name,
                location: vault.location,
                ...(secondaryRegion ? { secondaryRegion } : {}),
              },
              instance: {
                id: instance.id,
                name: instance.name,
                serverName: instance.properties.friendlyName ?? instance.name,
              },
              point: { id: point.name, time: point.properties.recoveryPointTime },
            };
            restores.push(
              await startRunningRestore(store, client, pick, { regionMode: crossRegion ? 'secondary' : 'primary' }),
            );
          }
        })(),
      );
    }
  }
  await Promise.all(work);
  return restores;
}

function readJob(client: DataProtectionClient, r: RunningRestore) {
  if (r.request.regionMode === 'primary') return client.getJob(r.jobId);
  return client.fetchCrossRegionRestoreJob(r.request.target.region, {
    sourceRegion: r.request.vault.location,
    sourceBackupVaultId: r.request.vault.id,
    jobId: r.jobId,
  });
}

// ---- figures ----------------------------------------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

export const notifierBenchmark: Benchmark = {
  name: 'notifier',
  description: `1,000 watched restore jobs across 100 vaults: ARM calls per cycle, end → post delay, CPU and RSS`,
  run: runNotifierBenchmark,
};
