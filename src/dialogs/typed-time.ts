import * as chrono from 'chrono-node';
import { zoneOffsetMinutes } from './time-labels';

/**
 * A point in time as a person types it in the recovery point step: `latest`, `2026-11-20 14:00`,
 * `yesterday 18:00`, `before 3h ago`. Read in their time zone when known, else UTC.
 * `latest` means "the newest point"; any time means "the nearest point at or before it".
 */
export type TypedTime = { kind: 'latest' } | { kind: 'at'; time: Date };

const LATEST_WORDS = new Set(['latest', 'newest', 'last', 'now', 'most recent']);
/** Leading words that do not change the meaning: every time means "at or before". */
const LEADING_WORDS = /^(?:(?:at\s+or\s+)?before|at|on|from|around)\s+/i;

export function parseTypedTime(typed: string, now: Date, timeZone?: string): TypedTime | undefined {
  const text = typed.trim().replace(/\s+/g, ' ').replace(LEADING_WORDS, '');
  if (!text) return undefined;
  if (LATEST_WORDS.has(text.toLowerCase())) return { kind: 'latest' };
  const offset = timeZone ? zoneOffsetMinutes(timeZone, now) : 0;
  const results = chrono.parse(text, { instant: now, timezone: offset ?? 0 }, { forwardDate: false });
  const first = results[0];
  // The whole input must be a time: "pg-orders 14:00" is a typo, not a time with noise around it.
  if (!first || results.length !== 1 || first.index !== 0 || first.text.length !== text.length) return undefined;
  const time = first.start.date();
  return Number.isNaN(time.getTime()) ? undefined : { kind: 'at', time };
}
