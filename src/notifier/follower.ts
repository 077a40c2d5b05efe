import { type AzureBackupJobResource, jobPhase, lastSegment } from '../azure';
import type { ApprovalMessages } from '../dialogs/approval/approval-messages';
import type { MessageRef } from '../dialogs/ports';
import type { View } from '../dialogs/views';
import type { Logger } from '../log';
import type { Counter, Histogram } from '../metrics';
import { appendAudit, type DataRestoreRequest, type RestoreRequest } from '../restore';
import { SYSTEM_ACTOR, SYSTEM_CHANNEL } from '../restore/service';
import type { Store } from '../store';
import { isCompletedStatus, jobDurationMs, subTasks } from './job-facts';
import {
  endView,
  failureOf,
  type ProgressStep,
  progressView,
  startedView,
  stuckView,
  unknownView,
} from './milestone-views';
import type { Delivery, OncePoster } from './once';
import type { JobEnd, RequestOutcomes } from './outcome';
import type { Observation } from './poller';
import type { NotifierSettings } from './settings';
import { type FollowState, followOf, type WatchedJob } from './watch-data';

/** Progress posts per job, at most: a few landmarks, never a running commentary. */
export const MAX_PROGRESS_POSTS = 3;
/** The data transfer reaching this share is worth a line. */
const HALF_WAY_PERCENT = 50;

/** A watch this replica holds, with what it learned while following. */
export interface Held {
  id: string;
  token: string;
  createdAt: Date;
  data: WatchedJob;
  /** `follow` as last saved, to save only when something worth keeping changed. */
  savedFollow: string;
  request?: DataRestoreRequest;
  thread?: MessageRef;
  nextPollAt: number;
  renewedAt: number;
  /** Why reads or posts failed since the job was last seen: the "why was this late" of the end's log line. */
  lateReasons: string[];
  /** Sub-task statuses at the previous look, to notice a sub-task completing while we watch. */
  taskStatuses?: Record<string, string>;
}

/** The lease was taken over: this replica must stop working on the watch at once. */
export class LeaseLost extends Error {
  constructor(readonly watchId: string) {
    super(`lease on watch ${watchId} was lost`);
  }
}

export interface FollowerDeps {
  store: Store;
  once: OncePoster;
  outcomes: RequestOutcomes;
  approvals: ApprovalMessages;
  settings: NotifierSettings;
  now: () => Date;
  logger: Logger;
  lag?: Histogram;
  posts?: Counter;
  /** Told of every post's outcome (the notifier's cycle report counts them). */
  onDelivery?: (delivery: Delivery | 'silent') => void;
}

export type FollowStep = 'continue' | 'done';

/**
 * What one look at a job means for the people in the approval thread: the milestones it passed (started,
 * progress, the end; stuck or unknown past their limits), each posted once, and the request's final state.
 */
export class Follower {
  constructor(private readonly deps: FollowerDeps) {}

  /** Loads the request and its thread; false when there is nothing to follow for (not a restore request). */
  async prepare(held: Held): Promise<boolean> {
    if (held.request) return true;
    const record = await this.deps.store.requests.get<RestoreRequest>(held.data.requestId);
    if (record?.data.kind !== 'restore') return false;
    held.request = { ...(record.data as DataRestoreRequest), state: record.state as RestoreRequest['state'] };
    held.thread = await this.deps.approvals.thread(held.data.requestId);
    return true;
  }

  /** The first post of a followed job, as soon as the watch is held. */
  async greet(held: Held): Promise<void> {
    const request = held.request!;
    if (held.data.follow?.settled.includes('started')) return;
    await this.tell(held, 'started', startedView(request, held.data.jobId, held.data.restoreRegion), false);
  }

  async observe(held: Held, observation: Observation): Promise<FollowStep> {
    const follow = this.follow(held);
    // A started post that failed at first is retried before anything later is said.
    if (!follow.settled.includes('started') && !follow.silent) await this.greet(held);
    const now = this.deps.now();
    if (observation.kind === 'seen') {
      follow.lastSeenAt = now.toISOString();
      delete follow.unseenSince;
      delete follow.unseenReason;
      follow.lastStatus = observation.job.properties.status;
      const phase = jobPhase(observation.job);
      // Failed reads before this one delayed the end only if the job ended meanwhile: keep them for its log.
      if (phase !== 'running') return this.end(held, observation.job);
      held.lateReasons = [];
      await this.progress(held, observation.job);
      await this.stuck(held, now);
      return 'continue';
    }
    follow.unseenSince ??= now.toISOString();
    follow.unseenReason = observation.kind === 'not-found' ? 'not-found' : 'unreadable';
    if (observation.kind === 'unreadable') {
      const e = observation.error as { armCode?: string };
      held.lateReasons.push(`${now.toISOString()} ${observation.error.code}${e.armCode ? ` (${e.armCode})` : ''}`);
    }
    if (now.getTime() - Date.parse(follow.unseenSince) < this.deps.settings.unknownAfterMs) return 'continue';
    return this.unknown(held, observation);
  }

