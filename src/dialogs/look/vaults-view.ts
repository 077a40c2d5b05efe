import type { BackupVaultResource } from '../../azure';
import { isBotError } from '../../errors';
import {
  callLimiter,
  enumIs,
  type InstancePosture,
  isSingleRegion,
  POSTURE_CONCURRENCY,
  possibleChanges,
  REPLICATION_WINDOW_HOURS,
  readPostureReport,
  supportsSecondaryRestore,
  type VaultPosture,
  type VaultPostureReport,
} from '../../restore';
import { findByName } from '../data/names';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import { policyPlace, type Who } from '../places';
import { askAction } from '../settings/actions';
import { listVaultResourcesInScope } from '../settings/vaults-in-scope';
import { timeLabel } from '../time-labels';
import type { Action, Fact, ListRow, View } from '../views';

type VaultsDeps = Pick<ConversationDeps, 'client' | 'policy' | 'now' | 'userGroups'>;

/**
 * `/restore vaults [name]`: each vault's posture (SPEC 2.4, journey 5): regions, redundancy, Cross Region
 * Restore, immutability, soft delete, its PostgreSQL servers and, where CRR is usable, each server's newest copy
 * in the secondary region judged against the primary; the warnings that apply, and a button for each setting
 * change that is possible (shown only to someone the policy lets ask for one here).
 */
export async function vaultsView(deps: VaultsDeps, name?: string, who?: Who): Promise<View> {
  let all: BackupVaultResource[];
  try {
    all = await listVaultResourcesInScope(deps.client, deps.policy);
  } catch (error) {
    if (!isBotError(error)) throw error;
    const message = say('AZURE_TROUBLE', { what: 'listing the vaults', message: error.message });
    return { kind: 'error', title: 'Backup vaults', error: { code: error.code, message } };
  }
  let vaults = all;
  if (name) {
    const { match, suggestion } = findByName(name, all, (v) => v.name);
    vaults = match ? [match] : all.filter((v) => v.name.toLowerCase().includes(name.toLowerCase()));
    if (vaults.length === 0) {
      return {
        kind: 'error',
        title: 'Backup vaults',
        error: { code: 'UNKNOWN_VAULT', message: say('UNKNOWN_VAULT', { name, suggestion }) },
      };
    }
  }
  const now = deps.now();
  // One limit for every vault's calls: a page of vaults reads its instances side by side, never a flood.
  const limit = callLimiter(POSTURE_CONCURRENCY);
  const reports = await Promise.all(vaults.map((vault) => readPostureReport(deps.client, vault, { now, limit })));
  const mayAsk = who
    ? (await deps.policy.mayRequest(who.actor, policyPlace(who.place), deps.userGroups)).allowed
    : false;
  return {
    kind: 'list',
    title: 'Backup vaults',
    subtitle: say('VAULTS_IN_SCOPE', { count: reports.length }),
    rows: reports.map((report) => postureRow(report, now, mayAsk)),
    footer: `Times are UTC. A secondary copy is up to date when it is at most ${REPLICATION_WINDOW_HOURS} h behind the newest primary point older than ${REPLICATION_WINDOW_HOURS} h (Azure's replication window).`,
  };
}

function postureRow(report: VaultPostureReport, now: Date, mayAsk: boolean): ListRow {
  const { posture } = report;
  const facts: Fact[] = [
    { label: 'Region', value: posture.location },
    { label: 'Secondary region', value: secondaryRegionText(posture) },
    { label: 'Storage redundancy', value: posture.storageRedundancy },
    { label: 'Cross Region Restore', value: crossRegionRestoreText(posture) },
    { label: 'Immutability', value: immutabilityText(posture.immutability) },
    { label: 'Soft delete', value: softDeleteText(posture) },
    { label: 'PostgreSQL servers', value: serversText(report) },
    ...(report.instances ?? []).flatMap((instance) => secondaryFact(instance, now)),
  ];
  const actions: Action[] = mayAsk ? possibleChanges(posture).map((spec) => askAction(posture.vaultId, spec)) : [];
  return {
    title: posture.name,
    facts,
    warnings: report.warnings.map((w) => w.message),
    ...(actions.length ? { actions } : {}),
  };
}

function secondaryRegionText(posture: VaultPosture): string {
  if (isSingleRegion(posture)) return `none (${posture.storageRedundancy} storage is not replicated)`;
  if (!posture.secondaryRegion) return 'unknown';
  return posture.secondaryRegionSource === 'pairedRegion'
    ? `${posture.secondaryRegion} (Azure paired region)`
    : posture.secondaryRegion;
}

function crossRegionRestoreText(posture: VaultPosture): string {
  if (isSingleRegion(posture)) return `${posture.crossRegionRestore} (impossible on ${posture.storageRedundancy})`;
  if (supportsSecondaryRestore(posture)) return 'Enabled (irreversible)';
  return posture.crossRegionRestore;
}

function immutabilityText(state: string): string {
  if (enumIs(state, 'Locked')) return 'Locked (irreversible)';
  if (enumIs(state, 'Unlocked')) return 'Unlocked (enabled, can be turned off)';
  return state;
}

function softDeleteText(posture: VaultPosture): string {
  const state = enumIs(posture.softDelete, 'AlwaysOn') ? 'AlwaysOn (permanent)' : posture.softDelete;
  if (enumIs(posture.softDelete, 'Off') || posture.softDeleteRetentionDays === undefined) return state;
  return `${state}, deleted backups kept ${posture.softDeleteRetentionDays} days`;
}

function serversText(report: VaultPostureReport): string {
  if (!report.instances) {
    const problem = report.instancesProblem;
    return `unknown: ${say('VAULT_UNREADABLE', { code: problem?.code ?? 'unknown', message: problem?.message ?? '' })}`;
  }
  const names = report.instances.map((i) => i.serverName);
  return `${names.length}${names.length ? ` (${names.join(', ')})` : ''}`;
}

/** One fact per server of a vault where CRR is usable: its newest copy there, and whether it can be restored. */
function secondaryFact(instance: InstancePosture, now: Date): Fact[] {
  const copies = instance.secondary;
  if (instance.problem)
    return [{ label: `${instance.serverName}`, value: `could not check (${instance.problem.code})` }];
  if (!copies) return [];
  const label = `${instance.serverName} in ${copies.region}`;
  if (!copies.newestTime)
    return [{ label, value: 'no copy there yet: cannot be restored in the secondary region now' }];
  const freshness = copies.stale
    ? `${copies.behindHours} h behind the primary point of ${timeLabel(copies.expectedTime!, now)}, beyond the ${REPLICATION_WINDOW_HOURS} h window`
    : `within the ${REPLICATION_WINDOW_HOURS} h replication window of the primary`;
  return [
    {
      label,
      value: `newest copy ${timeLabel(copies.newestTime, now)}; ${freshness}; can be restored there now`,
    },
  ];
}
