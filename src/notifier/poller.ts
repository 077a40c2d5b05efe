import type { AzureBackupJobResource, DataProtectionClient } from '../azure';
import { isAzureError } from '../azure';
import { asBotError, type BotError } from '../errors';
import { mapLimit } from './concurrency';
import { type JobSource, jobKey } from './watch-data';

/** The Data Protection calls the notifier makes: job lists and single jobs, nothing that changes anything. */
export type NotifierAzure = Pick<
  DataProtectionClient,
  'listJobs' | 'getJob' | 'fetchCrossRegionRestoreJobs' | 'fetchCrossRegionRestoreJob'
>;

export type Observation =
  | { kind: 'seen'; job: AzureBackupJobResource; via: 'list' | 'get' }
  /** Azure answered that the job does not exist. */
  | { kind: 'not-found' }
  /** Azure could not be read (throttled, unavailable, forbidden, …): nothing is known about the job. */
  | { kind: 'unreadable'; error: BotError };

export interface SourceRead {
  source: JobSource;
  /** By job GUID (lower case), for the jobs asked about that Azure showed, denied or could not answer for. */
  observations: Map<string, Observation>;
  calls: { list: number; get: number };
  /** Azure asked us to wait this long before calling again (429/503 Retry-After). */
  retryAfterMs?: number;
  /** Why the listing failed, when it did. */
  listError?: BotError;
}

/** Gets for jobs missing from a listing run a few at a time per source, not all at once. */
const GETS_IN_PARALLEL = 4;

/**
 * One poll of one source: ONE listing (the first page: Azure lists recent jobs first in practice, and a
 * watched job that is not on it is read with a get, so nothing depends on the order), then a get for each
 * `due` job the listing did not show. Jobs of the source that are watched but not due come along for free
 * when the listing shows them. A throttled or unavailable listing is not followed by gets: Azure asked for
 * a pause, and the gets would only add to the load.
 */
export async function readSource(
  azure: NotifierAzure,
  source: JobSource,
  watched: ReadonlyMap<string, string>,
  due: ReadonlySet<string>,
): Promise<SourceRead> {
  const read: SourceRead = { source, observations: new Map(), calls: { list: 0, get: 0 } };
  try {
    read.calls.list++;
    const page = await listFirstPage(azure, source);
    for (const job of page) {
      const key = jobKey(job.id ?? job.name ?? '');
      if (watched.has(key)) read.observations.set(key, { kind: 'seen', job, via: 'list' });
    }
  } catch (error) {
    const bot = asBotError(error);
    read.listError = bot;
    noteRetryAfter(read, error);
    if (isRetryable(error)) {
      for (const key of due) read.observations.set(key, { kind: 'unreadable', error: bot });
      return read;
    }
  }
  const missing = [...due].filter((key) => !read.observations.has(key));
  await mapLimit(missing, GETS_IN_PARALLEL, async (key) => {
    read.calls.get++;
    try {
      const job = await getOne(azure, source, watched.get(key)!);
      read.observations.set(key, { kind: 'seen', job, via: 'get' });
    } catch (error) {
      noteRetryAfter(read, error);
      read.observations.set(
        key,
        isAzureError(error, 'AZURE_NOT_FOUND')
          ? { kind: 'not-found' }
          : { kind: 'unreadable', error: asBotError(error) },
      );
    }
  });
  return read;
}

async function listFirstPage(azure: NotifierAzure, source: JobSource): Promise<AzureBackupJobResource[]> {
  const pager =
    source.kind === 'primary'
      ? azure.listJobs(source.vaultId)
      : azure.fetchCrossRegionRestoreJobs(source.restoreRegion, {
          sourceRegion: source.sourceRegion,
          sourceBackupVaultId: source.vaultId,
        });
  return (await pager.firstPage()).items;
}

function getOne(azure: NotifierAzure, source: JobSource, jobId: string): Promise<AzureBackupJobResource> {
  if (source.kind === 'primary') return azure.getJob(jobId);
  return azure.fetchCrossRegionRestoreJob(source.restoreRegion, {
    sourceRegion: source.sourceRegion,
    sourceBackupVaultId: source.vaultId,
    jobId,
  });
}

function isRetryable(error: unknown): boolean {
  return isAzureError(error) && error.retryable;
}

function noteRetryAfter(read: SourceRead, error: unknown): void {
  if (!isAzureError(error) || error.retryAfterMs === undefined) return;
  read.retryAfterMs = Math.max(read.retryAfterMs ?? 0, error.retryAfterMs);
}
