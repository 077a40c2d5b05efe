import type { DataProtectionClient } from '../azure';
import { type AzureError, isAzureError } from '../azure';
import type { RestoreInventory } from './inventory';
import { isRegionUnreachable } from './inventory/outage';
import type {
  AzureErrorLike,
  OperationOutcomeJson,
  PrecheckAzure,
  RecoveryPointJson,
  StoredVaultJson,
  VaultJson,
} from './ports';

/**
 * The prechecks' Azure port over the real Data Protection client. Errors leave here as `AzureErrorLike`
 * with Azure's own code (`armCode`), so the prechecks branch on what Azure said, not on our HTTP layer.
 */

/** The client methods the prechecks need (the real client, or anything shaped like it). */
export type PrecheckClient = Pick<
  DataProtectionClient,
  'getVault' | 'getRecoveryPoint' | 'fetchSecondaryRecoveryPoints' | 'validateRestore' | 'validateCrossRegionRestore'
>;

/**
 * With an `inventory`, the vault read also keeps the inventory fresh, a vault whose region does not answer is
 * noted (so the next read skips the wait), and the prechecks can fall back on the stored vault.
 */
export function precheckAzureOver(client: PrecheckClient, inventory?: RestoreInventory): PrecheckAzure {
  return {
    getVault: (vaultId) =>
      mapErrors(async () => {
        if (!inventory) return (await client.getVault(vaultId)) as VaultJson;
        const at = inventory.now();
        try {
          const vault = await client.getVault(vaultId);
          inventory.noteAnswered(vault.location);
          await inventory.recordVault(vault, { at, onUse: true });
          return vault as VaultJson;
        } catch (error) {
          const known = isRegionUnreachable(error) ? await inventory.vault(vaultId) : undefined;
          if (known) inventory.noteUnreachable(known.vault.location, error);
          throw error;
        }
      }),

    ...(inventory && {
      storedVault: async (vaultId: string): Promise<StoredVaultJson | undefined> => {
        const known = await inventory.vault(vaultId);
        if (!known) return undefined;
        const ageOf = (time: Date) => Math.max(0, (inventory.now().getTime() - time.getTime()) / 1000);
        return {
          vault: known.vault as VaultJson,
          refreshedAt: known.refreshedAt.toISOString(),
          ageSeconds: ageOf(known.refreshedAt),
          ...(known.instances && { instanceIds: known.instances.map((i) => i.id) }),
          ...(known.instancesRefreshedAt && {
            instancesRefreshedAt: known.instancesRefreshedAt.toISOString(),
            instancesAgeSeconds: ageOf(known.instancesRefreshedAt),
          }),
        };
      },
      regionOutage: (region: string) => {
        const outage = inventory.outage(region);
        return (
          outage && {
            region: outage.region,
            code: outage.code,
            message: outage.message,
            since: outage.since.toISOString(),
          }
        );
      },
    }),

    getRecoveryPoint: (backupInstanceId, recoveryPointId) =>
      mapErrors(
        async () => (await client.getRecoveryPoint(backupInstanceId, recoveryPointId)) as unknown as RecoveryPointJson,
      ),

    fetchSecondaryRecoveryPoints: (input) =>
      mapErrors(async () => {
        const range = input.range && {
          startDate: new Date(input.range.startDate),
          endDate: new Date(input.range.endDate),
        };
        const source = { sourceRegion: input.sourceRegion, sourceBackupInstanceId: input.backupInstanceId };
        const pager = client.fetchSecondaryRecoveryPoints(input.secondaryRegion, source, range);
        return (await pager.toArray()) as unknown as RecoveryPointJson[];
      }),

    validateRestore: (input) =>
      mapErrors(async () => outcomeOf(await client.validateRestore(input.backupInstanceId, input.body))),

    validateCrossRegionRestore: (input) =>
      mapErrors(async () => outcomeOf(await client.validateCrossRegionRestore(input.secondaryRegion, input.body))),
  };
}

/**
 * A validation that ran to its end and said no is an answer (`Failed` with Azure's code), not an error:
 * the prechecks report it as "Azure's validation failed", while errors mean "Azure could not be asked".
 */
async function outcomeOf(operation: { pollUntilDone(): Promise<unknown> }): Promise<OperationOutcomeJson> {
  try {
    await operation.pollUntilDone();
    return { status: 'Succeeded' };
  } catch (error) {
    if (isAzureError(error, 'AZURE_OPERATION_FAILED')) {
      return { status: 'Failed', error: { code: error.armCode ?? 'OperationFailed', message: error.message } };
    }
    throw error;
  }
}

async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isAzureError(error) ? toAzureErrorLike(error) : error;
  }
}

/** Node's socket error codes worth passing on as they are: the prechecks know them as "unavailable". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * AzureError → the port's error: Azure's code when it sent one, else the socket error underneath, else our
 * stable code (timeouts and network failures become `AZURE_UNAVAILABLE`, which the prechecks read as such).
 */
export function toAzureErrorLike(error: AzureError): AzureErrorLike {
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  const code =
    error.armCode ??
    (typeof causeCode === 'string' && NETWORK_CODES.has(causeCode) ? causeCode : undefined) ??
    (error.code === 'AZURE_NETWORK' || error.code === 'AZURE_TIMEOUT' ? 'AZURE_UNAVAILABLE' : error.code);
  const mapped: AzureErrorLike = { code, message: error.message };
  if (error.status !== undefined) mapped.status = error.status;
  if (error.retryAfterMs !== undefined) mapped.retryAfterSeconds = Math.ceil(error.retryAfterMs / 1000);
  return mapped;
}
