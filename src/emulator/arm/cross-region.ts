/**
 * Cross Region Restore: calls under `locations/{secondary}` that name the primary instance or vault in
 * their body. They work only for GeoRedundant vaults with CRR Enabled, only on points already replicated,
 * and never depend on the primary region being up.
 */
import { ArmError, notFound } from '../http';
import { createRestoreJob, findJob, newestFirst } from '../jobs';
import { acceptedResponse, startOperation } from '../operations';
import { decodeSkipToken, pageArray } from '../paging';
import { normalizeRegion } from '../regions';
import { parseCrossRegionRestoreBody, requireObject, requireString } from '../restore-request';
import { iso, jobResource } from '../shapes';
import { parseTimeFilter } from '../time-filter';
import { type BackupInstance, crossRegionRestoreAllowed, secondaryCutoffMs, type Vault } from '../world';
import { type ArmContext, type ArmHandler, instanceFromArmId, requireSubscription, vaultFromArmId } from './context';
import { pagePoints } from './instances';
import { failureOf, requirePoint } from './restore';

/** Refuses the call unless the vault can restore across regions, into the region named in the path. */
function requireCrossRegion(ctx: ArmContext, vault: Vault, sourceRegion: string | undefined): string {
  if (!crossRegionRestoreAllowed(vault)) {
    throw new ArmError(
      400,
      'CrossRegionRestoreNotEnabled',
      `Cross Region Restore is not available for vault '${vault.name}': it needs GeoRedundant storage with Cross Region Restore Enabled (storage ${vault.storageRedundancy}, Cross Region Restore ${vault.settings.crossRegionRestore}).`,
    );
  }
  const location = normalizeRegion(ctx.params.location ?? '');
  if (location !== vault.replicatedRegion) {
    throw new ArmError(
      400,
      'BadRequest',
      `Vault '${vault.name}' replicates to ${vault.replicatedRegion}; cross-region calls for it must use locations/${vault.replicatedRegion}, not locations/${location}.`,
    );
  }
  if (sourceRegion !== undefined && normalizeRegion(sourceRegion) !== vault.location) {
    throw new ArmError(
      400,
      'BadRequest',
      `sourceRegion '${sourceRegion}' is not the region of vault '${vault.name}' (${vault.location}).`,
    );
  }
  return location;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ArmError(400, 'InvalidRequestContent', `${key} must be a string.`);
  return value;
}

/** For a nextLink GET, the original POST body travels in the skip token. */
function bodyOrToken(ctx: ArmContext): Record<string, unknown> {
  if (ctx.method === 'POST') return requireObject(ctx.body(), 'The request body');
  const token = decodeSkipToken(ctx.query.get('$skipToken'));
  if (!token || typeof token.b !== 'object' || token.b === null) {
    throw new ArmError(400, 'BadRequest', 'This list is read with POST; GET is only for following its nextLink.');
  }
  return token.b as Record<string, unknown>;
}

export const fetchSecondaryRecoveryPoints: ArmHandler = (ctx) => {
  requireSubscription(ctx);
  const body = bodyOrToken(ctx);
  const instanceId = requireString(body, 'sourceBackupInstanceId', 'body');
  const sourceRegion = optionalString(body, 'sourceRegion');
  const instance = instanceFromArmId(ctx.world, instanceId, 'sourceBackupInstanceId');
  requireCrossRegion(ctx, instance.vault, sourceRegion);
  const { fromMs, toMs } = parseTimeFilter(ctx.query.get('$filter'));
  const cutoff = secondaryCutoffMs(ctx.world);
  const range = instance.points.window(fromMs, toMs === undefined ? cutoff : Math.min(toMs, cutoff));
  const carried = { sourceBackupInstanceId: instanceId, ...(sourceRegion ? { sourceRegion } : {}) };
  return { status: 200, body: pagePoints(ctx, instance, range, { b: carried }) };
};

/** The point's index when it is already in the secondary region; 400 UserErrorRecoveryPointNotFound otherwise. */
function requireReplicatedPoint(
  ctx: ArmContext,
  instance: BackupInstance,
  recoveryPointId: string,
  region: string,
): number {
  const index = requirePoint(instance, recoveryPointId, region);
  const replicatedAt = instance.points.timeMs(index) + ctx.world.settings.secondaryLagMs;
  if (replicatedAt > ctx.world.nowMs()) {
    throw new ArmError(
      400,
      'UserErrorRecoveryPointNotFound',
      `Recovery point '${recoveryPointId}' is not yet available in ${region}; it is expected there after ${iso(replicatedAt)}.`,
    );
  }
  return index;
}

function crossRegionRequest(ctx: ArmContext) {
  requireSubscription(ctx);
  const body = parseCrossRegionRestoreBody(ctx.body());
  const instance = instanceFromArmId(
    ctx.world,
    body.sourceBackupInstanceId,
    'crossRegionRestoreDetails.sourceBackupInstanceId',
  );
  const region = requireCrossRegion(ctx, instance.vault, body.sourceRegion);
  const index = requireReplicatedPoint(ctx, instance, body.request.recoveryPointId, region);
  return { ...body, instance, region, index };
}

export const validateCrossRegionRestore: ArmHandler = (ctx) => {
  const { instance, region } = crossRegionRequest(ctx);
  const op = startOperation(ctx.world, {
    kind: 'validate',
    vault: instance.vault,
    region,
    failure: failureOf(instance.validateOutcome),
  });
  return acceptedResponse(ctx.world, ctx.origin, op);
};

export const triggerCrossRegionRestore: ArmHandler = (ctx) => {
  const { instance, region, index, request } = crossRegionRequest(ctx);
  const job = createRestoreJob(ctx.world, instance, request, index, true);
  const op = startOperation(ctx.world, { kind: 'restore', vault: instance.vault, region, job });
  return acceptedResponse(ctx.world, ctx.origin, op);
};

function crossRegionVault(ctx: ArmContext, body: Record<string, unknown>): Vault {
  requireSubscription(ctx);
  const vaultId = requireString(body, 'sourceBackupVaultId', 'body');
  const sourceRegion = requireString(body, 'sourceRegion', 'body');
  const vault = vaultFromArmId(ctx.world, vaultId, 'sourceBackupVaultId');
  requireCrossRegion(ctx, vault, sourceRegion);
  return vault;
}

export const fetchCrossRegionRestoreJobs: ArmHandler = (ctx) => {
  const body = bodyOrToken(ctx);
  const vault = crossRegionVault(ctx, body);
  const nowMs = ctx.world.nowMs();
  const carried = { sourceBackupVaultId: body.sourceBackupVaultId, sourceRegion: body.sourceRegion };
  const page = pageArray(ctx, newestFirst(vault.crossRegionJobs), (job) => jobResource(job, nowMs), { b: carried });
  return { status: 200, body: page };
};

export const fetchCrossRegionRestoreJob: ArmHandler = (ctx) => {
  const body = requireObject(ctx.body(), 'The request body');
  const vault = crossRegionVault(ctx, body);
  const jobId = requireString(body, 'jobId', 'body');
  const job = findJob(vault.crossRegionJobs, jobId);
  if (!job) throw notFound(`Cross Region Restore job '${jobId}' was not found for vault '${vault.name}'.`);
  return { status: 200, body: jobResource(job, ctx.world.nowMs()) };
};
