import { BotError } from '../errors';

/**
 * How the notifier paces itself. Read from the environment by src/config.ts (NOTIFIER_*), in seconds and
 * minutes there, and passed here in milliseconds.
 */
export interface NotifierSettings {
  /** Off: no watches are followed and nothing expires on a timer (clicks still expire requests). */
  enabled: boolean;
  /** Poll interval right after the trigger. */
  minIntervalMs: number;
  /** The ceiling the interval backs off to; it bounds how late a job's end can be noticed. */
  maxIntervalMs: number;
  /** The interval doubles each time a job gets this much older, from min up to max. */
  doublingMs: number;
  /** Share of an interval taken off at random (0–1), so replicas and jobs do not poll in lockstep. */
  jitter: number;
  /** A watch's lease: how long a crashed replica's watches wait before another replica takes them over. */
  leaseMs: number;
  /** A job still running this long after it started is reported as stuck (once); the watch goes on. */
  stuckAfterMs: number;
  /** A job Azure has not shown (or could not be read) for this long is reported as unknown (once). */
  unknownAfterMs: number;
  /** Most watches one replica follows at a time; the rest are left for other replicas. */
  maxWatches: number;
}

export const DEFAULT_NOTIFIER_SETTINGS: Readonly<NotifierSettings> = Object.freeze({
  enabled: true,
  minIntervalMs: 5_000,
  maxIntervalMs: 20_000,
  doublingMs: 60_000,
  jitter: 0.2,
  leaseMs: 30_000,
  stuckAfterMs: 6 * 60 * 60_000,
  unknownAfterMs: 15 * 60_000,
  maxWatches: 500,
});

/** SPEC section 2.3: with default settings a job's end is posted within this long. */
export const END_POSTED_WITHIN_MS = 30_000;

/**
 * Time budgets behind the worst-case figure: one jobs listing (or get) and one post. The client retries
 * quickly for the notifier (Retry-After beyond a couple of seconds is left to the schedule, see poller.ts).
 */
export const CALL_BUDGET_MS = 2_000;
export const POST_BUDGET_MS = 2_000;

/** Fills in defaults and refuses settings that cannot work together. */
export function notifierSettings(overrides: Partial<NotifierSettings> = {}): NotifierSettings {
  const settings: NotifierSettings = { ...DEFAULT_NOTIFIER_SETTINGS, ...stripUndefined(overrides) };
  const problems: string[] = [];
  if (!(settings.minIntervalMs > 0)) problems.push('the minimum poll interval must be above 0');
  if (settings.maxIntervalMs < settings.minIntervalMs) {
    problems.push('the maximum poll interval must not be below the minimum');
  }
  if (!(settings.doublingMs > 0)) problems.push('the doubling time must be above 0');
  if (!(settings.jitter >= 0 && settings.jitter < 1)) problems.push('jitter must be from 0 up to (not including) 1');
  // A lease shorter than a couple of cycles would be lost between renewals.
  if (settings.leaseMs < 3 * tickMs(settings)) problems.push('the lease must last at least three notifier cycles');
  if (!(settings.stuckAfterMs > 0) || !(settings.unknownAfterMs > 0)) problems.push('limits must be above 0');
  if (!Number.isInteger(settings.maxWatches) || settings.maxWatches < 1) {
    problems.push('max watches must be a whole number of at least 1');
  }
  if (problems.length) throw new BotError('CONFIG_INVALID', `notifier settings: ${problems.join('; ')}`);
  return settings;
}

/**
 * How often the notifier wakes up to look for due polls, new watches and leases to renew. Polls themselves
 * follow `pollIntervalMs`; the tick only bounds how late a due poll starts.
 */
export function tickMs(settings: Pick<NotifierSettings, 'minIntervalMs'>): number {
  return Math.min(1_000, Math.max(20, settings.minIntervalMs / 2));
}

/**
 * The adaptive schedule: a job `ageMs` after its trigger is polled every `min · 2^(age / doubling)`, capped
 * at `max`. Restores of small databases end within minutes and get frequent polls; long ones settle at the
 * ceiling. Jitter only ever shortens an interval, so the ceiling (and the 30 s promise) holds.
 */
export function pollIntervalMs(settings: NotifierSettings, ageMs: number, random: () => number = Math.random): number {
  const grown = settings.minIntervalMs * 2 ** (Math.max(0, ageMs) / settings.doublingMs);
  const base = Math.min(settings.maxIntervalMs, grown);
  return Math.max(tickMs(settings), Math.round(base * (1 - settings.jitter * random())));
}

/**
 * The latest a job's end is posted after it happens, when Azure answers and the channel accepts posts: the
 * job ends just after a poll, the next poll is at most the ceiling later (plus one tick to notice it is
 * due), and then one listing and one post. Throttling (Retry-After) and outages come on top; the log says
 * when that happens.
 */
export function worstCaseEndToPostMs(settings: NotifierSettings): number {
  return settings.maxIntervalMs + tickMs(settings) + CALL_BUDGET_MS + POST_BUDGET_MS;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The NOTIFIER_* variables of the environment (src/config.ts), in their units. */
export interface NotifierEnv {
  NOTIFIER_ENABLED: boolean;
  NOTIFIER_POLL_MIN_SECONDS?: number | undefined;
  NOTIFIER_POLL_MAX_SECONDS?: number | undefined;
  NOTIFIER_POLL_DOUBLING_SECONDS?: number | undefined;
  NOTIFIER_LEASE_SECONDS?: number | undefined;
  NOTIFIER_STUCK_AFTER_MINUTES?: number | undefined;
  NOTIFIER_UNKNOWN_AFTER_MINUTES?: number | undefined;
  NOTIFIER_MAX_WATCHES?: number | undefined;
}

export function notifierSettingsFromEnv(env: NotifierEnv): NotifierSettings {
  const ms = (value: number | undefined, unit: number) => (value === undefined ? undefined : value * unit);
  return notifierSettings({
    enabled: env.NOTIFIER_ENABLED,
    minIntervalMs: ms(env.NOTIFIER_POLL_MIN_SECONDS, 1_000),
    maxIntervalMs: ms(env.NOTIFIER_POLL_MAX_SECONDS, 1_000),
    doublingMs: ms(env.NOTIFIER_POLL_DOUBLING_SECONDS, 1_000),
    leaseMs: ms(env.NOTIFIER_LEASE_SECONDS, 1_000),
    stuckAfterMs: ms(env.NOTIFIER_STUCK_AFTER_MINUTES, 60_000),
    unknownAfterMs: ms(env.NOTIFIER_UNKNOWN_AFTER_MINUTES, 60_000),
    maxWatches: env.NOTIFIER_MAX_WATCHES,
  });
}
