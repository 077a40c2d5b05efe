import type { AzureBackupRecoveryPointResource } from './models';

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
