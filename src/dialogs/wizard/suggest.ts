import { recoveryPointsForQuery } from '../data/point-query';
import { pointKey, recoveryPointOptions } from '../data/recovery-points';
import type { ConversationDeps } from '../deps';
import type { SuggestRequest } from '../ports';
import type { ChoiceOption } from '../views';
import { pointSourceOf } from './show-step';
import type { WizardState } from './state';

/** Keys kept from lists loaded as the person typed: the last few answers' worth, so the state stays small. */
const SUGGESTED_KEYS_MAX = 150;

/**
 * Options for the searchable pick list of the step on screen (Slack's external_select asks as the person
 * types). Only the recovery point step has one: newest first from the page on screen, or at/before a typed
 * time through the API's `$filter`. The keys offered are remembered in the state (`suggested`), so the pick
 * that follows is checked like any other. Nothing for a list that is no longer on screen.
 */
export async function suggestChoices(
  deps: Pick<ConversationDeps, 'client' | 'now'>,
  state: WizardState,
  request: SuggestRequest,
  timeZone?: string,
): Promise<ChoiceOption[]> {
  if (state.step !== 'point' || request.input !== 'point' || !state.vault || !state.instance) return [];
  const now = deps.now();
  const cursor = state.pointCursors[state.pointCursors.length - 1] || undefined;
  const points = await recoveryPointsForQuery(deps.client, pointSourceOf(state), request.query, {
    now,
    limit: Math.max(1, request.limit),
    ...(timeZone ? { timeZone } : {}),
    ...(cursor ? { before: new Date(cursor) } : {}),
  });
  const kept = Object.entries(state.suggested ?? {}).filter(([key]) => !points.some((p) => pointKey(p) === key));
  const fresh = points.map((p): [string, string] => [pointKey(p), `${p.id}|${p.time}`]);
  state.suggested = Object.fromEntries([...kept, ...fresh].slice(-SUGGESTED_KEYS_MAX));
  return recoveryPointOptions(points, now, timeZone);
}