  private async progress(held: Held, job: AzureBackupJobResource): Promise<void> {
    const follow = this.follow(held);
    const tasks = subTasks(job);
    const previous = held.taskStatuses;
    held.taskStatuses = Object.fromEntries(tasks.map((t) => [String(t.id), t.status]));
    const steps: [string, ProgressStep][] = [];
    // A sub-task finishing while we watch (the last one finishing is the job's end, told by the end post).
    for (const task of tasks.slice(0, -1)) {
      const before = previous?.[String(task.id)];
      if (before !== undefined && !isCompletedStatus(before) && isCompletedStatus(task.status)) {
        steps.push([`progress:task-${task.id}`, { kind: 'task-done', task: task.name }]);
      }
    }
    const moving = tasks.find((t) => !isCompletedStatus(t.status) && t.percent !== undefined);
    if (moving && moving.percent! >= HALF_WAY_PERCENT && moving.percent! < 100) {
      steps.push(['progress:half', { kind: 'half', task: moving.name, percent: Math.floor(moving.percent!) }]);
    }
    for (const [milestone, step] of steps) {
      if ((follow.progressPosts ?? 0) >= MAX_PROGRESS_POSTS || follow.settled.includes(milestone)) continue;
      const delivery = await this.tell(held, milestone, progressView(held.request!, held.data.jobId, step), false);
      if (delivery === 'sent' || delivery === 'repeated') follow.progressPosts = (follow.progressPosts ?? 0) + 1;
    }
  }

  /** Rule: a job still running `stuckAfter` after its trigger is reported once; following goes on. */
  private async stuck(held: Held, now: Date): Promise<void> {
    const runningFor = now.getTime() - held.createdAt.getTime();
    if (runningFor < this.deps.settings.stuckAfterMs) return;
    const view = stuckView(held.request!, held.data.jobId, runningFor);
    const delivery = await this.tell(held, 'stuck', view, true);
    if (delivery === 'sent' || delivery === 'repeated') {
      this.deps.logger.warn('notifier: restore job still running past the stuck limit; still following', {
        requestId: held.data.requestId,
        jobId: held.data.jobId,
        runningForSeconds: Math.round(runningFor / 1000),
      });
    }
  }

  /**
   * Rule: a job Azure has not shown for `unknownAfter` is reported once. When Azure says it does not exist,
   * nothing more can be learned: the request ends `failed` (JOB_NOT_FOUND) and the watch ends. When Azure
   * could not be read (throttled, outage, no permission), the job may still end normally: the watch goes on.
   */
  private async unknown(held: Held, observation: Exclude<Observation, { kind: 'seen' }>): Promise<FollowStep> {
    const follow = this.follow(held);
    const since = follow.unseenSince!;
    const reason =
      observation.kind === 'not-found'
        ? ({ kind: 'not-found' } as const)
        : ({ kind: 'unreadable', code: observation.error.code } as const);
    const view = unknownView(held.request!, held.data.jobId, since, reason);
    await this.tell(held, observation.kind === 'not-found' ? 'unknown' : 'unreadable', view, true);
    if (observation.kind !== 'not-found') return 'continue';
    const end: JobEnd = {
      phase: 'unknown',
      jobId: held.data.jobId,
      status: 'NotFound',
      error: { code: 'JOB_NOT_FOUND', message: `Azure does not know job ${lastSegment(held.data.jobId)}.` },
    };
    await this.deps.outcomes.record(held.data.requestId, end);
    this.deps.logger.warn('notifier: Azure does not know the job; the request ends failed', {
      requestId: held.data.requestId,
      jobId: held.data.jobId,
      since,
    });
    return 'done';
  }

