import { formatUtc } from '../format';

/** `3 days ago`, `12 minutes ago`, `just now`: how old what the bot knows is, rounded down as people read it. */
export function ageWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'just now';
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

/** `2026-11-24 11:50 UTC (12 minutes ago)`. */
export function asOf(time: Date, now: Date): string {
  return `${formatUtc(time)} (${ageWords((now.getTime() - time.getTime()) / 1000)})`;
}
