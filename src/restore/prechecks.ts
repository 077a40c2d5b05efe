import { windowAroundPointTime } from '../azure/recovery-points';
import { normalizeRegion, pairedRegion } from '../azure/regions';
import type { BotError } from '../errors';
import { ageWords } from './inventory/age';
import { botError } from './messages';
import type { Policy } from './policy/policy';
import {
  type AzureErrorLike,
  isAzureErrorLike,
  type OperationOutcomeJson,
  type PrecheckAzure,
  type RecoveryPointJson,
  type StoredVaultJson,
} from './ports';
import type { AzureValidationSummary, DataRestoreRequest, ValidationRecord } from './request';
import { crossRegionRestoreBody, restoreBody } from './restore-body';
import { enumIs, supportsSecondaryRestore, type VaultPosture, vaultPosture } from './vault-posture';

/**
 * The checks run before a restore is offered for approval and again right before it is triggered. Each
 * problem is a BotError an on-call engineer can act on; Azure's own validation runs last, only when
 * everything the bot can check itself is fine.
 */

export type PrecheckPolicy = Pick<Policy, 'isSubscriptionInScope' | 'target' | 'targetsIn'>;

export interface PrecheckResult {
  ok: boolean;
  failures: BotError[];
  warnings: BotError[];
  azureValidation: AzureValidationSummary;
  /** The region the files are restored in (vault region, or its secondary region), when known. */
  restoreRegion: string | undefined;
  /** The vault as read during the checks (absent when Azure could not be asked or did not answer). */
  vault: VaultPosture | undefined;
}

/** Used when Azure throttles without saying for how long. */
const DEFAULT_RETRY_AFTER_SECONDS = 30;

export async function runPrechecks(
  request: DataRestoreRequest,
  deps: { azure: PrecheckAzure; policy: PrecheckPolicy },
): Promise<PrecheckResult> {
  const { azure, policy } = deps;
  const failures: BotError[] = [];
  const warnings: BotError[] = [];
  const done = (
    restoreRegion: string | undefined,
    vault: VaultPosture | undefined,
    azureValidation: AzureValidationSummary = { status: 'skipped' },
  ): PrecheckResult => ({ ok: failures.length === 0, failures, warnings, azureValidation, restoreRegion, vault });

  // Scope first: nothing about a vault outside the policy's subscriptions is sent to Azure.
  const subscriptionId = subscriptionOf(request.vault.id);
  if (!subscriptionId || !policy.isSubscriptionInScope(subscriptionId)) {
    failures.push(
      botError('PRECHECK_VAULT_OUT_OF_SCOPE', { vaultName: request.vault.name, subscriptionId: subscriptionId ?? '?' }),
    );
    return done(undefined, undefined);
  }

  const secondary = request.regionMode === 'secondary';
  let vault: VaultPosture | undefined;
  // During an outage of the vault's region its GET fails (after the client's retries), which is exactly when
  // a secondary-region restore is needed. The bot's inventory then stands in for the vault, said with its
  // age; the checks in the secondary region and Azure's own validation still have to pass. The inventory is
  // read only when needed: the region is known to be down (its read is skipped), or the read just failed.
  const knownDown = azure.regionOutage?.(normalizeRegion(request.vault.location));
  const stored = knownDown ? await storedVaultOf(azure, request.vault.id) : undefined;
  if (knownDown && stored) {
    vault = vaultPosture(stored.vault);
    warnings.push(...inventoryWarnings(request, stored, knownDown.code));
  } else {
    try {
      vault = vaultPosture(await azure.getVault(request.vault.id));
    } catch (error) {
      const azureError = asAzureError(error);
      const fallback = isUnavailable(azureError) ? await storedVaultOf(azure, request.vault.id) : undefined;
      if (fallback) {
        vault = vaultPosture(fallback.vault);
        warnings.push(...inventoryWarnings(request, fallback, azureError.code));
      } else if (secondary && isUnavailable(azureError)) {
        warnings.push(botError('PRECHECK_VAULT_UNREADABLE', { vaultName: request.vault.name, code: azureError.code }));
      } else {
        failures.push(
          isNotFound(azureError)
            ? botError('PRECHECK_VAULT_NOT_FOUND', { vaultName: request.vault.name }, { cause: error })
            : azureFailure(azureError, `reading vault ${request.vault.name}`),
        );
        return done(undefined, undefined);
      }
    }
  }

  if (vault) {
    if (enumIs(vault.immutability, 'Disabled'))
      warnings.push(botError('PRECHECK_IMMUTABILITY_DISABLED', { vaultName: vault.name }));
    if (enumIs(vault.softDelete, 'Off')) warnings.push(botError('PRECHECK_SOFT_DELETE_OFF', { vaultName: vault.name }));
  }

  const sourceRegion = vault?.location ?? normalizeRegion(request.vault.location);
  const restoreRegion = secondary ? (vault ? vault.secondaryRegion : pairedRegion(sourceRegion)) : sourceRegion;
  if (!restoreRegion) {
    failures.push(
      botError('PRECHECK_SECONDARY_REGION_UNKNOWN', { vaultName: request.vault.name, location: sourceRegion }),
    );
    return done(undefined, vault);
  }

  let secondaryUsable = true;
  if (secondary && vault && !supportsSecondaryRestore(vault)) {
    secondaryUsable = false;
    failures.push(
      enumIs(vault.storageRedundancy, 'GeoRedundant')
        ? botError('PRECHECK_CRR_DISABLED', { vaultName: vault.name, secondaryRegion: restoreRegion })
        : botError('PRECHECK_SECONDARY_NOT_GEO_REDUNDANT', {
            vaultName: vault.name,
            redundancy: vault.storageRedundancy,
            location: vault.location,
          }),
    );
  }

  if (!secondary || secondaryUsable) {
    const pointFailure = await checkRecoveryPoint(request, azure, secondary, sourceRegion, restoreRegion);
    if (pointFailure) failures.push(pointFailure);
  }

  const targetFailure = checkTarget(request, policy, restoreRegion);
  if (targetFailure) failures.push(targetFailure);

  if (failures.length > 0) return done(restoreRegion, vault);
  const azureValidation = await validateWithAzure(request, azure, secondary, sourceRegion, restoreRegion, failures);
  return done(restoreRegion, vault, azureValidation);
}

