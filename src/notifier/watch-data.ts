import { lastSegment } from '../azure';

/**
 * What a job watch carries in the store. The trigger writes the first six fields (see
 * src/restore/service/trigger.ts, `recordJob`); the notifier adds `follow` as it goes, so a replica that
 * takes the watch over knows what was already said without asking again.
 */
export interface WatchedJob {
  /** The job's full ARM id. */
  jobId: string;
  requestId: string;
  vaultId: string;
  /** `restore`: the vault's own jobs list; `crossRegionRestore`: the secondary region's. */
  operation: 'restore' | 'crossRegionRestore';
  sourceRegion: string;
  restoreRegion: string;
  follow?: FollowState;
}

export interface FollowState {
  /** Milestones already posted or settled (their idempotency keys are done): skipped without a lookup. */
  settled: string[];
  /** Azure's status word when last seen. */
  lastStatus?: string;
  /** When Azure last showed the job (our clock, ISO). */
  lastSeenAt?: string;
  /** Since when reads have failed or Azure has not shown the job (our clock, ISO); cleared when seen. */
  unseenSince?: string;
  /** Why the job is not seen: Azure says it does not exist, or Azure could not be read. */
  unseenReason?: 'not-found' | 'unreadable';
  /** How many progress milestones were posted (they are capped per job). */
  progressPosts?: number;
  /** Since when posts to the thread have failed (our clock, ISO); cleared by a post that goes through. */
  postFailingSince?: string;
  /** The channel refused the thread for good: the job is followed to its end without posts. */
  silent?: { code: string; at: string };
}

export function followOf(data: WatchedJob): FollowState {
  return data.follow ?? { settled: [] };
}

/** Where Azure lists the job: the vault's backupJobs, or the secondary region's Cross Region Restore jobs. */
export interface JobSource {
  key: string;
  kind: 'primary' | 'secondary';
  vaultId: string;
  sourceRegion: string;
  /** The secondary region (for `secondary`), where fetchCrossRegionRestoreJob(s) are asked. */
  restoreRegion: string;
}

export function sourceOf(data: WatchedJob): JobSource {
  const vault = data.vaultId.toLowerCase();
  return data.operation === 'crossRegionRestore'
    ? {
        key: `secondary|${data.restoreRegion.toLowerCase()}|${vault}`,
        kind: 'secondary',
        vaultId: data.vaultId,
        sourceRegion: data.sourceRegion,
        restoreRegion: data.restoreRegion,
      }
    : {
        key: `primary|${vault}`,
        kind: 'primary',
        vaultId: data.vaultId,
        sourceRegion: data.sourceRegion,
        restoreRegion: data.restoreRegion,
      };
}

/** Jobs are matched on their GUID, whatever form (full ARM id or GUID) a list or a trigger gave. */
export function jobKey(jobId: string): string {
  return lastSegment(jobId).toLowerCase();
}

/** A watch's data is JSON from the store: checks it has what following needs before trusting it. */
export function isWatchedJob(value: unknown): value is WatchedJob {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.jobId === 'string' &&
    typeof v.requestId === 'string' &&
    typeof v.vaultId === 'string' &&
    (v.operation === 'restore' || v.operation === 'crossRegionRestore') &&
    typeof v.sourceRegion === 'string' &&
    typeof v.restoreRegion === 'string'
  );
}
