import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ApprovalMessages } from '../dialogs/approval/approval-messages';
import type { KeyValueStore } from '../dialogs/deps';
import type { Poster } from '../dialogs/ports';
import { asBotError } from '../errors';
import { type Logger, silentLogger } from '../log';
import type { MetricsRegistry } from '../metrics';
import type { RestoreService } from '../restore/service';
import type { LeasedJobWatch, Store } from '../store';
import { mapLimit } from './concurrency';
import { ExpiryAnnouncer } from './expiry';
import { Follower, followFingerprint, type Held, LeaseLost } from './follower';
import { type Delivery, OncePoster, PostRetryLater } from './once';
import { RequestOutcomes } from './outcome';
import { type NotifierAzure, readSource } from './poller';
import { type NotifierSettings, notifierSettings, pollIntervalMs, tickMs } from './settings';
import { isWatchedJob, jobKey, sourceOf, type WatchedJob } from './watch-data';

export interface NotifierDeps {
  store: Store;
  azure: NotifierAzure;
  /** Posts into the approval threads, whatever their channel (main passes the PosterRouter). */
  poster: Poster;
  service: Pick<RestoreService, 'expireDue'>;
  /** Where approval cards are recorded (`approval:<id>`); default `store.conversations`. */
  approvals?: KeyValueStore;
  settings?: Partial<NotifierSettings>;
  now?: () => Date;
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** This replica's name on the leases; default `host:pid:random`. */
  owner?: string;
  random?: () => number;
}

/** What one cycle did, for tests, the benchmark and debug logs. */
export interface CycleReport {
  acquired: number;
  lost: number;
  held: number;
  /** Sources (a vault's jobs, or its Cross Region Restore jobs) read this cycle. */
  sources: number;
  /** Sources with at least one watched job this cycle: what `sources` and the calls are measured against. */
  watchedSources: number;
  listCalls: number;
  getCalls: number;
  ended: number;
  expired: number;
  posts: Partial<Record<Delivery | 'silent', number>>;
}

/** Idempotency keys of milestones outlive any watch (a restore runs hours, not months). */
const KEY_TTL_MS = 30 * 24 * 60 * 60_000;
const ACQUIRE_BATCH = 100;
const SOURCES_IN_PARALLEL = 8;
const WATCHES_IN_PARALLEL = 4;
const RENEWALS_IN_PARALLEL = 16;

/**
 * Follows restore jobs to their end and tells the approval thread (SPEC section 2.3), on any number of
 * replicas. Each cycle (every `tickMs`): timed expiry; lease renewals; new watches acquired (a lease each, so
 * one replica at a time follows a job and a crashed replica's watches are taken over when their leases
 * lapse); then the sources with a due watch are read, ONE listing per vault (or per vault's secondary
 * region), with gets only for due jobs the listing does not show. Each watch's next poll follows the
 * adaptive schedule (settings.ts); a source Azure throttles waits out its Retry-After.
 */
