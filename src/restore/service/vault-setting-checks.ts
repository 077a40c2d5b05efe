import type { DataProtectionClient } from '../../azure';
import { isAzureError } from '../../azure';
import { parseVaultId } from '../../azure/arm-id';
import { asBotError, type BotError } from '../../errors';
import type { StoreTx } from '../../store';
import { botError } from '../messages';
import type { Policy } from '../policy';
import type { IssueRecord, RequestState, RestoreRequest, ValidationRecord, VaultSettingRequest } from '../request';
import { type VaultPosture, vaultPosture } from '../vault-posture';
import { changeWarnings, refuseVaultChange, specOf } from '../vault-settings';

/**
 * The checks of a vault-setting request: at creation (is this change possible on the vault as it is now, and
 * is nobody already asking for it?) and again right before the PATCH. The vault is always read fresh from
 * Azure: a remembered copy is no ground for an irreversible change.
 */

export type VaultSettingAzure = Pick<DataProtectionClient, 'getVault' | 'updateVault' | 'resumeVaultUpdate'>;

export type VaultReading =
  | { ok: true; posture: VaultPosture }
  /** Azure could not answer now (throttled, unavailable): ask again later. */
  | { ok: false; transient: true; error: BotError }
  /** Azure answered, and the answer rules the change out (no such vault, no permission). */
  | { ok: false; transient: false; error: BotError };

export async function readVaultForChange(
  azure: Pick<VaultSettingAzure, 'getVault'>,
  vault: { id: string; name: string },
): Promise<VaultReading> {
  try {
    return { ok: true, posture: vaultPosture(await azure.getVault(vault.id)) };
  } catch (error) {
    const what = `reading vault ${vault.name}`;
    if (!isAzureError(error)) {
      const bot = asBotError(error);
      return { ok: false, transient: true, error: botError('PRECHECK_AZURE_ERROR', { what, ...issue(bot) }) };
    }
    const found = { code: error.armCode ?? error.code, message: error.message };
    if (error.status === 404) {
      return { ok: false, transient: false, error: botError('PRECHECK_VAULT_NOT_FOUND', { vaultName: vault.name }) };
    }
    if (error.status === 429 || error.code === 'AZURE_THROTTLED') {
      const retryAfterSeconds = Math.ceil((error.retryAfterMs ?? 30_000) / 1000);
      return { ok: false, transient: true, error: botError('PRECHECK_AZURE_THROTTLED', { retryAfterSeconds }) };
    }
    if (error.status === 401 || error.status === 403) {
      return { ok: false, transient: false, error: botError('PRECHECK_AZURE_FORBIDDEN', { what, ...found }) };
    }
    if (error.status === undefined || error.status >= 500 || error.status === 408) {
      return { ok: false, transient: true, error: botError('PRECHECK_AZURE_UNAVAILABLE', { what, ...found }) };
    }
    return { ok: false, transient: false, error: botError('PRECHECK_AZURE_ERROR', { what, ...found }) };
  }
}

export interface VaultSettingPrecheck {
  ok: boolean;
  failures: BotError[];
  warnings: BotError[];
  posture: VaultPosture | undefined;
}

/** Scope, then the vault as Azure has it now, then the rules of the change (vault-settings.ts). */
export async function runVaultSettingPrechecks(
  request: VaultSettingRequest,
  deps: { azure: Pick<VaultSettingAzure, 'getVault'>; policy: Pick<Policy, 'isSubscriptionInScope'> },
): Promise<VaultSettingPrecheck> {
  const result = (failures: BotError[], warnings: BotError[] = [], posture?: VaultPosture): VaultSettingPrecheck => ({
    ok: failures.length === 0,
    failures,
    warnings,
    posture,
  });
  const subscriptionId = subscriptionOf(request.vault.id);
  if (!subscriptionId || !deps.policy.isSubscriptionInScope(subscriptionId)) {
    return result([
      botError('PRECHECK_VAULT_OUT_OF_SCOPE', { vaultName: request.vault.name, subscriptionId: subscriptionId ?? '?' }),
    ]);
  }
  const read = await readVaultForChange(deps.azure, request.vault);
  if (!read.ok) return result([read.error]);
  const refusal = refuseVaultChange(read.posture, request.change);
  return result(refusal ? [refusal] : [], changeWarnings(read.posture, request.change), read.posture);
}

/** The stored form of the checks, for the request and its approval card (Azure has no validation for a PATCH). */
export function vaultSettingValidation(check: VaultSettingPrecheck, now: Date): ValidationRecord {
  return {
    ok: check.ok,
    checkedAt: now.toISOString(),
    failures: check.failures.map(issue),
    warnings: check.warnings.map(issue),
    azure: { status: 'skipped', message: 'Azure offers no validation for vault updates; the vault was read instead.' },
  };
}

/** States in which a request may still change the vault. */
const OPEN_STATES: readonly RequestState[] = ['awaiting_approval', 'approved', 'triggering', 'running'];

/**
 * Runs inside the insert's transaction: one request per setting of a vault at a time, so a double click on
 * "Request approval" (or two people asking at once) cannot put two changes of the same setting in front of
 * approvers. The advisory lock serialises the check-then-insert across replicas (PostgreSQL and PGlite).
 */
export function noOtherOpenRequest(request: VaultSettingRequest): (tx: StoreTx) => Promise<void> {
  return async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`vault-setting:${request.vault.id.toLowerCase()}`]);
    const open = await tx.requests.list<RestoreRequest>({ kind: 'vault-setting', states: OPEN_STATES, limit: 1000 });
    const clash = open.find((record) => {
      const other = record.data;
      return (
        other.kind === 'vault-setting' &&
        other.vault.id.toLowerCase() === request.vault.id.toLowerCase() &&
        other.change.setting === request.change.setting
      );
    });
    if (clash) {
      throw botError('VAULT_SETTING_ALREADY_REQUESTED', {
        vaultName: request.vault.name,
        setting: specOf(request.change).settingName,
        requestId: clash.id,
        state: clash.state as RequestState,
      });
    }
  };
}

function subscriptionOf(vaultId: string): string | undefined {
  try {
    return parseVaultId(vaultId).subscriptionId;
  } catch {
    return undefined;
  }
}

function issue(error: BotError): IssueRecord {
  return { code: error.code, message: error.message };
}