/** The inventory's copy of the vault, when there is an inventory and it has one; its trouble is no failure. */
async function storedVaultOf(azure: PrecheckAzure, vaultId: string): Promise<StoredVaultJson | undefined> {
  try {
    return await azure.storedVault?.(vaultId);
  } catch {
    return undefined;
  }
}

/**
 * What the checks say when the vault's region does not answer and its stored copy is used: how old that copy
 * is, and whether the backup instance was in it (neither blocks: Azure's validation decides).
 */
function inventoryWarnings(request: DataRestoreRequest, stored: StoredVaultJson, code: string): BotError[] {
  const region = normalizeRegion(stored.vault.location);
  const warnings = [
    botError('PRECHECK_VAULT_FROM_INVENTORY', {
      vaultName: request.vault.name,
      region,
      code,
      knownAt: stored.refreshedAt,
      age: ageWords(stored.ageSeconds),
      ...(stored.instancesRefreshedAt && {
        serversKnownAt: stored.instancesRefreshedAt,
        serversAge: ageWords(stored.instancesAgeSeconds ?? 0),
      }),
    }),
  ];
  const wanted = request.backupInstance.id.toLowerCase();
  if (stored.instanceIds && !stored.instanceIds.some((id) => id.toLowerCase() === wanted)) {
    warnings.push(
      botError('PRECHECK_INSTANCE_NOT_IN_INVENTORY', {
        serverName: request.backupInstance.serverName,
        vaultName: request.vault.name,
      }),
    );
  }
  return warnings;
}

/** The stored form of a result, for the request and the approval card. */
export function toValidationRecord(result: PrecheckResult, now: Date): ValidationRecord {
  const plain = (e: BotError) => ({ code: e.code, message: e.message });
  return {
    ok: result.ok,
    checkedAt: now.toISOString(),
    failures: result.failures.map(plain),
    warnings: result.warnings.map(plain),
    azure: { ...result.azureValidation },
  };
}

