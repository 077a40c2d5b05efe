/**
 * Restore jobs: created when a restore is triggered, InProgress for the seed's jobDurationSeconds, then
 * Completed or Failed as the instance's restoreOutcome says. Same-region jobs are listed by the vault's
 * Jobs API; Cross Region Restore jobs live in the secondary region and are read with the fetch* calls.
 */
import { newGuid, stableUint32 } from './ids';
import type { RestoreRequest } from './restore-request';
import type { BackupInstance, Job, World } from './world';

export function createRestoreJob(
  world: World,
  instance: BackupInstance,
  request: RestoreRequest,
  pointIndex: number,
  crossRegion: boolean,
): Job {
  const id = newGuid();
  const vault = instance.vault;
  const job: Job = {
    id,
    armId: `${vault.id}/backupJobs/${id}`,
    vault,
    instance,
    crossRegion,
    startMs: world.nowMs(),
    durationMs: world.settings.jobDurationMs,
    outcome: instance.restoreOutcome,
    recoveryPointId: instance.points.idOf(pointIndex),
    recoveryPointTimeMs: instance.points.timeMs(pointIndex),
    targetUrl: request.targetUrl,
    filePrefix: request.filePrefix,
    activityId: newGuid(),
    // A plausible dump size (64 MiB to ~4 GiB) that stays the same for the same server.
    sizeBytes: 64 * 1024 * 1024 + (stableUint32(instance.serverId) % (4 * 1024 * 1024 * 1024)),
  };
  (crossRegion ? vault.crossRegionJobs : vault.jobs).push(job);
  return job;
}

/** A job id may be given as a GUID or as the full ARM id; either way compare the last segment. */
export function findJob(jobs: readonly Job[], jobId: string): Job | undefined {
  const id = (jobId.split('/').pop() ?? '').toLowerCase();
  return jobs.find((j) => j.id === id);
}

/** Jobs newest first (they are stored oldest first). */
export function newestFirst(jobs: readonly Job[]): Job[] {
  return [...jobs].reverse();
}
