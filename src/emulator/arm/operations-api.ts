/**
 * Polling endpoints for long-running operations: operationStatus (OperationResource) and operationResults
 * (202 while running, then the final body), in the location, resource group and vault contexts.
 */
import { notFound } from '../http';
import { canonicalOperationId } from '../ids';
import { operationResultResponse, operationStatusBody } from '../operations';
import { vaultResource } from '../shapes';
import type { Operation } from '../world';
import { type ArmContext, type ArmHandler, requireSubscription, requireVault } from './context';

function requireOperation(ctx: ArmContext, belongs: (op: Operation) => boolean = () => true): Operation {
  const sub = requireSubscription(ctx);
  const raw = ctx.params.op ?? '';
  const op = ctx.world.operations.get(canonicalOperationId(raw));
  if (!op || op.subscriptionId !== sub.id || !belongs(op)) throw notFound(`Operation '${raw}' was not found.`);
  return op;
}

export const getOperationStatus: ArmHandler = (ctx) => {
  const op = requireOperation(ctx);
  return { status: 200, body: operationStatusBody(op, ctx.path, ctx.world.nowMs()) };
};

export const getOperationStatusInResourceGroup: ArmHandler = (ctx) => {
  const rg = (ctx.params.rg ?? '').toLowerCase();
  const op = requireOperation(ctx, (o) => o.vault.resourceGroup.toLowerCase() === rg);
  return { status: 200, body: operationStatusBody(op, ctx.path, ctx.world.nowMs()) };
};

export const getOperationStatusInVault: ArmHandler = (ctx) => {
  const vault = requireVault(ctx);
  const op = requireOperation(ctx, (o) => o.vault === vault);
  return { status: 200, body: operationStatusBody(op, ctx.path, ctx.world.nowMs()) };
};

export const getOperationResult: ArmHandler = (ctx) =>
  operationResultResponse(ctx.world, ctx.origin, requireOperation(ctx));

/** BackupVaultOperationResults_Get: the updated vault once the operation is done. */
export const getVaultOperationResult: ArmHandler = (ctx) => {
  const vault = requireVault(ctx);
  const op = requireOperation(ctx, (o) => o.vault === vault);
  const response = operationResultResponse(ctx.world, ctx.origin, op);
  return response.status === 200 ? { status: 200, body: vaultResource(vault) } : response;
};
