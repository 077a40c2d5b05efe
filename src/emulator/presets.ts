/**
 * Ready-made seeds: `demo` (the small Contoso world of SPEC section 6) and `scale` (a generated world for
 * benchmarks, whose points are computed rather than stored).
 */
import { badRequest, isRecord } from './http';
import type { Seed, SeedVault } from './seed';

export const DEMO_SUBSCRIPTION_ID = '11111111-1111-1111-1111-111111111111';

/**
 * The demo world, relative to `now` (default: the wall clock). pg-payments-prod's newest point is 6 h old,
 * younger than the 12 h replication lag, so "not yet in the secondary region" can be shown on it; every
 * other instance's newest point is 30 h old and already replicated. pg-payments-prod restores fail with
 * UserErrorMSIMissingPermissions.
 */
export function buildDemoSeed(now?: string): Seed {
  const weekly = (newestAgeHours: number) => ({ count: 12, intervalHours: 168, newestAgeHours });
  return {
    ...(now ? { now } : {}),
    jobDurationSeconds: 120,
    secondaryLagHours: 12,
    retryAfterSeconds: 1,
    subscriptions: [
      {
        id: DEMO_SUBSCRIPTION_ID,
        displayName: 'Contoso Production',
        vaults: [
          {
            name: 'bv-prod-eastus',
            resourceGroup: 'rg-backup-prod',
            location: 'eastus',
            storageRedundancy: 'GeoRedundant',
            crossRegionRestore: 'Enabled',
            immutability: 'Unlocked',
            softDelete: 'On',
            instances: [
              {
                serverName: 'pg-orders-prod',
                serverResourceGroup: 'rg-db-prod',
                recoveryPoints: weekly(30),
                restoreOutcome: 'Succeeded',
                validateOutcome: 'Succeeded',
              },
              {
                serverName: 'pg-payments-prod',
                serverResourceGroup: 'rg-db-prod',
                recoveryPoints: weekly(6),
                restoreOutcome: 'Failed:UserErrorMSIMissingPermissions',
                validateOutcome: 'Succeeded',
              },
            ],
          },
          {
            name: 'bv-dev-eastus2',
            resourceGroup: 'rg-backup-dev',
            location: 'eastus2',
            storageRedundancy: 'LocallyRedundant',
            crossRegionRestore: 'Disabled',
            immutability: 'Disabled',
            softDelete: 'On',
            instances: [
              {
                serverName: 'pg-orders-dev',
                serverResourceGroup: 'rg-db-dev',
                recoveryPoints: weekly(30),
                restoreOutcome: 'Succeeded',
                validateOutcome: 'Succeeded',
              },
            ],
          },
        ],
      },
    ],
  };
}

export interface ScaleOptions {
  subscriptions: number;
  vaultsPerSubscription: number;
  instancesPerVault: number;
  recoveryPointsPerInstance: number;
}

export const DEFAULT_SCALE: Readonly<ScaleOptions> = Object.freeze({
  subscriptions: 10,
  vaultsPerSubscription: 10,
  instancesPerVault: 10,
  recoveryPointsPerInstance: 10_000,
});

/** Regions the scale world spreads its vaults over (all have a documented pair). */
const SCALE_REGIONS = ['eastus', 'westeurope', 'eastus2', 'southeastasia', 'uksouth', 'centralindia'] as const;

export function parseScaleOptions(body: Record<string, unknown>): ScaleOptions {
  const options: ScaleOptions = { ...DEFAULT_SCALE };
  for (const key of Object.keys(DEFAULT_SCALE) as (keyof ScaleOptions)[]) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw badRequest(`scale preset: ${key} must be an integer >= 0.`);
    }
    options[key] = value;
  }
  return options;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * A generated world: vaults alternate GeoRedundant + CRR Enabled and LocallyRedundant, points are hourly with
 * the newest 1 h old, and every 7th instance fails its restores so failure paths show up at scale.
 */
export function buildScaleSeed(options: ScaleOptions, now?: string): Seed {
  const subscriptions: Seed['subscriptions'] = [];
  for (let s = 0; s < options.subscriptions; s++) {
    const vaults: SeedVault[] = [];
    for (let v = 0; v < options.vaultsPerSubscription; v++) {
      const geo = v % 2 === 0;
      const instances: NonNullable<SeedVault['instances']> = [];
      for (let i = 0; i < options.instancesPerVault; i++) {
        instances.push({
          serverName: `pg-s${s}-v${v}-i${i}`,
          serverResourceGroup: `rg-db-${s}`,
          recoveryPoints: { count: options.recoveryPointsPerInstance, intervalHours: 1, newestAgeHours: 1 },
          restoreOutcome: i % 7 === 6 ? 'Failed:UserErrorMSIMissingPermissions' : 'Succeeded',
          validateOutcome: 'Succeeded',
        });
      }
      vaults.push({
        name: `bv-scale-${s}-${v}`,
        resourceGroup: `rg-backup-${s}`,
        location: SCALE_REGIONS[v % SCALE_REGIONS.length] as string,
        storageRedundancy: geo ? 'GeoRedundant' : 'LocallyRedundant',
        crossRegionRestore: geo ? 'Enabled' : 'Disabled',
        immutability: v % 3 === 0 ? 'Unlocked' : 'Disabled',
        softDelete: 'On',
        instances,
      });
    }
    subscriptions.push({
      id: `5ca1e000-0000-4000-8000-${hex(s, 12)}`,
      displayName: `Scale subscription ${s}`,
      vaults,
    });
  }
  return { ...(now ? { now } : {}), subscriptions };
}

/** The seed a reset body asks for: `{preset:'demo'}`, `{preset:'scale',...}` or a seed itself. */
export function seedFromResetBody(body: unknown): unknown {
  if (isRecord(body) && 'preset' in body) {
    const now = typeof body.now === 'string' ? body.now : undefined;
    if (body.preset === 'demo') return buildDemoSeed(now);
    if (body.preset === 'scale') return buildScaleSeed(parseScaleOptions(body), now);
    throw badRequest(`Unknown preset '${String(body.preset)}'; use "demo" or "scale".`);
  }
  return body;
}
