/**
 * The seed: what the emulator's world starts from (SPEC section 6). Parsed strictly, so that a typo in a
 * test's seed is reported with its key path instead of silently producing a different world.
 */
import { z } from 'zod';
import { pairedRegion } from './regions';

export const STORAGE_REDUNDANCIES = ['GeoRedundant', 'LocallyRedundant', 'ZoneRedundant'] as const;
export const CRR_STATES = ['Enabled', 'Disabled'] as const;
export const IMMUTABILITY_STATES = ['Disabled', 'Unlocked', 'Locked'] as const;
export const SOFT_DELETE_STATES = ['Off', 'On', 'AlwaysOn'] as const;

export type StorageRedundancy = (typeof STORAGE_REDUNDANCIES)[number];
export type CrossRegionRestoreState = (typeof CRR_STATES)[number];
export type ImmutabilityState = (typeof IMMUTABILITY_STATES)[number];
export type SoftDeleteState = (typeof SOFT_DELETE_STATES)[number];

/** Upper bounds that keep one reset within memory and time budgets; points are never materialised. */
export const SEED_LIMITS = Object.freeze({
  recoveryPointsPerInstance: 10_000_000,
  instancesTotal: 200_000,
});

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** BackupVaults vaultName pattern and length from the OpenAPI file. */
const VAULT_NAME = /^[A-Za-z][-A-Za-z0-9]*[A-Za-z0-9]$/;
const OUTCOME = /^(Succeeded|Failed:[A-Za-z][A-Za-z0-9_.]*)$/;

const outcome = z.string().regex(OUTCOME, {
  message: 'must be "Succeeded" or "Failed:<ErrorCode>" (e.g. "Failed:UserErrorMSIMissingPermissions")',
});

const isoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), {
  message: 'must be an ISO 8601 date-time such as "2026-11-24T12:00:00Z"',
});

const recoveryPointsSchema = z.strictObject({
  count: z.number().int().min(0).max(SEED_LIMITS.recoveryPointsPerInstance),
  intervalHours: z.number().positive(),
  newestAgeHours: z.number().min(0),
});

const instanceSchema = z.strictObject({
  serverName: z.string().regex(/^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/, {
    message: 'must be a PostgreSQL flexible server name: 3-63 lower-case letters, digits or hyphens',
  }),
  serverResourceGroup: z.string().min(1).max(90).optional(),
  recoveryPoints: recoveryPointsSchema.optional(),
  restoreOutcome: outcome.optional(),
  validateOutcome: outcome.optional(),
});

const vaultSchema = z.strictObject({
  name: z.string().min(2).max(50).regex(VAULT_NAME, { message: 'must match ^[A-Za-z][-A-Za-z0-9]*[A-Za-z0-9]$' }),
  resourceGroup: z.string().min(1).max(90),
  location: z.string().min(1),
  replicatedRegion: z.string().min(1).optional(),
  storageRedundancy: z.enum(STORAGE_REDUNDANCIES).optional(),
  crossRegionRestore: z.enum(CRR_STATES).optional(),
  immutability: z.enum(IMMUTABILITY_STATES).optional(),
  softDelete: z.enum(SOFT_DELETE_STATES).optional(),
  instances: z.array(instanceSchema).optional(),
});

const subscriptionSchema = z.strictObject({
  id: z.string().regex(GUID, { message: 'must be a GUID' }),
  displayName: z.string().min(1).optional(),
  vaults: z.array(vaultSchema).optional(),
});

const seedSchema = z.strictObject({
  now: isoTime.optional(),
  jobDurationSeconds: z.number().min(0).optional(),
  secondaryLagHours: z.number().min(0).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  subscriptions: z.array(subscriptionSchema),
});

export type SeedRecoveryPoints = z.infer<typeof recoveryPointsSchema>;
export type SeedInstance = z.infer<typeof instanceSchema>;
export type SeedVault = z.infer<typeof vaultSchema>;
export type SeedSubscription = z.infer<typeof subscriptionSchema>;
/** The seed format of SPEC section 6. */
export type Seed = z.infer<typeof seedSchema>;

/** A seed that cannot be used; `problems` name each key path and what is wrong with it. */
export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid seed: ${problems.join('; ')}`);
    this.name = 'SeedError';
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}

/** Checks shape and cross-field rules; throws SeedError listing every problem found. */
export function parseSeed(input: unknown): Seed {
  const parsed = seedSchema.safeParse(input);
  if (!parsed.success) {
    throw new SeedError(parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
  }
  const seed = parsed.data;
  const problems: string[] = [];
  const subscriptionIds = new Set<string>();
  let instancesTotal = 0;
  seed.subscriptions.forEach((sub, si) => {
    const at = `subscriptions[${si}]`;
    if (subscriptionIds.has(sub.id.toLowerCase())) problems.push(`${at}.id: duplicate subscription ${sub.id}`);
    subscriptionIds.add(sub.id.toLowerCase());
    const vaultKeys = new Set<string>();
    (sub.vaults ?? []).forEach((vault, vi) => {
      const vat = `${at}.vaults[${vi}]`;
      const key = `${vault.resourceGroup}/${vault.name}`.toLowerCase();
      if (vaultKeys.has(key)) problems.push(`${vat}.name: duplicate vault ${vault.name} in ${vault.resourceGroup}`);
      vaultKeys.add(key);
      const redundancy = vault.storageRedundancy ?? 'GeoRedundant';
      if (vault.crossRegionRestore === 'Enabled' && redundancy !== 'GeoRedundant') {
        problems.push(`${vat}.crossRegionRestore: Enabled needs storageRedundancy GeoRedundant, not ${redundancy}`);
      }
      if (vault.replicatedRegion !== undefined && redundancy !== 'GeoRedundant') {
        problems.push(`${vat}.replicatedRegion: only GeoRedundant vaults replicate; ${redundancy} vaults have none`);
      }
      if (redundancy === 'GeoRedundant' && vault.replicatedRegion === undefined && !pairedRegion(vault.location)) {
        problems.push(`${vat}.replicatedRegion: no paired region is known for ${vault.location}; set it explicitly`);
      }
      const servers = new Set<string>();
      for (const [ii, inst] of (vault.instances ?? []).entries()) {
        if (servers.has(inst.serverName)) {
          problems.push(`${vat}.instances[${ii}].serverName: ${inst.serverName} is protected twice in this vault`);
        }
        servers.add(inst.serverName);
      }
      instancesTotal += vault.instances?.length ?? 0;
    });
  });
  if (instancesTotal > SEED_LIMITS.instancesTotal) {
    problems.push(
      `subscriptions: ${instancesTotal} backup instances in total, more than ${SEED_LIMITS.instancesTotal}`,
    );
  }
  if (problems.length > 0) throw new SeedError(problems);
  return seed;
}