export class Notifier {
  readonly owner: string;
  readonly settings: NotifierSettings;
  readonly #deps: NotifierDeps;
  readonly #now: () => Date;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #held = new Map<string, Held>();
  /** Sources Azure asked us to leave alone until this time (Retry-After). */
  readonly #sourceNotBefore = new Map<string, number>();
  readonly #follower: Follower;
  readonly #expiry: ExpiryAnnouncer;
  #lastExpiryAt = Number.NEGATIVE_INFINITY;
  #cycle: Promise<CycleReport> | undefined;
  /** The report of the cycle under way (cycles never overlap). */
  #report: CycleReport | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
    this.settings = notifierSettings(deps.settings);
    this.#now = deps.now ?? (() => new Date());
    this.#logger = deps.logger ?? silentLogger;
    this.#random = deps.random ?? Math.random;
    this.owner = deps.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const kv = deps.approvals ?? deps.store.conversations;
    const once = new OncePoster(deps.store.idempotency, deps.poster, KEY_TTL_MS, this.#logger);
    this.#follower = new Follower({
      store: deps.store,
      once,
      outcomes: new RequestOutcomes(deps.store, this.#now),
      approvals: new ApprovalMessages(kv),
      settings: this.settings,
      now: this.#now,
      logger: this.#logger,
      lag: deps.metrics?.histogram(
        'restore_bot_notifier_lag_seconds',
        "Seconds from a restore job's end (Azure's endTime) to its post in the approval thread.",
        [1, 2, 5, 10, 15, 20, 25, 30, 45, 60, 120, 300, 900],
      ),
      posts: deps.metrics?.counter(
        'restore_bot_notifier_posts_total',
        'Notifier posts by milestone (started, progress, end, stuck, unknown) and delivery.',
      ),
      onDelivery: (delivery) => {
        if (this.#report) count(this.#report, delivery);
      },
    });
    this.#expiry = new ExpiryAnnouncer({
      store: deps.store,
      service: deps.service,
      poster: deps.poster,
      once,
      approvals: kv,
      now: this.#now,
      logger: this.#logger,
      keyTtlMs: KEY_TTL_MS,
    });
  }

  /** Starts cycling in the background (one cycle at once, `tickMs` apart). */
  start(): void {
    if (!this.settings.enabled || !this.#stopped) return;
    this.#stopped = false;
    this.#logger.info('notifier: started', {
      owner: this.owner,
      pollSeconds: [this.settings.minIntervalMs / 1000, this.settings.maxIntervalMs / 1000],
      leaseSeconds: this.settings.leaseMs / 1000,
    });
    const loop = async () => {
      if (this.#stopped) return;
      await this.runOnce().catch((error) => {
        this.#logger.error('notifier: cycle failed; will retry', { error: asBotError(error) });
      });
      if (!this.#stopped) this.#timer = setTimeout(loop, tickMs(this.settings));
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops cycling, waits for the cycle under way, and gives the held watches back for others to take at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#cycle?.catch(() => undefined);
    const held = [...this.#held.values()];
    this.#held.clear();
    await mapLimit(held, RENEWALS_IN_PARALLEL, async (h) => {
      await this.#deps.store.watches.release(h.id, h.token).catch(() => false);
    });
  }

  /** Watches this replica follows now. */
  get heldCount(): number {
    return this.#held.size;
  }

  /** One cycle; a call while one runs shares it. */
  runOnce(): Promise<CycleReport> {
    if (!this.#cycle) {
      this.#cycle = this.#runCycle().finally(() => {
        this.#cycle = undefined;
      });
    }
    return this.#cycle;
  }

  async #runCycle(): Promise<CycleReport> {
    const report: CycleReport = {
      acquired: 0,
      lost: 0,
      held: 0,
      sources: 0,
      watchedSources: 0,
      listCalls: 0,
      getCalls: 0,
      ended: 0,
      expired: 0,
      posts: {},
    };
    this.#report = report;
    const now = this.#now().getTime();
    if (now - this.#lastExpiryAt >= this.settings.minIntervalMs) {
      this.#lastExpiryAt = now;
      try {
        report.expired = await this.#expiry.run();
      } catch (error) {
        this.#logger.error('notifier: timed expiry failed; will retry', { error: asBotError(error) });
      }
    }
    report.lost += await this.#renew(now);
    report.acquired = await this.#acquire(now);
    await this.#greet(report);
    await this.#pollDue(report);
    report.held = this.#held.size;
    return report;
  }

  /** Renews leases a third of the way through, so one slow cycle cannot lose them. */
  async #renew(now: number): Promise<number> {
    const due = [...this.#held.values()].filter((h) => now - h.renewedAt >= this.settings.leaseMs / 3);
    let lost = 0;
    await mapLimit(due, RENEWALS_IN_PARALLEL, async (held) => {
      if (await this.#deps.store.watches.renew(held.id, held.token, this.settings.leaseMs)) {
        held.renewedAt = now;
      } else {
        lost++;
        this.#drop(held, 'lease lost (another replica took it over, or it ended)');
      }
    });
    return lost;
  }

  async #acquire(now: number): Promise<number> {
    const room = Math.min(ACQUIRE_BATCH, this.settings.maxWatches - this.#held.size);
    if (room <= 0) return 0;
    const leased = await this.#deps.store.watches.acquire<unknown>(this.owner, this.settings.leaseMs, room);
    for (const watch of leased) {
      if (!isWatchedJob(watch.data)) {
        this.#logger.error('notifier: a job watch without the data to follow it; ending it', { watchId: watch.id });
        await this.#deps.store.watches.complete(watch.id, watch.leaseToken, { ended: 'invalid-data' });
        continue;
      }
      const held = heldOf(watch as LeasedJobWatch<WatchedJob>, now);
      this.#held.set(held.id, held);
      this.#logger.debug('notifier: following a job', { requestId: held.data.requestId, jobId: held.data.jobId });
    }
    return leased.length;
  }

  /** Newly held watches: the request and thread loaded, and the started post (before the first poll). */
  async #greet(report: CycleReport): Promise<void> {
    const fresh = [...this.#held.values()].filter((h) => !h.request);
    await mapLimit(fresh, SOURCES_IN_PARALLEL, async (held) => {
      await this.#guard(held, report, async () => {
        if (!(await this.#follower.prepare(held))) {
          this.#logger.error('notifier: the watched request is missing or not a restore; ending the watch', {
            requestId: held.data.requestId,
          });
          await this.#finish(held, { ended: 'no-request' });
          return;
        }
        await this.#follower.greet(held);
      });
    });
  }

  async #pollDue(report: CycleReport): Promise<void> {
    const now = this.#now().getTime();
    const bySource = new Map<string, Held[]>();
    for (const held of this.#held.values()) {
      if (!held.request) continue;
      const key = sourceOf(held.data).key;
      bySource.set(key, [...(bySource.get(key) ?? []), held]);
    }
    report.watchedSources = bySource.size;
    const ready = [...bySource.entries()].filter(
      ([key, group]) => group.some((h) => h.nextPollAt <= now) && (this.#sourceNotBefore.get(key) ?? 0) <= now,
    );
    await mapLimit(ready, SOURCES_IN_PARALLEL, async ([key, group]) => {
      const source = sourceOf(group[0]!.data);
      const watched = new Map(group.map((h) => [jobKey(h.data.jobId), h.data.jobId]));
      const due = new Set(group.filter((h) => h.nextPollAt <= now).map((h) => jobKey(h.data.jobId)));
      const read = await readSource(this.#deps.azure, source, watched, due);
      report.sources++;
      report.listCalls += read.calls.list;
      report.getCalls += read.calls.get;
      if (read.retryAfterMs !== undefined) {
        const wait = Math.round(read.retryAfterMs * (1 + 0.2 * this.#random()));
        this.#sourceNotBefore.set(key, now + wait);
        this.#logger.warn('notifier: Azure asked to wait before reading these jobs again', {
          source: key,
          waitSeconds: Math.round(wait / 100) / 10,
          code: read.listError?.code,
          armCode: (read.listError as { armCode?: string } | undefined)?.armCode,
          jobs: group.length,
        });
      } else if (read.listError) {
        this.#logger.warn('notifier: a jobs listing failed; reading due jobs one by one', {
          source: key,
          code: read.listError.code,
        });
      }
      await mapLimit(group, WATCHES_IN_PARALLEL, async (held) => {
        const observation = read.observations.get(jobKey(held.data.jobId));
        if (!observation) return;
        await this.#guard(held, report, async () => {
          const step = await this.#follower.observe(held, observation);
          if (step === 'done') {
            report.ended++;
            await this.#finish(held, { ended: observation.kind === 'seen' ? 'job-ended' : 'job-unknown' });
            return;
          }
          const interval = pollIntervalMs(this.settings, now - held.createdAt.getTime(), this.#random);
          held.nextPollAt = Math.max(now + interval, this.#sourceNotBefore.get(key) ?? 0);
          await this.#saveIfChanged(held);
        });
      });
    });
  }

  /** Runs work on one watch; a lost lease drops it, a failed post is retried at the next poll. */
  async #guard(held: Held, report: CycleReport, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof LeaseLost) {
        report.lost++;
        this.#drop(held, 'lease lost before posting');
        return;
      }
      const now = this.#now();
      const code = error instanceof PostRetryLater ? `post failed: ${error.code}` : asBotError(error).code;
      held.lateReasons.push(`${now.toISOString()} ${code}`);
      if (error instanceof PostRetryLater) {
        await this.#follower.postFailed(held, error.code).catch(() => undefined);
        await this.#saveIfChanged(held).catch(() => undefined);
      }
      held.nextPollAt = now.getTime() + this.settings.minIntervalMs;
      this.#logger.warn('notifier: following a job failed this time; retrying', {
        requestId: held.data.requestId,
        jobId: held.data.jobId,
        code,
      });
    }
  }

  async #saveIfChanged(held: Held): Promise<void> {
    const fingerprint = followFingerprint(held.data);
    if (fingerprint === held.savedFollow) return;
    if (!(await this.#deps.store.watches.saveProgress(held.id, held.token, held.data))) throw new LeaseLost(held.id);
    held.savedFollow = fingerprint;
  }

  async #finish(held: Held, result: Record<string, unknown>): Promise<void> {
    const follow = held.data.follow;
    await this.#deps.store.watches.complete(held.id, held.token, {
      ...result,
      ...(follow?.silent ? { silent: follow.silent } : {}),
      by: this.owner,
    });
    this.#held.delete(held.id);
  }

  #drop(held: Held, why: string): void {
    this.#held.delete(held.id);
    this.#logger.info('notifier: no longer following a job here', { requestId: held.data.requestId, why });
  }
}

function heldOf(watch: LeasedJobWatch<WatchedJob>, now: number): Held {
  return {
    id: watch.id,
    token: watch.leaseToken,
    createdAt: watch.createdAt,
    data: watch.data,
    savedFollow: followFingerprint(watch.data),
    nextPollAt: now,
    renewedAt: now,
    lateReasons: [],
  };
}

function count(report: CycleReport, delivery: Delivery | 'silent'): void {
  report.posts[delivery] = (report.posts[delivery] ?? 0) + 1;
}
