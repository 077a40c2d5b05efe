import type { AzureBackupRecoveryPointResource, BackupInstanceResource, DataProtectionClient } from '../azure';
import { isAzureError } from '../azure/errors';
import {
  vaultPosture as readVaultPosture,
  type SecondaryRegionSource,
  type VaultPostureSource,
} from '../azure/vault-posture';
import { asBotError, type BotError } from '../errors';
import { botError } from './messages';
import type { IssueRecord } from './request';

/**
 * A vault's protection settings as the restore domain reasons about them (prechecks, the `/restore vaults`
 * posture, vault-setting requests). Read by the one posture reader in src/azure; here a setting Azure leaves
 * out takes the value Azure means by its absence (CRR and immutability Disabled), so rules compare strings.
 */
export interface VaultPosture {
  vaultId: string;
  name: string;
  location: string;
  /** `GeoRedundant`, `LocallyRedundant`, `ZoneRedundant` (or whatever new value Azure sends), `Unknown`. */
  storageRedundancy: string;
  crossRegionRestore: string;
  immutability: string;
  softDelete: string;
  softDeleteRetentionDays: number | undefined;
  /** Where Cross Region Restore restores to: Azure's `replicatedRegions[0]`, else the paired region. */
  secondaryRegion: string | undefined;
  secondaryRegionSource: SecondaryRegionSource | undefined;
}

export function vaultPosture(vault: VaultPostureSource): VaultPosture {
  const read = readVaultPosture(vault);
  return {
    vaultId: read.vaultId,
    name: read.name,
    location: read.location,
    storageRedundancy: read.storageRedundancy ?? 'Unknown',
    crossRegionRestore: read.crossRegionRestore ?? 'Disabled',
    immutability: read.immutability ?? 'Disabled',
    softDelete: read.softDelete ?? 'Unknown',
    softDeleteRetentionDays: read.softDeleteRetentionDays,
    secondaryRegion: read.secondaryRegion,
    secondaryRegionSource: read.secondaryRegionSource,
  };
}

/** Azure enums are open strings in any case; compare them case-insensitively. */
export function enumIs(value: string | undefined, expected: string): boolean {
  return value !== undefined && value.toLowerCase() === expected.toLowerCase();
}

/** Cross Region Restore is usable only on a GeoRedundant vault with CRR Enabled. */
export function supportsSecondaryRestore(posture: VaultPosture): boolean {
  return enumIs(posture.storageRedundancy, 'GeoRedundant') && enumIs(posture.crossRegionRestore, 'Enabled');
}

/** Locally and zone redundant vaults keep their backups in one region: CRR can never work there. */
export function isSingleRegion(posture: VaultPosture): boolean {
  return enumIs(posture.storageRedundancy, 'LocallyRedundant') || enumIs(posture.storageRedundancy, 'ZoneRedundant');
}

// ---- The posture report: the vault plus its instances and their secondary copies ---------------------------

/** Azure documents up to 12 h for a recovery point to be copied to the secondary region. */
export const REPLICATION_WINDOW_HOURS = 12;
const HOUR_MS = 3_600_000;
const REPLICATION_WINDOW_MS = REPLICATION_WINDOW_HOURS * HOUR_MS;
/** Azure calls in flight at once for one posture report (all vaults together). */
export const POSTURE_CONCURRENCY = 8;
const PG_FLEX_DATASOURCE = 'microsoft.dbforpostgresql/flexibleservers';

/** The client reads a posture report makes. */
export type PostureAzure = Pick<
  DataProtectionClient,
  'listBackupInstances' | 'newestRecoveryPoint' | 'newestSecondaryRecoveryPoint'
>;

/** An instance's copies in the secondary region (only for vaults where Cross Region Restore is usable). */
export interface SecondaryCopies {
  region: string;
  /** Newest point already in the secondary region. */
  newestTime: string | undefined;
  /**
   * The newest primary point that is older than the replication window, so should be in the secondary region
   * by now. Weekly backups make a fixed age meaningless: staleness is judged against this point.
   */
  expectedTime: string | undefined;
  /** How far the secondary's newest point is behind `expectedTime` (0 when it has it). */
  behindHours: number | undefined;
  /** The secondary region misses a point it should have had by now, by more than the replication window. */
  stale: boolean;
  /** A restore in the secondary region could be asked for now: CRR usable and at least one point there. */
  restorable: boolean;
}

export interface InstancePosture {
  id: string;
  name: string;
  serverName: string;
  newestPrimaryTime: string | undefined;
  secondary?: SecondaryCopies;
  /** Azure could not answer about this instance's points. */
  problem?: IssueRecord;
}

export interface VaultPostureReport {
  posture: VaultPosture;
  /** PG Flexible Server instances; undefined when Azure could not list them (see `instancesProblem`). */
  instances: InstancePosture[] | undefined;
  instancesProblem?: IssueRecord;
  /** What an operator can act on, each exactly when it applies. */
  warnings: BotError[];
}

