import type {
  AzureErrorLike,
  CrossRegionRestoreBody,
  OperationOutcomeJson,
  PrecheckAzure,
  RecoveryPointJson,
  RestoreRequestBody,
  VaultJson,
} from '../../../src/restore';

/**
 * Azure's Data Protection data at the prechecks port: vaults, recovery points (primary and replicated),
 * validation outcomes, and injected errors. It answers the way the REST API does (404 ResourceNotFound,
 * 400 CrossRegionRestoreNotEnabled for cross-region calls on a vault without CRR), and logs every call.
 */
export class InMemoryAzure implements PrecheckAzure {
  readonly calls: Array<{ method: keyof PrecheckAzure; input: unknown }> = [];
  readonly vaults = new Map<string, VaultJson>();
  readonly points = new Map<string, RecoveryPointJson[]>();
  readonly secondaryPoints = new Map<string, RecoveryPointJson[]>();
  readonly validationOutcomes = new Map<string, OperationOutcomeJson>();
  private readonly faults = new Map<keyof PrecheckAzure, AzureErrorLike | Error>();

  /** Makes every call of `method` fail with `error`. */
  fail(method: keyof PrecheckAzure, error: AzureErrorLike | Error): this {
    this.faults.set(method, error);
    return this;
  }

  addVault(vault: VaultJson): this {
    this.vaults.set(vault.id.toLowerCase(), vault);
    return this;
  }

  async getVault(vaultId: string): Promise<VaultJson> {
    this.enter('getVault', vaultId);
    return structuredClone(this.vault(vaultId));
  }

  async getRecoveryPoint(backupInstanceId: string, recoveryPointId: string): Promise<RecoveryPointJson> {
    this.enter('getRecoveryPoint', { backupInstanceId, recoveryPointId });
    const point = this.points.get(backupInstanceId)?.find((p) => p.name === recoveryPointId);
    if (!point) throw notFound(`recoveryPoints/${recoveryPointId}`);
    return structuredClone(point);
  }

  async fetchSecondaryRecoveryPoints(input: {
    secondaryRegion: string;
    sourceRegion: string;
    backupInstanceId: string;
    range?: { startDate: string; endDate: string };
  }): Promise<RecoveryPointJson[]> {
    this.enter('fetchSecondaryRecoveryPoints', input);
    this.requireCrossRegion(vaultIdOf(input.backupInstanceId));
    const { range } = input;
    const inRange = (p: RecoveryPointJson) => {
      const time = Date.parse(p.properties.recoveryPointTime ?? '');
      return !range || (time >= Date.parse(range.startDate) && time <= Date.parse(range.endDate));
    };
    return structuredClone((this.secondaryPoints.get(input.backupInstanceId) ?? []).filter(inRange));
  }

  async validateRestore(input: { backupInstanceId: string; body: RestoreRequestBody }): Promise<OperationOutcomeJson> {
    this.enter('validateRestore', input);
    this.vault(vaultIdOf(input.backupInstanceId));
    return this.validationOutcomes.get(input.backupInstanceId) ?? { status: 'Succeeded' };
  }

  async validateCrossRegionRestore(input: {
    secondaryRegion: string;
    body: CrossRegionRestoreBody;
  }): Promise<OperationOutcomeJson> {
    this.enter('validateCrossRegionRestore', input);
    const instanceId = input.body.crossRegionRestoreDetails.sourceBackupInstanceId;
    this.requireCrossRegion(vaultIdOf(instanceId));
    const replicated = this.secondaryPoints.get(instanceId) ?? [];
    if (!replicated.some((p) => p.name === input.body.restoreRequestObject.recoveryPointId)) {
      throw {
        code: 'UserErrorRecoveryPointNotFound',
        message: 'The recovery point is not in the secondary region.',
        status: 400,
      };
    }
    return this.validationOutcomes.get(instanceId) ?? { status: 'Succeeded' };
  }

  private enter(method: keyof PrecheckAzure, input: unknown): void {
    this.calls.push({ method, input });
    const fault = this.faults.get(method);
    if (fault) throw fault;
  }

  private vault(vaultId: string): VaultJson {
    const vault = this.vaults.get(vaultId.toLowerCase());
    if (!vault) throw notFound(vaultId);
    return vault;
  }

  private requireCrossRegion(vaultId: string): void {
    const props = this.vault(vaultId).properties;
    const grs = props.storageSettings?.some((s) => s.type === 'GeoRedundant');
    if (!grs || props.featureSettings?.crossRegionRestoreSettings?.state !== 'Enabled') {
      throw {
        code: 'CrossRegionRestoreNotEnabled',
        message: 'Cross Region Restore is not enabled on the vault.',
        status: 400,
      };
    }
  }
}

function notFound(what: string): AzureErrorLike {
  return { code: 'ResourceNotFound', message: `The Resource '${what}' was not found.`, status: 404 };
}

function vaultIdOf(instanceId: string): string {
  return instanceId.replace(/\/backupInstances\/[^/]+$/i, '');
}

/** A vault as BackupVaults_Get returns it. */
export function vaultJson(
  id: string,
  location: string,
  settings: {
    redundancy?: string;
    crr?: string;
    immutability?: string;
    softDelete?: string;
    replicatedRegions?: string[];
  } = {},
): VaultJson {
  const redundancy = settings.redundancy ?? 'GeoRedundant';
  return {
    id,
    name: id.split('/').pop()!,
    location,
    properties: {
      storageSettings: [{ datastoreType: 'VaultStore', type: redundancy }],
      featureSettings: { crossRegionRestoreSettings: { state: settings.crr ?? 'Enabled' } },
      securitySettings: {
        immutabilitySettings: { state: settings.immutability ?? 'Unlocked' },
        softDeleteSettings: { state: settings.softDelete ?? 'On', retentionDurationInDays: 14 },
      },
      replicatedRegions: settings.replicatedRegions ?? (redundancy === 'GeoRedundant' ? ['westus'] : []),
    },
  };
}

export function pointJson(name: string, time: string, state = 'Completed'): RecoveryPointJson {
  return {
    id: `.../recoveryPoints/${name}`,
    name,
    properties: {
      objectType: 'AzureBackupDiscreteRecoveryPoint',
      recoveryPointId: name,
      recoveryPointTime: time,
      recoveryPointState: state,
    },
  };
}
