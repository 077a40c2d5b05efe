/**
 * The emulator's mutable world, compiled from a seed: subscriptions → vaults → backup instances, plus the
 * jobs and long-running operations created since the last reset. Lookups follow Azure's case rules:
 * subscription ids, resource groups, vault and instance names compare case-insensitively.
 */
import { EmulatedClock } from './clock';
import { stableGuid } from './ids';
import { RecoveryPointSeries } from './recovery-points';
import { normalizeRegion, pairedRegion } from './regions';
import type { Seed, SeedInstance, SeedVault, StorageRedundancy } from './seed';

export const DEFAULTS = Object.freeze({
  jobDurationSeconds: 120,
  secondaryLagHours: 12,
  retryAfterSeconds: 1,
  recoveryPoints: { count: 12, intervalHours: 168, newestAgeHours: 30 },
  softDeleteRetentionDays: 14,
});

export const PG_FLEX_TYPE = 'Microsoft.DBforPostgreSQL/flexibleServers';
export const POLICY_NAME = 'pg-flex-weekly-3m';

/** How an instance's restores or validations end. */
export type Outcome = { ok: true } | { ok: false; code: string };

export function parseOutcome(text: string | undefined): Outcome {
  if (!text || text === 'Succeeded') return { ok: true };
  return { ok: false, code: text.slice('Failed:'.length) };
}

export interface VaultSettings {
  crossRegionRestore: string;
  crossSubscriptionRestore: string;
  immutability: string;
  immutabilityConfiguration?: Record<string, unknown>;
  softDelete: string;
  softDeleteRetentionDays: number;
  alertsForAllJobFailures: string;
  costManagementGranularity?: string;
  resourceGuardOperationRequests?: string[];
  tags: Record<string, string>;
}

export interface Subscription {
  id: string;
  displayName: string;
  vaults: Vault[];
}

export interface Vault {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** The secondary region; undefined for LocallyRedundant and ZoneRedundant vaults. */
  replicatedRegion?: string;
  storageRedundancy: StorageRedundancy | string;
  principalId: string;
  settings: VaultSettings;
  instances: BackupInstance[];
  /** Same-region restore jobs, oldest first. */
  jobs: Job[];
  /** Cross Region Restore jobs (they live in the secondary region), oldest first. */
  crossRegionJobs: Job[];
}

export interface BackupInstance {
  id: string;
  name: string;
  vault: Vault;
  serverName: string;
  serverResourceGroup: string;
  serverId: string;
  points: RecoveryPointSeries;
  restoreOutcome: Outcome;
  validateOutcome: Outcome;
}

export interface Job {
  id: string;
  armId: string;
  vault: Vault;
  instance: BackupInstance;
  crossRegion: boolean;
  startMs: number;
  durationMs: number;
  outcome: Outcome;
  recoveryPointId: string;
  recoveryPointTimeMs: number;
  targetUrl: string;
  filePrefix: string;
  activityId: string;
  sizeBytes: number;
}

export type OperationKind = 'validate' | 'restore' | 'vaultUpdate';

export interface Operation {
  id: string;
  kind: OperationKind;
  subscriptionId: string;
  /** Region of the location-context URLs handed out for it. */
  region: string;
  vault: Vault;
  startMs: number;
  failure?: { code: string; message: string };
  job?: Job;
}

export interface WorldSettings {
  jobDurationMs: number;
  secondaryLagMs: number;
  retryAfterSeconds: number;
}

const HOUR_MS = 3_600_000;

export class World {
  readonly clock: EmulatedClock;
  readonly settings: WorldSettings;
  readonly subscriptions: Subscription[] = [];
  readonly operations = new Map<string, Operation>();
  private readonly subscriptionIndex = new Map<string, Subscription>();
  private readonly vaultIndex = new Map<string, Vault>();
  private readonly instanceIndex = new Map<string, BackupInstance>();

