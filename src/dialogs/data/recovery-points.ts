import { type AzureBackupRecoveryPointResource, recoveryPointName } from '../../azure';
import type { ConversationAzure } from '../deps';
import { timeLabel } from '../time-labels';
import type { ChoiceOption } from '../views';

/** SPEC 2.1 / issue 4: newest first, 10 per page. */
export const POINTS_PER_PAGE = 10;
const DAY_MS = 86_400_000;
/** The first window is a little over a week (PG flexible server backs up weekly) and grows 4× each step. */
const FIRST_WINDOW_MS = 8 * DAY_MS;
const WINDOW_GROWTH = 4;
/** Retention is at most 10 years; nothing older can exist. */
const MAX_LOOKBACK_MS = 3660 * DAY_MS;
/** The secondary list has no filter; a cap keeps a pathological vault from exhausting memory. */
const SECONDARY_POINTS_CAP = 5000;

export interface PointSummary {
  /** The value restore requests take as `recoveryPointId`. */
  id: string;
  /** ISO time. */
  time: string;
  state?: string;
}

/** Where points come from: the vault's own region, or those already replicated to the secondary region. */
export type PointSource =
  | { mode: 'primary'; instanceId: string }
  | { mode: 'secondary'; instanceId: string; sourceRegion: string; secondaryRegion: string };

export interface PointPage {
  points: PointSummary[];
  /** Whether older points exist beyond this page. */
  hasOlder: boolean;
}

function summary(point: AzureBackupRecoveryPointResource): PointSummary | undefined {
  const time = Date.parse(point.properties.recoveryPointTime);
  if (Number.isNaN(time)) return undefined;
  const state = point.properties.recoveryPointState;
  return { id: recoveryPointName(point), time: new Date(time).toISOString(), ...(state ? { state } : {}) };
}

function newestFirst(points: Iterable<PointSummary>, before?: Date): PointSummary[] {
  const limit = before?.getTime() ?? Number.POSITIVE_INFINITY;
  return [...points].filter((p) => Date.parse(p.time) < limit).sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

/**
 * Up to `count` newest points strictly before `before` (all points when absent). Primary: `$filter` windows
 * that grow backwards in time until enough are found, never the whole list. Secondary: Azure's list of
 * replicated points, which has no filter.
 */
export async function newestPoints(
  client: ConversationAzure,
  source: PointSource,
  options: { before?: Date; count: number; now: Date },
): Promise<PointSummary[]> {
  if (source.mode === 'secondary') {
    const all = await client
      .fetchSecondaryRecoveryPoints(source.secondaryRegion, {
        sourceRegion: source.sourceRegion,
        sourceBackupInstanceId: source.instanceId,
      })
      .toArray(SECONDARY_POINTS_CAP);
    return newestFirst(
      all.map(summary).filter((p) => p !== undefined),
      options.before,
    ).slice(0, options.count);
  }
  const anchor = (options.before ?? options.now).getTime();
  const oldest = anchor - MAX_LOOKBACK_MS;
  const found = new Map<string, PointSummary>();
  // Open towards the future on the first page, so clock skew cannot hide the newest point.
  let windowEnd: number | undefined = options.before?.getTime();
  let width = FIRST_WINDOW_MS;
  let windowStart = anchor - width;
  for (;;) {
    const start = Math.max(windowStart, oldest);
    const items = await client
      .listRecoveryPoints(source.instanceId, {
        startDate: new Date(start),
        ...(windowEnd !== undefined ? { endDate: new Date(windowEnd) } : {}),
      })
      .toArray();
    for (const point of items.map(summary)) if (point) found.set(point.id, point);
    if (newestFirst(found.values(), options.before).length >= options.count || start <= oldest) break;
    windowEnd = start;
    width *= WINDOW_GROWTH;
    windowStart = start - width;
  }
  return newestFirst(found.values(), options.before).slice(0, options.count);
}

/** One page of the recovery point step: the newest `POINTS_PER_PAGE` points before the page's cursor. */
export async function recoveryPointPage(
  client: ConversationAzure,
  source: PointSource,
  cursor: { before?: Date; now: Date },
): Promise<PointPage> {
  const points = await newestPoints(client, source, { ...cursor, count: POINTS_PER_PAGE + 1 });
  return { points: points.slice(0, POINTS_PER_PAGE), hasOlder: points.length > POINTS_PER_PAGE };
}

/**
 * The nearest point at or before `time` (the newest point when `time` is absent), through the API's
 * `$filter` for the primary region.
 */
export async function nearestPointAtOrBefore(
  client: ConversationAzure,
  source: PointSource,
  time: Date | undefined,
  now: Date,
): Promise<PointSummary | undefined> {
  const before = time ? new Date(time.getTime() + 1) : undefined;
  if (source.mode === 'primary') {
    const point = await client.newestRecoveryPoint(source.instanceId, { ...(before ? { before } : {}), now });
    return point ? summary(point) : undefined;
  }
  return (await newestPoints(client, source, { ...(before ? { before } : {}), count: 1, now }))[0];
}

/** Is this point still there (retention may have removed it since the list was shown)? */
export async function pointStillExists(
  client: ConversationAzure,
  source: PointSource,
  point: PointSummary,
  now: Date,
): Promise<boolean> {
  if (source.mode === 'primary') {
    try {
      await client.getRecoveryPoint(source.instanceId, point.id);
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }
  const at = new Date(point.time);
  const found = await nearestPointAtOrBefore(client, source, at, now);
  return found?.id === point.id;
}

export function pointKey(point: PointSummary): string {
  return `p:${point.id}`.slice(0, 75);
}

/** Options as people read them: `2026-11-20 14:00 UTC (3 days ago)`, with local time when known. */
export function recoveryPointOptions(points: readonly PointSummary[], now: Date, timeZone?: string): ChoiceOption[] {
  return points.map((p) => ({
    value: pointKey(p),
    label: timeLabel(p.time, now, timeZone),
    ...(p.state && p.state.toLowerCase() !== 'completed' ? { description: `state: ${p.state}` } : {}),
  }));
}