async function checkRecoveryPoint(
  request: DataRestoreRequest,
  azure: PrecheckAzure,
  secondary: boolean,
  sourceRegion: string,
  restoreRegion: string,
): Promise<BotError | undefined> {
  const point = request.recoveryPoint;
  const serverName = request.backupInstance.serverName;
  let found: RecoveryPointJson | undefined;
  try {
    if (secondary) {
      // The point's own time bounds the list to it (one call), not every point replicated there.
      const points = await azure.fetchSecondaryRecoveryPoints({
        secondaryRegion: restoreRegion,
        sourceRegion,
        backupInstanceId: request.backupInstance.id,
        ...rangeAround(point.time),
      });
      found = points.find((p) => p.name === point.id || p.properties.recoveryPointId === point.id);
    } else {
      found = await azure.getRecoveryPoint(request.backupInstance.id, point.id);
    }
  } catch (error) {
    const azureError = asAzureError(error);
    if (isNotFound(azureError)) found = undefined;
    else if (azureError.code === 'CrossRegionRestoreNotEnabled') {
      return botError('PRECHECK_CRR_DISABLED', { vaultName: request.vault.name, secondaryRegion: restoreRegion });
    } else return azureFailure(azureError, `reading the recovery point of ${serverName}`);
  }
  if (!found) {
    return secondary
      ? botError('PRECHECK_POINT_NOT_REPLICATED', { pointTime: point.time, serverName, secondaryRegion: restoreRegion })
      : botError('PRECHECK_POINT_NOT_FOUND', { pointTime: point.time, serverName });
  }
  const state = found.properties.recoveryPointState;
  if (state !== undefined && !enumIs(state, 'Completed')) {
    return botError('PRECHECK_POINT_NOT_COMPLETED', {
      pointTime: found.properties.recoveryPointTime ?? point.time,
      state,
    });
  }
  return undefined;
}

/** The window that holds the point, as ISO times; none when the stored time is unreadable (then: every point). */
function rangeAround(time: string): { range?: { startDate: string; endDate: string } } {
  const at = new Date(time);
  if (Number.isNaN(at.getTime())) return {};
  const { startDate, endDate } = windowAroundPointTime(at);
  return { range: { startDate: startDate.toISOString(), endDate: endDate.toISOString() } };
}

function checkTarget(request: DataRestoreRequest, policy: PrecheckPolicy, restoreRegion: string): BotError | undefined {
  const configured = policy.target(request.target.name);
  // The URL is compared too: approvers saw this container, and the policy may have changed since.
  if (!configured || configured.containerUrl !== request.target.containerUrl) {
    return botError('PRECHECK_TARGET_UNKNOWN', { targetName: request.target.name });
  }
  if (normalizeRegion(configured.region) !== restoreRegion) {
    return botError('PRECHECK_TARGET_NOT_ALLOWED', {
      targetName: configured.name,
      targetRegion: configured.region,
      restoreRegion,
      allowed: policy.targetsIn(restoreRegion).map((t) => t.name),
    });
  }
  return undefined;
}

async function validateWithAzure(
  request: DataRestoreRequest,
  azure: PrecheckAzure,
  secondary: boolean,
  sourceRegion: string,
  restoreRegion: string,
  failures: BotError[],
): Promise<AzureValidationSummary> {
  let outcome: OperationOutcomeJson;
  try {
    outcome = secondary
      ? await azure.validateCrossRegionRestore({
          secondaryRegion: restoreRegion,
          body: crossRegionRestoreBody(request, sourceRegion, restoreRegion),
        })
      : await azure.validateRestore({
          backupInstanceId: request.backupInstance.id,
          body: restoreBody(request, restoreRegion),
        });
  } catch (error) {
    const azureError = asAzureError(error);
    if (azureError.code === 'CrossRegionRestoreNotEnabled') {
      failures.push(
        botError('PRECHECK_CRR_DISABLED', { vaultName: request.vault.name, secondaryRegion: restoreRegion }),
      );
      return { status: 'Failed', code: azureError.code, message: azureError.message };
    }
    if (azureError.code === 'UserErrorRecoveryPointNotFound') {
      const pointTime = request.recoveryPoint.time;
      const serverName = request.backupInstance.serverName;
      failures.push(
        secondary
          ? botError('PRECHECK_POINT_NOT_REPLICATED', { pointTime, serverName, secondaryRegion: restoreRegion })
          : botError('PRECHECK_POINT_NOT_FOUND', { pointTime, serverName }),
      );
      return { status: 'Failed', code: azureError.code, message: azureError.message };
    }
    // A 4xx that is not about throttling or permissions is Azure's verdict on the restore itself.
    if (isClientError(azureError) && !isThrottled(azureError) && !isForbidden(azureError)) {
      failures.push(botError('PRECHECK_VALIDATION_FAILED', { code: azureError.code, message: azureError.message }));
      return { status: 'Failed', code: azureError.code, message: azureError.message };
    }
    failures.push(azureFailure(azureError, "running Azure's restore validation"));
    return { status: 'unavailable', code: azureError.code, message: azureError.message };
  }
  if (enumIs(outcome.status, 'Succeeded')) return { status: 'Succeeded' };
  const code = outcome.error?.code ?? 'ValidationFailed';
  const message = outcome.error?.message ?? `the validation ended ${outcome.status}`;
  failures.push(botError('PRECHECK_VALIDATION_FAILED', { code, message }));
  return { status: 'Failed', code, message };
}