  constructor(seed: Seed, wallNow: () => number = Date.now) {
    // Whole seconds keep generated times readable (2026-11-24T12:00:00.000Z rather than …:07.318Z).
    const nowMs = seed.now ? Date.parse(seed.now) : Math.floor(wallNow() / 1000) * 1000;
    this.clock = new EmulatedClock(nowMs, wallNow);
    this.settings = {
      jobDurationMs: (seed.jobDurationSeconds ?? DEFAULTS.jobDurationSeconds) * 1000,
      secondaryLagMs: (seed.secondaryLagHours ?? DEFAULTS.secondaryLagHours) * HOUR_MS,
      retryAfterSeconds: seed.retryAfterSeconds ?? DEFAULTS.retryAfterSeconds,
    };
    for (const s of seed.subscriptions) {
      const sub: Subscription = { id: s.id.toLowerCase(), displayName: s.displayName ?? s.id, vaults: [] };
      this.subscriptions.push(sub);
      this.subscriptionIndex.set(sub.id, sub);
      for (const v of s.vaults ?? []) this.addSeedVault(sub, v, nowMs);
    }
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  findSubscription(id: string): Subscription | undefined {
    return this.subscriptionIndex.get(id.toLowerCase());
  }

  findVault(subscriptionId: string, resourceGroup: string, name: string): Vault | undefined {
    return this.vaultIndex.get(vaultKey(subscriptionId, resourceGroup, name));
  }

  findInstance(vault: Vault, name: string): BackupInstance | undefined {
    return this.instanceIndex.get(
      `${vaultKey(vault.subscriptionId, vault.resourceGroup, vault.name)}/${name.toLowerCase()}`,
    );
  }

  /** Resource groups that exist in a subscription: those holding vaults or protected servers. */
  hasResourceGroup(subscription: Subscription, resourceGroup: string): boolean {
    const rg = resourceGroup.toLowerCase();
    return subscription.vaults.some(
      (v) =>
        v.resourceGroup.toLowerCase() === rg || v.instances.some((i) => i.serverResourceGroup.toLowerCase() === rg),
    );
  }

  /** Adds an empty vault (PUT of a vault that does not exist yet). */
  addVault(
    sub: Subscription,
    vault: Omit<Vault, 'id' | 'instances' | 'jobs' | 'crossRegionJobs' | 'principalId'>,
  ): Vault {
    const full: Vault = {
      ...vault,
      id: vaultArmId(sub.id, vault.resourceGroup, vault.name),
      principalId: stableGuid(`principal:${sub.id}/${vault.resourceGroup}/${vault.name}`.toLowerCase()),
      instances: [],
      jobs: [],
      crossRegionJobs: [],
    };
    sub.vaults.push(full);
    this.vaultIndex.set(vaultKey(sub.id, vault.resourceGroup, vault.name), full);
    return full;
  }

  private addSeedVault(sub: Subscription, v: SeedVault, nowMs: number): void {
    const location = normalizeRegion(v.location);
    const storageRedundancy = v.storageRedundancy ?? 'GeoRedundant';
    const vault = this.addVault(sub, {
      subscriptionId: sub.id,
      resourceGroup: v.resourceGroup,
      name: v.name,
      location,
      replicatedRegion:
        storageRedundancy === 'GeoRedundant'
          ? normalizeRegion(v.replicatedRegion ?? pairedRegion(location) ?? '')
          : undefined,
      storageRedundancy,
      settings: {
        crossRegionRestore: v.crossRegionRestore ?? 'Disabled',
        crossSubscriptionRestore: 'Enabled',
        immutability: v.immutability ?? 'Disabled',
        softDelete: v.softDelete ?? 'On',
        softDeleteRetentionDays: DEFAULTS.softDeleteRetentionDays,
        alertsForAllJobFailures: 'Enabled',
        tags: {},
      },
    });
    for (const i of v.instances ?? []) this.addSeedInstance(vault, i, nowMs);
  }

  private addSeedInstance(vault: Vault, i: SeedInstance, nowMs: number): void {
    const serverResourceGroup = i.serverResourceGroup ?? vault.resourceGroup;
    const serverId = `/subscriptions/${vault.subscriptionId}/resourceGroups/${serverResourceGroup}/providers/${PG_FLEX_TYPE}/${i.serverName}`;
    // Azure names a PG flexible server instance `{server}-{guid}`; deriving the guid from the server id keeps
    // the name identical across resets of the same seed.
    const name = `${i.serverName}-${stableGuid(`bi:${serverId}`.toLowerCase())}`;
    const rp = i.recoveryPoints ?? DEFAULTS.recoveryPoints;
    const instance: BackupInstance = {
      id: `${vault.id}/backupInstances/${name}`,
      name,
      vault,
      serverName: i.serverName,
      serverResourceGroup,
      serverId,
      points: new RecoveryPointSeries(
        serverId.toLowerCase(),
        rp.count,
        Math.round(nowMs - rp.newestAgeHours * HOUR_MS),
        Math.max(1, Math.round(rp.intervalHours * HOUR_MS)),
      ),
      restoreOutcome: parseOutcome(i.restoreOutcome),
      validateOutcome: parseOutcome(i.validateOutcome),
    };
    vault.instances.push(instance);
    this.instanceIndex.set(
      `${vaultKey(vault.subscriptionId, vault.resourceGroup, vault.name)}/${name.toLowerCase()}`,
      instance,
    );
  }
}

export function vaultArmId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.DataProtection/backupVaults/${name}`;
}

function vaultKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
}

/** True when Cross Region Restore may be used on the vault: GeoRedundant storage and CRR Enabled. */
export function crossRegionRestoreAllowed(vault: Vault): boolean {
  return vault.storageRedundancy === 'GeoRedundant' && vault.settings.crossRegionRestore === 'Enabled';
}

/** Points of the instance already replicated to the secondary region at `nowMs`. */
export function secondaryCutoffMs(world: World): number {
  return world.nowMs() - world.settings.secondaryLagMs;
}
