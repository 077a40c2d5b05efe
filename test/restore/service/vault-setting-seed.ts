/**
 * Emulator seed for the vault posture and vault-setting tests: one vault of every kind that matters, in the
 * demo's subscription (so the demo policy and the dialog tests' policy cover it).
 *
 * Replication to the secondary region takes 48 h in this world, so:
 *  - bv-grs-crr's servers are up to date there (pg-fresh's newest point is 60 h old and replicated;
 *    pg-young's newest is 6 h old, not due yet, and its previous point is there);
 *  - bv-grs-stale's pg-stale misses its 20 h old point, 168 h behind (stale), and pg-lonely's only point
 *    (20 h old) is not there at all.
 */
import type { Seed } from '../../../src/emulator';
import { admin } from './support';

export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';

const weekly = (newestAgeHours: number, count = 12) => ({ count, intervalHours: 168, newestAgeHours });
const server = (serverName: string, newestAgeHours: number, count?: number) => ({
  serverName,
  serverResourceGroup: 'rg-db',
  recoveryPoints: weekly(newestAgeHours, count),
  restoreOutcome: 'Succeeded',
  validateOutcome: 'Succeeded',
});

export const VAULTS = {
  /** GeoRedundant, CRR Enabled, immutability Unlocked, soft delete On: nothing to warn about. */
  grsCrr: 'bv-grs-crr',
  /** GeoRedundant, CRR Disabled, immutability Disabled, soft delete Off: every change is possible. */
  grsNoCrr: 'bv-grs-nocrr',
  /** LocallyRedundant, immutability Locked. */
  lrs: 'bv-lrs',
  /** ZoneRedundant, immutability Unlocked, soft delete AlwaysOn. */
  zrs: 'bv-zrs',
  /** GeoRedundant, CRR Enabled, Locked, with a stale and an empty secondary copy. */
  stale: 'bv-grs-stale',
} as const;

export function postureSeed(): Seed {
  return {
    secondaryLagHours: 48,
    retryAfterSeconds: 1,
    subscriptions: [
      {
        id: SUBSCRIPTION,
        displayName: 'Contoso Production',
        vaults: [
          {
            name: VAULTS.grsCrr,
            resourceGroup: 'rg-backup',
            location: 'eastus',
            storageRedundancy: 'GeoRedundant',
            crossRegionRestore: 'Enabled',
            immutability: 'Unlocked',
            softDelete: 'On',
            instances: [server('pg-fresh', 60), server('pg-young', 6)],
          },
          {
            name: VAULTS.grsNoCrr,
            resourceGroup: 'rg-backup',
            location: 'westeurope',
            storageRedundancy: 'GeoRedundant',
            crossRegionRestore: 'Disabled',
            immutability: 'Disabled',
            softDelete: 'Off',
            instances: [server('pg-euro', 30)],
          },
          {
            name: VAULTS.lrs,
            resourceGroup: 'rg-backup',
            location: 'eastus2',
            storageRedundancy: 'LocallyRedundant',
            crossRegionRestore: 'Disabled',
            immutability: 'Locked',
            softDelete: 'On',
            instances: [server('pg-local', 30)],
          },
          {
            name: VAULTS.zrs,
            resourceGroup: 'rg-backup',
            location: 'westus2',
            storageRedundancy: 'ZoneRedundant',
            crossRegionRestore: 'Disabled',
            immutability: 'Unlocked',
            softDelete: 'AlwaysOn',
            instances: [],
          },
          {
            name: VAULTS.stale,
            resourceGroup: 'rg-backup',
            location: 'eastus',
            storageRedundancy: 'GeoRedundant',
            crossRegionRestore: 'Enabled',
            immutability: 'Locked',
            softDelete: 'On',
            instances: [server('pg-stale', 20), server('pg-lonely', 20, 1)],
          },
        ],
      },
    ],
  };
}

export function vaultIdOf(name: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/${name}`;
}

export interface LoggedCall {
  method: string;
  path: string;
  status: number;
}

/** Every PATCH of a vault the emulator has seen since its last reset (any answer): the witnesses of "once". */
export async function vaultPatches(url: string, vaultName?: string): Promise<LoggedCall[]> {
  const { requests } = (await admin(url, 'GET', 'requests')) as { requests: LoggedCall[] };
  return requests.filter(
    (r) =>
      r.method === 'PATCH' &&
      /\/backupVaults\/[^/]+$/i.test(r.path) &&
      (vaultName === undefined || r.path.toLowerCase().endsWith(`/${vaultName.toLowerCase()}`)),
  );
}

export async function emulatorRequests(url: string): Promise<LoggedCall[]> {
  return ((await admin(url, 'GET', 'requests')) as { requests: LoggedCall[] }).requests;
}
