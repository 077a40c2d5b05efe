import type { AzureBackupRecoveryPointResource } from './models';
import type { ArmPager } from './pager';

/**
 * `$filter` for RecoveryPoints_List, built the way the Azure CLI builds it:
 * `startDate eq '2017-12-31T05:30:00.0000000Z' and endDate eq '…'` (either part may be omitted).
 */
export function buildRecoveryPointFilter(range: { startDate?: Date; endDate?: Date }): string | undefined {
  const parts: string[] = [];
  if (range.startDate) parts.push(`startDate eq '${formatFilterTime(range.startDate)}'`);
  if (range.endDate) parts.push(`endDate eq '${formatFilterTime(range.endDate)}'`);
  return parts.length ? parts.join(' and ') : undefined;
}

/** UTC with seven fractional digits, as .NET round-trip format prints it. */
export function formatFilterTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date in recovery point filter');
  return date.toISOString().replace(/\.(\d{3})Z$/, (_, millis: string) => `.${millis}0000Z`);
}

export function recoveryPointTime(point: AzureBackupRecoveryPointResource): number {
  return Date.parse(point.properties.recoveryPointTime);
}

/** The value a restore request's `recoveryPointId` takes: the point's `recoveryPointId`, else its resource name. */
export function recoveryPointName(point: AzureBackupRecoveryPointResource): string {
  return point.properties.recoveryPointId || point.name;
}

/**
 * The `$filter` window that finds one known point in a single call: its time, widened by a second each way.
 * Times we keep are whole milliseconds while Azure's carry 100-ns ticks, so [time, time] could miss the very
 * point; callers match the point by id inside the window.
 */
export function windowAroundPointTime(time: Date): { startDate: Date; endDate: Date } {
  const ms = time.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid recovery point time');
  return { startDate: new Date(ms - POINT_TIME_MARGIN_MS), endDate: new Date(ms + POINT_TIME_MARGIN_MS) };
}

const POINT_TIME_MARGIN_MS = 1000;

/**
 * The newest point (optionally strictly before `before`), by `recoveryPointTime`. Azure documents no list
 * order, so this never trusts the first item. Points with unreadable times are ignored.
 */
export function pickNewestRecoveryPoint(
  points: Iterable<AzureBackupRecoveryPointResource>,
  before?: Date,
): AzureBackupRecoveryPointResource | undefined {
  let best: AzureBackupRecoveryPointResource | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  const limit = before?.getTime() ?? Number.POSITIVE_INFINITY;
  for (const point of points) {
    const t = recoveryPointTime(point);
    if (Number.isNaN(t) || t >= limit) continue;
    if (t > bestTime) {
      best = point;
      bestTime = t;
    }
  }
  return best;
}

/** How far back, and in which steps, `newestInTimeWindows` looks. */
export interface TimeWindowSearch {
  /** Only points strictly older than this. Default: no upper bound. */
  before?: Date;
  /** Where the search starts when `before` is not given; default the current time. */
  now?: Date;
  /** First window length; PG flexible server backs up weekly, so a little over a week. */
  initialWindowDays?: number;
  /** Window growth per step. */
  growthFactor?: number;
  /** Give up after searching this far back (retention is at most 10 years). */
  maxLookbackDays?: number;
}

/**
 * Lists the points within [startDate, endDate] (both inclusive; no endDate: open towards the future; neither:
 * every point), lazily by page.
 */
export type ListPointsInWindow = (window: {
  startDate?: Date;
  endDate?: Date;
}) => ArmPager<AzureBackupRecoveryPointResource>;

const DAY_MS = 86_400_000;

/**
 * Up to `count` newest points (strictly before `options.before`, if given), newest first. Azure documents no
 * list order, so this searches backwards through time windows that grow each step and reads each window
 * whole, stopping once enough points are in hand. Without `before`, the first window is open towards the
 * future, so clock skew between us and the service cannot hide the newest point. Points with unreadable times
 * are ignored; a point on a window boundary is listed twice and counted once.
 */
export async function newestInTimeWindows(
  listWindow: ListPointsInWindow,
  count: number,
  options: TimeWindowSearch = {},
): Promise<AzureBackupRecoveryPointResource[]> {
  const initialWindow = (options.initialWindowDays ?? 8) * DAY_MS;
  const growth = Math.max(2, options.growthFactor ?? 4);
  const maxLookback = (options.maxLookbackDays ?? 3660) * DAY_MS;
  const anchor = (options.before ?? options.now ?? new Date()).getTime();
  const limit = options.before?.getTime() ?? Number.POSITIVE_INFINITY;
  const oldest = anchor - maxLookback;
  const found = new Map<string, { point: AzureBackupRecoveryPointResource; time: number }>();
  const keep = (point: AzureBackupRecoveryPointResource) => {
    const time = recoveryPointTime(point);
    if (!Number.isNaN(time) && time < limit) found.set(recoveryPointName(point), { point, time });
  };

  let windowEnd: number | undefined = options.before ? anchor : undefined;
  let width = initialWindow;
  let windowStart = anchor - width;
  let probed = false;
  while (count > 0) {
    const start = Math.max(windowStart, oldest);
    const window = listWindow({
      startDate: new Date(start),
      ...(windowEnd !== undefined && { endDate: new Date(windowEnd) }),
    });
    for await (const point of window) keep(point);
    if (found.size >= count || start <= oldest) break;
    if (!probed) {
      // Too few recent points: often the whole list is one page (weekly backups, or nothing replicated yet),
      // and one unfiltered page then settles it instead of every wider window back to the lookback limit.
      probed = true;
      const page = await listWindow({}).firstPage();
      if (!page.nextLink) {
        for (const point of page.items) keep(point);
        break;
      }
    }
    windowEnd = start;
    width *= growth;
    windowStart = start - width;
  }
  return [...found.values()]
    .sort((a, b) => b.time - a.time)
    .slice(0, count)
    .map((entry) => entry.point);
}
