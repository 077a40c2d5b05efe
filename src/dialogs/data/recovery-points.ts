import {
  type AzureBackupRecoveryPointResource,
  type ListPointsInWindow,
  newestInTimeWindows,
  recoveryPointName,
  windowAroundPointTime,
} from '../../azure';
import type { ConversationAzure } from '../deps';
import { timeLabel } from '../time-labels';
import type { ChoiceOption } from '../views';

/** SPEC 2.1 / issue 4: newest first, 10 per page. */
export const POINTS_PER_PAGE = 10;

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

/**
 * Up to `count` newest points strictly before `before` (all points when absent), newest first, in either
 * region: `$filter` windows that grow backwards in time until enough are found, never the whole list.
 */
export async function newestPoints(
  client: ConversationAzure,
  source: PointSource,
  options: { before?: Date; count: number; now: Date },
): Promise<PointSummary[]> {
  const points = await newestInTimeWindows(listWindowOf(client, source), options.count, {
    ...(options.before ? { before: options.before } : {}),
    now: options.now,
  });
  return points.map(summary).filter((p) => p !== undefined);
}

function listWindowOf(client: ConversationAzure, source: PointSource): ListPointsInWindow {
  if (source.mode === 'primary') return (window) => client.listRecoveryPoints(source.instanceId, window);
  const replicatedFrom = { sourceRegion: source.sourceRegion, sourceBackupInstanceId: source.instanceId };
  return (window) => client.fetchSecondaryRecoveryPoints(source.secondaryRegion, replicatedFrom, window);
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

/** The nearest point at or before `time` (the newest point when `time` is absent), in either region. */
export async function nearestPointAtOrBefore(
  client: ConversationAzure,
  source: PointSource,
  time: Date | undefined,
  now: Date,
): Promise<PointSummary | undefined> {
  const before = time ? new Date(time.getTime() + 1) : undefined;
  return (await newestPoints(client, source, { ...(before ? { before } : {}), count: 1, now }))[0];
}

/** Is this point still there (retention may have removed it since the list was shown)? */
export async function pointStillExists(
  client: ConversationAzure,
  source: PointSource,
  point: PointSummary,
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
  // One call: the window around the point's own time, matched by id.
  const around = windowAroundPointTime(new Date(point.time));
  for await (const there of listWindowOf(client, source)(around)) {
    if (recoveryPointName(there) === point.id) return true;
  }
  return false;
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
