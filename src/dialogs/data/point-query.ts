import type { ConversationAzure } from '../deps';
import { parseTypedTime } from '../typed-time';
import type { ChoiceOption } from '../views';
import {
  newestPoints,
  POINTS_PER_PAGE,
  type PointSource,
  type PointSummary,
  recoveryPointOptions,
} from './recovery-points';

/**
 * Recovery points for what the person typed into a searchable pick list (Slack's options load): a time gives
 * the newest points at or before it, anything else (or nothing) the newest points before `before` (the page
 * on screen; the very newest when absent). Newest first, at most `limit`, through the API's `$filter` windows,
 * never a full listing.
 */
export async function recoveryPointsForQuery(
  client: ConversationAzure,
  source: PointSource,
  query: string,
  context: { now: Date; timeZone?: string; limit?: number; before?: Date },
): Promise<PointSummary[]> {
  const typed = query.trim() ? parseTypedTime(query, context.now, context.timeZone) : undefined;
  const before = typed?.kind === 'at' ? new Date(typed.time.getTime() + 1) : typed ? undefined : context.before;
  return newestPoints(client, source, {
    ...(before ? { before } : {}),
    count: context.limit ?? POINTS_PER_PAGE,
    now: context.now,
  });
}

/** The same, as pick list options (`2026-11-20 14:00 UTC (3 days ago)`). */
export async function recoveryPointOptionsForQuery(
  client: ConversationAzure,
  source: PointSource,
  query: string,
  context: { now: Date; timeZone?: string; limit?: number },
): Promise<ChoiceOption[]> {
  const points = await recoveryPointsForQuery(client, source, query, context);
  return recoveryPointOptions(points, context.now, context.timeZone);
}