function subscriptionOf(armId: string): string | undefined {
  return /^\/subscriptions\/([^/]+)\//i.exec(armId)?.[1];
}

const THROTTLED_CODES = new Set(['SubscriptionRequestsThrottled', 'TooManyRequests', 'AZURE_THROTTLED']);
const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'GatewayTimeout',
  'BadGateway',
  'AZURE_UNAVAILABLE',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
]);
const FORBIDDEN_CODES = new Set([
  'AuthorizationFailed',
  'AuthenticationFailed',
  'InvalidAuthenticationToken',
  'LinkedAuthorizationFailed',
]);

/**
 * The port promises AzureErrorLike; anything else (a bug) is still reported as a failure rather than
 * crashing the approval flow, with its message kept for the operator.
 */
function asAzureError(error: unknown): AzureErrorLike & { status?: number; retryAfterSeconds?: number } {
  if (!isAzureErrorLike(error)) {
    return { code: 'UnexpectedError', message: error instanceof Error ? error.message : String(error) };
  }
  const details = (error as { details?: { status?: unknown; retryAfterSeconds?: unknown } }).details;
  return {
    code: error.code,
    message: error.message,
    status: error.status ?? (typeof details?.status === 'number' ? details.status : undefined),
    retryAfterSeconds:
      error.retryAfterSeconds ??
      (typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined),
  };
}

function isNotFound(error: AzureErrorLike): boolean {
  return error.status === 404 || error.code === 'ResourceNotFound' || error.code === 'NotFound';
}

function isUnavailable(error: AzureErrorLike): boolean {
  return (
    UNAVAILABLE_CODES.has(error.code) || (error.status !== undefined && error.status >= 502 && error.status <= 504)
  );
}

function isClientError(error: AzureErrorLike): boolean {
  return error.status !== undefined && error.status >= 400 && error.status < 500;
}

function isThrottled(error: AzureErrorLike): boolean {
  return error.status === 429 || THROTTLED_CODES.has(error.code);
}

function isForbidden(error: AzureErrorLike): boolean {
  return error.status === 401 || error.status === 403 || FORBIDDEN_CODES.has(error.code);
}

function azureFailure(error: AzureErrorLike, what: string): BotError {
  if (isThrottled(error)) {
    return botError('PRECHECK_AZURE_THROTTLED', { retryAfterSeconds: retryAfterSeconds(error) }, { cause: error });
  }
  if (isUnavailable(error)) {
    return botError('PRECHECK_AZURE_UNAVAILABLE', { what, code: error.code, message: error.message }, { cause: error });
  }
  if (isForbidden(error)) {
    return botError('PRECHECK_AZURE_FORBIDDEN', { what, code: error.code, message: error.message }, { cause: error });
  }
  return botError('PRECHECK_AZURE_ERROR', { what, code: error.code, message: error.message }, { cause: error });
}

/** Retry-After when Azure sent it, else the "try again after 'N' seconds" in ARM's throttling message. */
function retryAfterSeconds(error: AzureErrorLike): number {
  if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds >= 0) return Math.ceil(error.retryAfterSeconds);
  const fromMessage = /after '?(\d+)'? seconds?/i.exec(error.message);
  return fromMessage ? Number(fromMessage[1]) : DEFAULT_RETRY_AFTER_SECONDS;
}
