/**
 * Everything the notifier says in a thread, keyed, so wording changes here and nowhere else. The started
 * line is the conversation's own (RESTORE_STARTED in src/dialogs/messages.ts): it used to be posted by the
 * approval click and reads the same now that the notifier posts it.
 */
type NoParams = Record<string, never>;

export const NOTIFIER_TEXT = {
  STARTED_DETAIL: (p: { server: string; where: string }) =>
    `Azure is restoring ${p.server} as files in the ${p.where}. I will post here when it ends.`,
  PORTAL_LINK: (p: { url: string }) => `Azure portal (Backup center → Backup jobs): ${p.url}`,

  PROGRESS_TASK_DONE: (p: { requestId: string; task: string }) => `Restore ${p.requestId}: ${p.task} completed`,
  PROGRESS_HALF: (p: { requestId: string; task: string; percent: number }) =>
    `Restore ${p.requestId}: ${p.task} at ${p.percent}%`,

  COMPLETED: (p: { requestId: string; server: string }) =>
    `Restore ${p.requestId} completed: ${p.server} is in the container as files`,
  COMPLETED_WITH_WARNINGS: (p: { requestId: string; server: string }) =>
    `Restore ${p.requestId} completed with warnings: ${p.server} is in the container as files`,
  FAILED: (p: { requestId: string; code: string }) => `Restore ${p.requestId} failed: ${p.code}`,
  CANCELLED: (p: { requestId: string }) => `Restore ${p.requestId} was cancelled in Azure`,

  FILES_WHERE: (p: { containerUrl: string; prefix: string }) =>
    `The files are in ${p.containerUrl}, named ${p.prefix}…`,
  DOWNLOAD_STEP: (p: { account: string; container: string; prefix: string }) =>
    `1. Download them: az storage blob download-batch --auth-mode login --account-name ${p.account} --source ${p.container} --pattern "${p.prefix}*" --destination ./${p.prefix}`,
  PG_RESTORE_STEP: (p: { prefix: string }) =>
    `2. Load each database file into the target server: pg_restore --host <server>.postgres.database.azure.com --port 5432 --username <admin user> --dbname <database> --no-owner --no-acl --jobs 4 --verbose ./${p.prefix}/<database file>`,
  ROLES_NOTE: (_: NoParams) =>
    'Roles and schema come as their own .sql files: run those with psql first where you need them.',

  FAILED_WHAT_NEXT: (p: { action: string }) => `What to do: ${p.action}`,

  STUCK: (p: { requestId: string; jobId: string; runningFor: string }) =>
    `Restore ${p.requestId} has been running for ${p.runningFor} (job ${p.jobId}). I keep following it and will post when it ends; check it in the Azure portal if that is longer than expected.`,
  UNKNOWN_NOT_FOUND: (p: { requestId: string; jobId: string; since: string }) =>
    `Restore ${p.requestId}: Azure has not known job ${p.jobId} since ${p.since}. I stop following it; look for the restore under Backup jobs in the Azure portal, and ask again if it is not there.`,
  UNKNOWN_UNREADABLE: (p: { requestId: string; jobId: string; since: string; code: string }) =>
    `Restore ${p.requestId}: I have not been able to read job ${p.jobId} since ${p.since} (${p.code}). I keep trying and will post when it ends.`,

  REPEAT_NOTE: (_: NoParams) =>
    'The bot restarted while posting this, and Teams gives no way to check what was sent: you may see this message twice.',
} satisfies Record<string, (params: never) => string>;

export type NotifierTextKey = keyof typeof NOTIFIER_TEXT;

export function tell<K extends NotifierTextKey>(key: K, params: Parameters<(typeof NOTIFIER_TEXT)[K]>[0]): string {
  return (NOTIFIER_TEXT[key] as (p: typeof params) => string)(params);
}

/**
 * What to do about a failed restore, for the error codes PG Flexible Server restores are known to fail with.
 * Codes not listed fall back to Azure's own recommended action, then to a generic pointer.
 */
export const SUGGESTED_ACTIONS: Readonly<Record<string, string>> = Object.freeze({
  UserErrorMSIMissingPermissions:
    "Grant the Backup vault's managed identity the Storage Blob Data Contributor role on the target storage account, then ask for the restore again.",
  UserErrorMaxConcurrentOperationLimitReached:
    'Wait for the operations already running on this backup instance to finish (see /restore jobs), then ask for the restore again.',
  UserErrorStorageAccountNotFound:
    "Check the container URL in the policy's restoreTargets, and that the storage account allows access from Azure Backup (public network access, AllowCrossTenantReplication).",
  UserErrorTargetContainerNotFound:
    "Create the container named in the policy's restoreTargets (or fix its URL), then ask for the restore again.",
  UserErrorRecoveryPointNotFound:
    'The recovery point is gone from that region (retention or replication); ask again with a point the wizard lists.',
  UserErrorFileAlreadyExists:
    'Files with this prefix are already in the container; remove them or ask again (a new request gets a new prefix).',
  PostgreSQLFlexOperationFailedUserError:
    'Check that the server is in the Ready state and that its resource group still exists, then ask again.',
  CrossRegionRestoreNotEnabled:
    'Cross Region Restore is not enabled on the vault: enable it with /restore vaults, or restore in the primary region.',
  AuthorizationFailed:
    "The bot's identity or the vault's managed identity lacks a role; check the vault's Access control (IAM) and the target storage account's.",
});

export const GENERIC_ACTION =
  'Look the error code up in the Azure Backup troubleshooting guide for PostgreSQL flexible server; /restore status shows the job.';
