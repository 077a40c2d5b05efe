/** Same-region validateRestore and restore: long-running operations in the vault's own region. */
import { describeError } from '../error-catalog';
import { ArmError } from '../http';
import { createRestoreJob } from '../jobs';
import { acceptedResponse, startOperation } from '../operations';
import { parseRestoreRequest, parseValidateRestoreBody } from '../restore-request';
import type { BackupInstance, Outcome } from '../world';
import { type ArmHandler, requireInstance } from './context';

/** The index of the requested point, or 400 UserErrorRecoveryPointNotFound. */
export function requirePoint(instance: BackupInstance, recoveryPointId: string, region: string): number {
  const index = instance.points.indexOf(recoveryPointId);
  if (index === undefined) {
    throw new ArmError(
      400,
      'UserErrorRecoveryPointNotFound',
      `Recovery point '${recoveryPointId}' does not exist for backup instance '${instance.name}' in ${region}.`,
    );
  }
  return index;
}

export function failureOf(outcome: Outcome): { code: string; message: string } | undefined {
  return outcome.ok ? undefined : { code: outcome.code, message: describeError(outcome.code).message };
}

export const validateRestore: ArmHandler = (ctx) => {
  const instance = requireInstance(ctx);
  const request = parseValidateRestoreBody(ctx.body());
  const vault = instance.vault;
  requirePoint(instance, request.recoveryPointId, vault.location);
  const op = startOperation(ctx.world, {
    kind: 'validate',
    vault,
    region: vault.location,
    failure: failureOf(instance.validateOutcome),
  });
  return acceptedResponse(ctx.world, ctx.origin, op);
};

export const triggerRestore: ArmHandler = (ctx) => {
  const instance = requireInstance(ctx);
  const request = parseRestoreRequest(ctx.body(), 'body');
  const vault = instance.vault;
  const index = requirePoint(instance, request.recoveryPointId, vault.location);
  const job = createRestoreJob(ctx.world, instance, request, index, false);
  const op = startOperation(ctx.world, { kind: 'restore', vault, region: vault.location, job });
  return acceptedResponse(ctx.world, ctx.origin, op);
};
