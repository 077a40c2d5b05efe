/**
 * Long-running operations (validate, restore, their cross-region twins, vault updates): the 202 headers
 * that start polling, and the OperationResource / operation-result answers that end it. An operation runs
 * for LRO_RUN_MS of emulated time, as SPEC section 6 fixes.
 */
import type { EmulatorResponse } from './http';
import { newOperationId } from './ids';
import { iso, vaultResource } from './shapes';
import type { Job, Operation, OperationKind, Vault, World } from './world';

export const API_VERSION = '2026-07-01';
export const LRO_RUN_MS = 2000;
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface StartOperation {
  kind: OperationKind;
  vault: Vault;
  /** Region whose location-context URLs are handed out (the secondary one for cross-region calls). */
  region: string;
  failure?: { code: string; message: string };
  job?: Job;
}

export function startOperation(world: World, start: StartOperation): Operation {
  const op: Operation = {
    id: newOperationId(),
    subscriptionId: start.vault.subscriptionId,
    startMs: world.nowMs(),
    ...start,
  };
  world.operations.set(op.id, op);
  return op;
}

export function isRunning(op: Operation, nowMs: number): boolean {
  return nowMs - op.startMs < LRO_RUN_MS;
}

/** Polling URLs: vault updates use the vault context, everything else the subscription-level location one. */
export function lroHeaders(world: World, origin: string, op: Operation): Record<string, string> {
  const base =
    op.kind === 'vaultUpdate'
      ? `${origin}${op.vault.id}`
      : `${origin}/subscriptions/${op.subscriptionId}/providers/Microsoft.DataProtection/locations/${op.region}`;
  return {
    'Azure-AsyncOperation': `${base}/operationStatus/${op.id}?api-version=${API_VERSION}`,
    Location: `${base}/operationResults/${op.id}?api-version=${API_VERSION}`,
    'Retry-After': String(world.settings.retryAfterSeconds),
  };
}

export function acceptedResponse(world: World, origin: string, op: Operation): EmulatorResponse {
  return { status: 202, headers: lroHeaders(world, origin, op) };
}

function extendedInfo(op: Operation): Record<string, unknown> | undefined {
  if (op.kind === 'vaultUpdate') return undefined;
  return op.job
    ? { objectType: 'OperationJobExtendedInfo', jobId: op.job.armId }
    : { objectType: 'OperationJobExtendedInfo' };
}

/** OperationResource for the operationStatus endpoints; `resourcePath` is the path it was asked through. */
export function operationStatusBody(op: Operation, resourcePath: string, nowMs: number): Record<string, unknown> {
  const body: Record<string, unknown> = { id: resourcePath, name: op.id, startTime: iso(op.startMs) };
  if (isRunning(op, nowMs)) {
    return { ...body, status: 'Inprogress', endTime: ZERO_TIME };
  }
  body.endTime = iso(op.startMs + LRO_RUN_MS);
  if (op.failure) return { ...body, status: 'Failed', error: { code: op.failure.code, message: op.failure.message } };
  const properties = extendedInfo(op);
  return properties ? { ...body, status: 'Succeeded', properties } : { ...body, status: 'Succeeded' };
}

/** The operationResults answer: 202 while running, then the final body (or the failure as a CloudError). */
export function operationResultResponse(world: World, origin: string, op: Operation): EmulatorResponse {
  if (isRunning(op, world.nowMs())) return acceptedResponse(world, origin, op);
  if (op.failure) return { status: 400, body: { error: { code: op.failure.code, message: op.failure.message } } };
  if (op.kind === 'vaultUpdate') return { status: 200, body: vaultResource(op.vault) };
  return { status: 200, body: extendedInfo(op) };
}
