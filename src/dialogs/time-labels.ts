import { formatUtc } from '../restore';

/**
 * How times appear in the conversation: `2026-11-20 14:00 UTC (3 days ago)`, plus the local time when the
 * channel told us the person's time zone.
 */
export function timeLabel(time: string | Date, now: Date, timeZone?: string): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  const local = timeZone ? localTime(date, timeZone) : undefined;
  return `${formatUtc(date)} (${ageText(date, now)})${local ? ` · ${local}` : ''}`;
}

/** `3 days ago`, `6 hours ago`, `just now`; rounded down, as people read ages. */
export function ageText(date: Date, now: Date): string {
  const seconds = Math.floor((now.getTime() - date.getTime()) / 1000);
  if (seconds < 0) return 'in the future';
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${name}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** `2026-11-20 15:00 Europe/Berlin`; undefined for a zone Node does not know. */
export function localTime(date: Date, timeZone: string): string | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${timeZone}`;
  } catch {
    return undefined;
  }
}

/** Minutes east of UTC of `timeZone` at `at` (what chrono-node wants as a reference time zone). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number | undefined {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (!name || name === 'GMT') return 0;
    const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
    if (!match) return undefined;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === '-' ? -minutes : minutes;
  } catch {
    return undefined;
  }
}

/** "Times are UTC (your time zone: Europe/Berlin)". */
export function timesFooter(timeZone?: string): string {
  return timeZone ? `Times are UTC, with your local time (${timeZone}).` : 'Times are UTC.';
}
