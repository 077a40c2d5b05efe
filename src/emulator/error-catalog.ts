/**
 * Messages and suggested actions for the error codes a seed may ask for (`Failed:<Code>`). Codes not listed
 * still work: they get a generic message naming the code.
 */
export interface CatalogEntry {
  message: string;
  recommendedAction: string[];
  isUserError: boolean;
}

const CATALOG: Readonly<Record<string, CatalogEntry>> = Object.freeze({
  UserErrorMSIMissingPermissions: {
    message: "The Backup vault's managed identity lacks the permissions needed on the restore target storage account.",
    recommendedAction: [
      "Assign the 'Storage Blob Data Contributor' role on the target storage account to the Backup vault's managed identity, then retry.",
    ],
    isUserError: true,
  },
  UserErrorRecoveryPointNotFound: {
    message: 'The recovery point is not available in the requested region.',
    recommendedAction: ['Choose a recovery point listed for that region and retry.'],
    isUserError: true,
  },
  UserErrorMaxConcurrentOperationLimitReached: {
    message: 'Too many operations are running on this backup instance at the same time.',
    recommendedAction: ['Wait for the running operations to finish, then retry.'],
    isUserError: true,
  },
  PostgreSQLFlexOperationFailedUserError: {
    message: 'The PostgreSQL flexible server operation failed because of the server or its configuration.',
    recommendedAction: ['Check that the server is in the Ready state and that its resource group still exists.'],
    isUserError: true,
  },
  UserErrorStorageAccountNotFound: {
    message: 'The target storage account or container could not be reached.',
    recommendedAction: ['Check the container URL and that the storage account allows access from Azure Backup.'],
    isUserError: true,
  },
});

export function describeError(code: string): CatalogEntry {
  return (
    CATALOG[code] ?? {
      message: `The operation failed with error code ${code}.`,
      recommendedAction: ['Check the Azure Backup documentation for this error code.'],
      isUserError: code.startsWith('UserError'),
    }
  );
}
