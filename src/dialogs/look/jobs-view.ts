import type { AzureBackupJobResource } from '../../azure';
import { findByName } from '../data/names';
import { listVaultsInScope, type VaultSummary } from '../data/vaults';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import { timesFooter } from '../time-labels';
import type { Action, View } from '../views';
import { isPgFlexRestoreJob, jobRow, linkedRequestId, newestJobsFirst } from './job-rows';

export const JOBS_PER_PAGE = 10;
/** Recent means recent: the newest jobs Azure lists per vault, not the vault's whole history. */
const JOBS_READ_PER_VAULT = 200;
export const JOBS_PAGE_ACTION = 'jobs-page';

export interface JobsQuery {
  secondary: boolean;
  vault?: string;
  page?: number;
}

/**
 * `/restore jobs [--secondary] [vault]`: recent PG Flexible Server restore jobs, like the portal's Backup Jobs
 * view filtered by that workload and by instance region — the vaults' own regions, or with `--secondary` the
 * secondary regions where Cross Region Restores run. Each job names the request it was started for when the
 * store confirms the link. Long lists page through `Newer jobs` / `Older jobs`.
 */
export async function jobsView(
  deps: Pick<ConversationDeps, 'client' | 'policy' | 'now' | 'service'>,
  query: JobsQuery,
  timeZone?: string,
): Promise<View> {
  const title = query.secondary ? 'Restore jobs in secondary regions' : 'Restore jobs';
  const all = await listVaultsInScope(deps.client, deps.policy);
  let vaults: VaultSummary[] = all;
  if (query.vault) {
    const { match, suggestion } = findByName(query.vault, all, (v) => v.name);
    if (!match) {
      return {
        kind: 'error',
        title,
        error: { code: 'UNKNOWN_VAULT', message: say('UNKNOWN_VAULT', { name: query.vault, suggestion }) },
      };
    }
    vaults = [match];
  }
  const notes: string[] = [];
  const perVault = await Promise.all(
    vaults.map(async (vault): Promise<AzureBackupJobResource[]> => {
      if (!query.secondary) return deps.client.listJobs(vault.id).toArray(JOBS_READ_PER_VAULT);
      if (!vault.crossRegionRestoreAvailable || !vault.secondaryRegion) {
        notes.push(`${vault.name}: Cross Region Restore is not available, so it has no secondary-region jobs.`);
        return [];
      }
      return deps.client
        .fetchCrossRegionRestoreJobs(vault.secondaryRegion, {
          sourceRegion: vault.location,
          sourceBackupVaultId: vault.id,
        })
        .toArray(JOBS_READ_PER_VAULT);
    }),
  );
  const jobs = newestJobsFirst(perVault.flat().filter(isPgFlexRestoreJob));
  const page = Math.max(0, query.page ?? 0);
  const shown = jobs.slice(page * JOBS_PER_PAGE, (page + 1) * JOBS_PER_PAGE);
  const now = deps.now();
  const where = `${query.secondary ? 'in secondary regions ' : ''}${query.vault ? `for ${query.vault}` : 'in the vaults in scope'}`;
  const pageData = (index: number): Record<string, string> => ({
    page: String(index),
    secondary: query.secondary ? 'true' : 'false',
    ...(query.vault ? { vault: query.vault } : {}),
  });
  const actions: Action[] = [];
  if (page > 0) actions.push({ id: JOBS_PAGE_ACTION, label: 'Newer jobs', mode: 'submit', data: pageData(page - 1) });
  if ((page + 1) * JOBS_PER_PAGE < jobs.length) {
    actions.push({ id: JOBS_PAGE_ACTION, label: 'Older jobs', mode: 'submit', data: pageData(page + 1) });
  }
  return {
    kind: 'list',
    title,
    subtitle: jobs.length
      ? `${page * JOBS_PER_PAGE + 1}–${page * JOBS_PER_PAGE + shown.length} of ${jobs.length}, newest first`
      : say('NO_JOBS', { where }),
    ...(notes.length ? { text: notes } : {}),
    rows: await Promise.all(
      shown.map(async (job) => jobRow(job, now, timeZone, await linkedRequestId(job, (id) => deps.service.get(id)))),
    ),
    ...(actions.length ? { actions } : {}),
    footer: timesFooter(timeZone),
  };
}
