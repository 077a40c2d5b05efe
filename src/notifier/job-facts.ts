import type { AzureBackupJobResource } from '../azure';

/**
 * Reading a job the way a person wants it told: how long it ran, how much it moved, how far it is. Azure's
 * fields are loosely specified (duration is a TimeSpan `hh:mm:ss` in practice, an ISO 8601 period in some
 * payloads), so each reader accepts what is sent and says nothing rather than something wrong.
 */

/** Run time: end minus start when both are there (most reliable), else the `duration` field. */
export function jobDurationMs(job: AzureBackupJobResource): number | undefined {
  const p = job.properties;
  const start = Date.parse(p.startTime);
  const end = p.endTime ? Date.parse(p.endTime) : Number.NaN;
  if (Number.isFinite(start) && Number.isFinite(end) && end >= start) return end - start;
  return p.duration ? parseDuration(p.duration) : undefined;
}

/** `hh:mm:ss[.fff]`, `d.hh:mm:ss` or ISO 8601 `PT1H2M3S`; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (span) {
    const [, days, h, m, s] = span;
    return ((Number(days ?? 0) * 24 + Number(h)) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  }
  const iso = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (iso && text.trim() !== 'P' && text.trim() !== 'PT') {
    const [, d, h, m, s] = iso;
    return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000;
  }
  return undefined;
}

/** `1 h 02 min`, `2 min 05 s`, `40 s`. */
export function durationText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(s)} s`;
  return `${s} s`;
}

/** `1.4 GiB`, `512 MiB`, `900 KiB`, `12 bytes`. */
export function bytesText(bytes: number): string {
  const units = ['GiB', 'MiB', 'KiB'] as const;
  for (const [i, unit] of units.entries()) {
    const size = 1024 ** (units.length - i);
    if (bytes >= size) return `${(bytes / size).toFixed(bytes / size >= 100 ? 0 : 1)} ${unit}`;
  }
  return `${bytes} bytes`;
}

export function dataTransferredBytes(job: AzureBackupJobResource): number | undefined {
  const bytes = job.properties.extendedInfo?.dataTransferredInBytes;
  return typeof bytes === 'number' && bytes > 0 ? bytes : undefined;
}

/** A sub-task as the job reports it, with its progress as a number when it gives one (`"42%"`). */
export interface SubTaskProgress {
  id: number;
  name: string;
  status: string;
  percent?: number;
}

export function subTasks(job: AzureBackupJobResource): SubTaskProgress[] {
  return (job.properties.extendedInfo?.subTasks ?? []).map((t) => {
    const percent = t.taskProgress !== undefined ? Number.parseFloat(t.taskProgress) : Number.NaN;
    return {
      id: t.taskId,
      name: t.taskName,
      status: t.taskStatus,
      ...(Number.isFinite(percent) ? { percent } : {}),
    };
  });
}

export function isCompletedStatus(status: string): boolean {
  return /^(completed|succeeded)$/i.test(status.replace(/\s/g, ''));
}
