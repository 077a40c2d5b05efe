import type { ConversationAzure } from '../deps';
import { parseTypedTime } from '../typed-time';
import type { ChoiceOption } from '../views';
import { POINTS_PER_PAGE, type PointSource, recoveryPointOptions, recoveryPointPage } from './recovery-points';

/**
 * Options for a recovery point pick list filtered by what the person typed (Slack's options load): a time
 * gives the page of points at or before it, anything else (or nothing) the newest page.
 */
export async function recoveryPointOptionsForQuery(
  client: ConversationAzure,
  source: PointSource,
  query: string,
  context: { now: Date; timeZone?: string },
): Promise<ChoiceOption[]> {
  const typed = query.trim() ? parseTypedTime(query, context.now, context.timeZone) : undefined;
  const before = typed?.kind === 'at' ? new Date(typed.time.getTime() + 1) : undefined;
  const page = await recoveryPointPage(client, source, { ...(before ? { before } : {}), now: context.now });
  return recoveryPointOptions(page.points.slice(0, POINTS_PER_PAGE), context.now, context.timeZone);
}
