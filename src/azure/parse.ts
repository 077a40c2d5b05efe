import { z } from 'zod';
import { AzureError } from './errors';
import type {
  ArmList,
  AzureBackupJobResource,
  AzureBackupRecoveryPointResource,
  BackupInstanceResource,
  BackupVaultResource,
  OperationJobExtendedInfo,
  OperationResource,
  Subscription,
} from './models';

/**
 * The model layer: checks the fields restore-bot relies on and keeps everything else as Azure sent it
 * (loose objects), so new or unknown properties never break parsing. A body that lacks a relied-on field
 * is an AZURE_UNEXPECTED_RESPONSE, named after the operation that returned it.
 */
const str = z.string();
const optStr = z.string().optional().nullable();

const resource = { id: str, name: str, type: str };

const subscriptionSchema = z.looseObject({ id: str, subscriptionId: str, displayName: optStr, state: optStr });

const vaultSchema = z.looseObject({
  ...resource,
  location: str,
  properties: z.looseObject({
    storageSettings: z
      .array(z.looseObject({ datastoreType: optStr, type: optStr }))
      .optional()
      .default([]),
    replicatedRegions: z.array(str).optional().nullable(),
  }),
});

const instanceSchema = z.looseObject({
  ...resource,
  properties: z.looseObject({ dataSourceInfo: z.looseObject({ resourceID: str }) }),
});

const recoveryPointSchema = z.looseObject({
  ...resource,
  properties: z.looseObject({ objectType: str, recoveryPointTime: str }),
});

const jobSchema = z.looseObject({ ...resource, properties: z.looseObject({ status: str }) });

const operationResourceSchema = z.looseObject({ status: optStr });

function listOf(item: z.ZodType) {
  return z.looseObject({ value: z.array(item).optional().default([]), nextLink: optStr });
}

function parseWith<T>(schema: z.ZodType, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new AzureError(
      'AZURE_UNEXPECTED_RESPONSE',
      `Azure returned a ${what} this client cannot read: ${z.prettifyError(result.error).slice(0, 500)}`,
      {
        details: { what },
      },
    );
  }
  return result.data as T;
}

function parseList<T>(schema: z.ZodType, body: unknown, what: string): ArmList<T> {
  const list = parseWith<{ value: T[]; nextLink?: string | null }>(listOf(schema), body, `${what} list`);
  return { value: list.value, ...(list.nextLink ? { nextLink: list.nextLink } : {}) };
}

export const parseSubscription = (body: unknown) => parseWith<Subscription>(subscriptionSchema, body, 'subscription');
export const parseSubscriptionList = (body: unknown) =>
  parseList<Subscription>(subscriptionSchema, body, 'subscription');
export const parseVault = (body: unknown) => parseWith<BackupVaultResource>(vaultSchema, body, 'backup vault');
export const parseVaultList = (body: unknown) => parseList<BackupVaultResource>(vaultSchema, body, 'backup vault');
export const parseBackupInstance = (body: unknown) =>
  parseWith<BackupInstanceResource>(instanceSchema, body, 'backup instance');
export const parseBackupInstanceList = (body: unknown) =>
  parseList<BackupInstanceResource>(instanceSchema, body, 'backup instance');
export const parseRecoveryPoint = (body: unknown) =>
  parseWith<AzureBackupRecoveryPointResource>(recoveryPointSchema, body, 'recovery point');
export const parseRecoveryPointList = (body: unknown) =>
  parseList<AzureBackupRecoveryPointResource>(recoveryPointSchema, body, 'recovery point');
export const parseJob = (body: unknown) => parseWith<AzureBackupJobResource>(jobSchema, body, 'backup job');
export const parseJobList = (body: unknown) => parseList<AzureBackupJobResource>(jobSchema, body, 'backup job');
export const parseOperationResource = (body: unknown) =>
  parseWith<OperationResource>(operationResourceSchema, body, 'operation status');

/**
 * Reads `OperationJobExtendedInfo` from either the operation result (`{objectType, jobId}`) or an operation
 * status body (`{status, properties: {objectType, jobId}}`); Azure answers with either depending on the URL.
 */
export function extractJobInfo(body: unknown): OperationJobExtendedInfo | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const candidate =
    typeof record.jobId === 'string' ? record : (record.properties as Record<string, unknown> | undefined);
  if (!candidate || typeof candidate.jobId !== 'string' || candidate.jobId === '') return undefined;
  return {
    objectType: typeof candidate.objectType === 'string' ? candidate.objectType : 'OperationJobExtendedInfo',
    jobId: candidate.jobId,
  };
}
