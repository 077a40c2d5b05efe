import { type AzureBackupRecoveryPointResource, recoveryPointTime } from '../../azure';
import { forEachLimited, outageCodeOf } from '../../restore/inventory';
import type { ConversationAzure } from '../deps';
import { say } from '../messages';
import { ageText, timeLabel } from '../time-labels';
import { secondaryUnavailableReason } from './region-modes';
import type { VaultSummary } from './vaults';

/**
 * Which servers of a vault can be restored in its secondary region right now: the vault's Cross Region Restore
 * is usable and at least one recovery point has been replicated there. This is what the portal shows with the
 * filter "Instance Region == Secondary Region". The secondary region is the vault's `replicatedRegions[0]`,
 * else its paired region (VaultSummary.secondaryRegion), and the newest point there comes from
 * FetchSecondaryRecoveryPoints, which the secondary region answers even while the vault's own region is down.
 */
export interface SecondaryAvailability {
  instanceId: string;
  /** The secondary region, when the vault has one. */
  region?: string;
  /** Restorable there now: at least one point has been replicated there. */
  available: boolean;
  /** ISO time of the newest point there. */
  newestThere?: string;
  /** ISO time of the newest point in the vault's own region, when it was asked for and could be read. */
  newestInVault?: string;
  /** Why not, when the vault cannot restore in its secondary region at all. */
  reason?: string;
  /** The secondary region could not be asked: availability unknown. */
  unknown?: { code: string };
}

export interface SecondaryAvailabilityOptions {
  /**
   * Also read each server's newest point in the vault's own region, to say when the newest backup has not
   * reached the secondary region yet. Leave it off while that region is down.
   */
  compareWithVault?: boolean;
  now?: Date;
  /** Servers checked at once (each check is a few ARM reads over time windows, never the whole list). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 6;

type SecondaryAvailabilityAzure = Pick<ConversationAzure, 'newestSecondaryRecoveryPoint' | 'newestRecoveryPoint'>;

export async function secondaryAvailability(
  client: SecondaryAvailabilityAzure,
  vault: VaultSummary,
  instances: readonly { id: string }[],
  options: SecondaryAvailabilityOptions = {},
): Promise<SecondaryAvailability[]> {
  const region = vault.secondaryRegion;
  const reason = secondaryUnavailableReason(vault);
  if (reason || !region) {
    return instances.map((i) => ({
      instanceId: i.id,
      ...(region && { region }),
      available: false,
      reason: reason ?? 'the secondary region of this vault is unknown',
    }));
  }
  const results = new Map<string, SecondaryAvailability>();
  await forEachLimited(instances, options.concurrency ?? DEFAULT_CONCURRENCY, async (instance) => {
    results.set(instance.id, await checkOne(client, vault, region, instance.id, options));
  });
  return instances.map((i) => results.get(i.id)!);
}

async function checkOne(
  client: SecondaryAvailabilityAzure,
  vault: VaultSummary,
  region: string,
  instanceId: string,
  options: SecondaryAvailabilityOptions,
): Promise<SecondaryAvailability> {
  const base = { instanceId, region };
  const source = { sourceRegion: vault.location, sourceBackupInstanceId: instanceId };
  // The vault's own region is read meanwhile: it does not depend on the answer from the secondary region.
  const inVault = options.compareWithVault ? newestInVault(client, instanceId, options.now) : undefined;
  let newest: AzureBackupRecoveryPointResource | undefined;
  try {
    // Time windows, not the whole list (Azure documents no order); when the recent ones are empty, one
    // unfiltered page tells whether anything is there at all.
    newest = await client.newestSecondaryRecoveryPoint(region, source, options.now ? { now: options.now } : {});
  } catch (error) {
    await inVault;
    const { code } = outageCodeOf(error);
    if (code === 'CrossRegionRestoreNotEnabled') {
      return { ...base, available: false, reason: `Cross Region Restore is not enabled on ${vault.name}` };
    }
    return { ...base, available: false, unknown: { code } };
  }
  const newestThere = newest && timeOf(newest);
  const newestInVaultTime = await inVault;
  return {
    ...base,
    available: newestThere !== undefined,
    ...(newestThere && { newestThere }),
    ...(newestInVaultTime && { newestInVault: newestInVaultTime }),
  };
}

function timeOf(point: AzureBackupRecoveryPointResource): string | undefined {
  const time = recoveryPointTime(point);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Only a nicety (the "not there yet" hint): any trouble reading it just leaves it out. */
async function newestInVault(
  client: Pick<ConversationAzure, 'newestRecoveryPoint'>,
  instanceId: string,
  now: Date | undefined,
): Promise<string | undefined> {
  try {
    const point = await client.newestRecoveryPoint(instanceId, now ? { now } : {});
    return point && timeOf(point);
  } catch {
    return undefined;
  }
}

/** One short line for a pick list: restorable there now (and how fresh), not yet, or unknown. */
export function secondaryAvailabilityText(a: SecondaryAvailability, now: Date, timeZone?: string): string | undefined {
  if (!a.region || a.reason) return undefined;
  if (a.unknown) return say('SECONDARY_UNKNOWN', { region: a.region, code: a.unknown.code });
  if (!a.available || !a.newestThere) return say('SECONDARY_NOT_YET', { region: a.region });
  const behind =
    a.newestInVault && Date.parse(a.newestInVault) > Date.parse(a.newestThere)
      ? ageText(new Date(a.newestInVault), now)
      : undefined;
  return say('SECONDARY_READY', {
    region: a.region,
    newest: timeLabel(a.newestThere, now, timeZone),
    ...(behind && { behind }),
  });
}