/** Runs at most `limit` of the given calls at a time, in the order they were asked for. */
export function callLimiter(limit: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await call();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * The posture of one vault with its PG Flexible Server instances and, where Cross Region Restore is usable,
 * each instance's newest point in the secondary region judged against the primary. Every Azure call goes
 * through `limit`, so the instances of many vaults are read concurrently without flooding ARM.
 */
export async function readPostureReport(
  azure: PostureAzure,
  vault: VaultPostureSource,
  options: { now: Date; limit?: <T>(call: () => Promise<T>) => Promise<T> },
): Promise<VaultPostureReport> {
  const limit = options.limit ?? callLimiter(POSTURE_CONCURRENCY);
  const posture = vaultPosture(vault);
  let listed: BackupInstanceResource[];
  try {
    listed = await limit(() => azure.listBackupInstances(posture.vaultId).toArray());
  } catch (error) {
    return { posture, instances: undefined, instancesProblem: issueOf(error), warnings: postureWarnings(posture, []) };
  }
  const instances = await Promise.all(
    listed.filter(isPgFlexInstance).map((instance) => readInstance(azure, posture, instance, options.now, limit)),
  );
  return { posture, instances, warnings: postureWarnings(posture, instances) };
}

/** The warnings of SPEC 2.4 / issue 7, in the order an operator should read them. */
export function postureWarnings(posture: VaultPosture, instances: readonly InstancePosture[]): BotError[] {
  const warnings: BotError[] = [];
  if (isSingleRegion(posture)) {
    warnings.push(
      botError('POSTURE_CRR_IMPOSSIBLE', {
        vaultName: posture.name,
        redundancy: posture.storageRedundancy,
        location: posture.location,
        itemsProtected: instances.length > 0,
      }),
    );
  }
  if (enumIs(posture.immutability, 'Disabled')) {
    warnings.push(botError('PRECHECK_IMMUTABILITY_DISABLED', { vaultName: posture.name }));
  }
  if (enumIs(posture.softDelete, 'Off'))
    warnings.push(botError('PRECHECK_SOFT_DELETE_OFF', { vaultName: posture.name }));
  for (const instance of instances) {
    const copies = instance.secondary;
    if (!copies?.stale || !copies.expectedTime) continue;
    warnings.push(
      copies.newestTime
        ? botError('POSTURE_SECONDARY_STALE', {
            serverName: instance.serverName,
            secondaryRegion: copies.region,
            behindHours: copies.behindHours ?? 0,
            expectedTime: copies.expectedTime,
          })
        : botError('POSTURE_SECONDARY_EMPTY', {
            serverName: instance.serverName,
            secondaryRegion: copies.region,
            expectedTime: copies.expectedTime,
          }),
    );
  }
  return warnings;
}

export function isPgFlexInstance(instance: BackupInstanceResource): boolean {
  const source = instance.properties.dataSourceInfo;
  return [source?.datasourceType, source?.resourceType].some((t) => t?.toLowerCase() === PG_FLEX_DATASOURCE);
}

async function readInstance(
  azure: PostureAzure,
  posture: VaultPosture,
  instance: BackupInstanceResource,
  now: Date,
  limit: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<InstancePosture> {
  const props = instance.properties;
  const base = {
    id: instance.id,
    name: instance.name,
    serverName: props.dataSourceInfo?.resourceName || props.friendlyName || instance.name,
  };
  const secondaryRegion = supportsSecondaryRestore(posture) ? posture.secondaryRegion : undefined;
  try {
    const source = { sourceRegion: posture.location, sourceBackupInstanceId: instance.id };
    const [newest, newestInSecondary] = await Promise.all([
      limit(() => azure.newestRecoveryPoint(instance.id, { now })),
      secondaryRegion
        ? limit(() => azure.newestSecondaryRecoveryPoint(secondaryRegion, source, { now }))
        : Promise.resolve(undefined),
    ]);
    const newestPrimaryTime = pointTime(newest);
    if (!secondaryRegion) return { ...base, newestPrimaryTime };
    const expected = await expectedInSecondary(azure, instance.id, newest, now, limit);
    return {
      ...base,
      newestPrimaryTime,
      secondary: secondaryCopies(secondaryRegion, pointTime(newestInSecondary), expected),
    };
  } catch (error) {
    return { ...base, newestPrimaryTime: undefined, problem: issueOf(error) };
  }
}

/** The newest primary point past the replication window: the newest itself, or one search further back. */
async function expectedInSecondary(
  azure: PostureAzure,
  instanceId: string,
  newest: AzureBackupRecoveryPointResource | undefined,
  now: Date,
  limit: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<string | undefined> {
  const newestTime = pointTime(newest);
  if (!newestTime) return undefined;
  const cutoff = now.getTime() - REPLICATION_WINDOW_MS;
  if (Date.parse(newestTime) <= cutoff) return newestTime;
  // `before` is exclusive: one millisecond past the cutoff keeps a point taken exactly 12 h ago.
  return pointTime(await limit(() => azure.newestRecoveryPoint(instanceId, { before: new Date(cutoff + 1), now })));
}

function secondaryCopies(
  region: string,
  newestTime: string | undefined,
  expectedTime: string | undefined,
): SecondaryCopies {
  let behindHours: number | undefined;
  let stale = false;
  if (expectedTime) {
    const behindMs = newestTime ? Math.max(0, Date.parse(expectedTime) - Date.parse(newestTime)) : undefined;
    behindHours = behindMs === undefined ? undefined : Math.floor(behindMs / HOUR_MS);
    stale = behindMs === undefined || behindMs > REPLICATION_WINDOW_MS;
  }
  return { region, newestTime, expectedTime, behindHours, stale, restorable: newestTime !== undefined };
}

function pointTime(point: AzureBackupRecoveryPointResource | undefined): string | undefined {
  const time = Date.parse(point?.properties.recoveryPointTime ?? '');
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function issueOf(error: unknown): IssueRecord {
  if (isAzureError(error)) return { code: error.armCode ?? error.code, message: error.message };
  const bot = asBotError(error);
  return { code: bot.code, message: bot.message };
}