  /** The job's end: the request's final state first (so /restore status agrees), then the post. */
  private async end(held: Held, job: AzureBackupJobResource): Promise<FollowStep> {
    const phase = jobPhase(job);
    if (phase === 'running') return 'continue';
    const durationMs = jobDurationMs(job);
    const failure = phase === 'failed' || phase === 'cancelled' ? failureOf(job, phase) : undefined;
    await this.deps.outcomes.record(held.data.requestId, {
      phase,
      jobId: held.data.jobId,
      status: job.properties.status,
      ...(failure ? { error: { code: failure.code, message: failure.message } } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    });
    const delivery = await this.tell(held, 'end', endView(held.request!, job, phase), true);
    if (delivery === 'sent' || delivery === 'repeated') this.reportLag(held, job, phase, delivery);
    return 'done';
  }

  private reportLag(held: Held, job: AzureBackupJobResource, phase: string, delivery: Delivery): void {
    const ended = job.properties.endTime ? Date.parse(job.properties.endTime) : Number.NaN;
    // Azure's clock and ours may disagree a little: a negative lag is counted as none.
    const lagSeconds = Number.isFinite(ended) ? Math.max(0, (this.deps.now().getTime() - ended) / 1000) : undefined;
    if (lagSeconds !== undefined) this.deps.lag?.observe({ outcome: phase }, lagSeconds);
    const fields = {
      requestId: held.data.requestId,
      jobId: held.data.jobId,
      outcome: phase,
      delivery,
      ...(lagSeconds !== undefined ? { lagSeconds: Math.round(lagSeconds * 10) / 10 } : {}),
    };
    const promisedSeconds = this.deps.settings.maxIntervalMs / 1000 + 5;
    if (held.lateReasons.length || (lagSeconds ?? 0) > promisedSeconds) {
      this.deps.logger.warn('notifier: the end of a restore was posted late', {
        ...fields,
        why: held.lateReasons.length
          ? `Azure could not be read ${held.lateReasons.length} time(s): ${held.lateReasons.slice(-5).join('; ')}`
          : 'no failed reads: the job ended between polls at the longest interval, or the bot was not running',
      });
    } else {
      this.deps.logger.info('notifier: the end of a restore was posted', fields);
    }
  }

  /**
   * Posts one milestone once (see once.ts). A conversation that is gone makes the watch silent: it is
   * followed to the end without posts, so the request still reaches its final state, and the audit log
   * says when and why the posts stopped.
   */
  async tell(held: Held, milestone: string, view: View, essential: boolean): Promise<Delivery | 'silent'> {
    const delivery = await this.#tell(held, milestone, view, essential);
    this.deps.onDelivery?.(delivery);
    return delivery;
  }

  async #tell(held: Held, milestone: string, view: View, essential: boolean): Promise<Delivery | 'silent'> {
    const follow = this.follow(held);
    if (follow.settled.includes(milestone)) return 'already';
    if (follow.silent) return 'silent';
    if (!held.thread) {
      await this.goSilent(held, 'NO_APPROVAL_THREAD');
      return 'silent';
    }
    const result = await this.deps.once.post({
      key: `${held.data.requestId}:${milestone}`,
      thread: held.thread,
      view,
      essential,
      stillOurs: () => this.stillOurs(held),
    });
    this.deps.posts?.inc({ milestone: milestone.split(':')[0]!, delivery: result.delivery });
    if (result.delivery === 'not-ours') throw new LeaseLost(held.id);
    if (result.delivery === 'gone') await this.goSilent(held, result.code ?? 'CONVERSATION_GONE');
    delete follow.postFailingSince;
    follow.settled.push(milestone);
    return result.delivery;
  }

  /**
   * A post that keeps failing is, past the unknown limit, treated like a conversation that is gone: some
   * channels cannot tell "deleted" from "down" (Teams' adapter reports both as a failed send), and a watch
   * must not retry a post forever while its job's end goes unrecorded.
   */
  async postFailed(held: Held, code: string): Promise<void> {
    const follow = this.follow(held);
    const now = this.deps.now();
    follow.postFailingSince ??= now.toISOString();
    if (now.getTime() - Date.parse(follow.postFailingSince) >= this.deps.settings.unknownAfterMs) {
      await this.goSilent(held, `${code} (posts failing since ${follow.postFailingSince})`);
    }
  }

  /**
   * Whether this replica still holds the watch: certainly, while its last renewal is recent (the lease runs
   * `leaseMs` from it on the database clock); otherwise renewed now, which also answers the question.
   */
  private async stillOurs(held: Held): Promise<boolean> {
    const now = this.deps.now().getTime();
    if (now - held.renewedAt < this.deps.settings.leaseMs / 2) return true;
    if (!(await this.deps.store.watches.renew(held.id, held.token, this.deps.settings.leaseMs))) return false;
    held.renewedAt = now;
    return true;
  }

  private async goSilent(held: Held, code: string): Promise<void> {
    const follow = this.follow(held);
    const at = this.deps.now();
    follow.silent = { code, at: at.toISOString() };
    await appendAudit(this.deps.store, {
      type: 'notifier_channel_gone',
      actor: SYSTEM_ACTOR,
      channel: SYSTEM_CHANNEL,
      requestId: held.data.requestId,
      details: {
        jobId: held.data.jobId,
        code,
        ...(held.thread ? { conversationId: held.thread.conversationId, channel: held.thread.channel } : {}),
        followsSilently: true,
      },
      at,
    });
    this.deps.logger.warn('notifier: the approval thread cannot be posted to any more; following silently', {
      requestId: held.data.requestId,
      jobId: held.data.jobId,
      code,
    });
  }

  follow(held: Held): FollowState {
    held.data.follow = followOf(held.data);
    return held.data.follow;
  }
}

/**
 * The follow state minus what a replica taking the watch over can do without: saved only when this changes.
 * Left out are what changes on every poll, and the milestones settled (their idempotency keys say so; a new
 * owner learns it with one lookup each), so a post costs no extra write.
 */
export function followFingerprint(data: WatchedJob): string {
  const { lastSeenAt: _seen, lastStatus: _status, settled: _settled, progressPosts: _count, ...rest } = followOf(data);
  return JSON.stringify(rest);
}
