import type { AbortSignalLike } from '@azure/abort-controller';
import type { TokenCredential } from '@azure/identity';
import { BotError } from '../errors';
import type { Logger } from '../log';
import { armPath, lastSegment, parseBackupInstanceId, parseJobId, parseVaultId, vaultIdOf } from './arm-id';
import { ArmOperation, DEFAULT_LRO_TIMING, type JobLroKind, kindOfSavedOperation, type LroTiming } from './lro';
import type {
  AzureBackupJobResource,
  AzureBackupRecoveryPointResource,
  AzureBackupRestoreRequest,
  BackupInstanceResource,
  BackupVaultResource,
  CrossRegionRestoreJobRequest,
  CrossRegionRestoreJobsRequest,
  CrossRegionRestoreRequestObject,
  FetchSecondaryRPsRequestParameters,
  OperationJobExtendedInfo,
  PatchResourceRequestInput,
  Subscription,
} from './models';
import { ArmPager } from './pager';
import {
  parseBackupInstance,
  parseBackupInstanceList,
  parseJob,
  parseJobList,
  parseRecoveryPoint,
  parseRecoveryPointList,
  parseSubscriptionList,
  parseVault,
  parseVaultList,
} from './parse';
import {
  buildRecoveryPointFilter,
  type ListPointsInWindow,
  newestInTimeWindows,
  type TimeWindowSearch,
} from './recovery-points';
import { normalizeRegion } from './regions';
import type { RetryMode, RetryOptions } from './retry-policy';
import { type ArmMethod, ArmTransport, type OnArmCall } from './transport';

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
export const DATA_PROTECTION_API_VERSION = '2026-07-01';
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

export interface DataProtectionClientOptions {
  /** Azure Resource Manager base URL; plain http only for loopback (the emulator). */
  endpoint?: string;
  credential: TokenCredential;
  apiVersion?: string;
  subscriptionsApiVersion?: string;
  retry?: RetryOptions;
  /** Per HTTP attempt; default 30 s. */
  timeoutMs?: number;
  /** Waits between long-running-operation polls. */
  lro?: Partial<LroTiming>;
  logger?: Logger;
  /** Called once per ARM call with its operation name, HTTP status (0 = no answer) and duration. */
  onCall?: OnArmCall;
  userAgentPrefix?: string;
}

export interface CallOptions {
  abortSignal?: AbortSignalLike;
}

export interface TriggerOptions extends CallOptions {
  /** `x-ms-authorization-auxiliary` for Resource Guard protected operations. Never logged. */
  auxiliaryToken?: string;
}

export interface RecoveryPointRange {
  startDate?: Date;
  endDate?: Date;
}

/** `before`, `now` and the window steps of the search (see `newestInTimeWindows`). */
export interface NewestRecoveryPointOptions extends CallOptions, TimeWindowSearch {}

const PROVIDER_PATH = 'providers/Microsoft.DataProtection';

/**
 * restore-bot's typed client for the Azure Data Protection (Backup vault) REST API.
 * All ids are ARM ids and are compared case-insensitively; every error is an AzureError.
 */
export class DataProtectionClient {
  readonly apiVersion: string;
  readonly subscriptionsApiVersion: string;
  readonly #transport: ArmTransport;
  readonly #lroTiming: LroTiming;

  constructor(options: DataProtectionClientOptions) {
    this.apiVersion = options.apiVersion ?? DATA_PROTECTION_API_VERSION;
    this.subscriptionsApiVersion = options.subscriptionsApiVersion ?? SUBSCRIPTIONS_API_VERSION;
    this.#lroTiming = { ...DEFAULT_LRO_TIMING, ...stripUndefined(options.lro ?? {}) };
    this.#transport = new ArmTransport({
      endpoint: options.endpoint ?? DEFAULT_ARM_ENDPOINT,
      credential: options.credential,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
      logger: options.logger,
      onCall: options.onCall,
      userAgentPrefix: options.userAgentPrefix,
    });
  }

  get endpoint(): string {
    return this.#transport.endpoint;
  }

  // ---- Subscriptions -----------------------------------------------------------------------------------

  listSubscriptions(options: CallOptions = {}): ArmPager<Subscription> {
    return this.#pager('Subscriptions_List', '/subscriptions', parseSubscriptionList, options, {
      apiVersion: this.subscriptionsApiVersion,
    });
  }

  // ---- Vaults --------------------------------------------------------------------------------------------

  async getVault(vaultId: string, options: CallOptions = {}): Promise<BackupVaultResource> {
    const body = await this.#get('BackupVaults_Get', armPath(vaultIdOf(vaultId)), options);
    return parseVault(body);
  }

  listVaultsInSubscription(subscriptionId: string, options: CallOptions = {}): ArmPager<BackupVaultResource> {
    const path = `/subscriptions/${encodeURIComponent(subscriptionId)}/${PROVIDER_PATH}/backupVaults`;
    return this.#pager('BackupVaults_GetInSubscription', path, parseVaultList, options);
  }

  listVaultsInResourceGroup(
    subscriptionId: string,
    resourceGroup: string,
    options: CallOptions = {},
  ): ArmPager<BackupVaultResource> {
    const path = `/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}/${PROVIDER_PATH}/backupVaults`;
    return this.#pager('BackupVaults_GetInResourceGroup', path, parseVaultList, options);
  }

  /**
   * PATCH the vault (long-running). Retried only on 429: if the call fails otherwise, read the vault back to
   * learn whether the change was applied.
   */
  async updateVault(
    vaultId: string,
    patch: PatchResourceRequestInput,
    options: TriggerOptions = {},
  ): Promise<ArmOperation<BackupVaultResource>> {
    const id = vaultIdOf(vaultId);
    return ArmOperation.start<BackupVaultResource>(this.#lroContext(), 'updateVault', id, {
      operation: 'BackupVaults_Update',
      method: 'PATCH',
      url: armPath(id),
      apiVersion: this.apiVersion,
      body: patch,
      retry: 'throttleOnly',
      headers: auxiliaryHeader(options.auxiliaryToken),
      abortSignal: options.abortSignal,
    });
  }

  // ---- Backup instances ----------------------------------------------------------------------------------

  listBackupInstances(vaultId: string, options: CallOptions = {}): ArmPager<BackupInstanceResource> {
    return this.#pager(
      'BackupInstances_List',
      `${armPath(vaultIdOf(vaultId))}/backupInstances`,
      parseBackupInstanceList,
      options,
    );
  }

  async getBackupInstance(instanceId: string, options: CallOptions = {}): Promise<BackupInstanceResource> {
    return parseBackupInstance(await this.#get('BackupInstances_Get', instancePath(instanceId), options));
  }

  // ---- Recovery points -----------------------------------------------------------------------------------

  /** Recovery points, optionally within [startDate, endDate] (inclusive, server-side `$filter`). Lazy pages. */
  listRecoveryPoints(
    instanceId: string,
    range: RecoveryPointRange & CallOptions = {},
  ): ArmPager<AzureBackupRecoveryPointResource> {
    const filter = buildRecoveryPointFilter(range);
    return this.#pager(
      'RecoveryPoints_List',
      `${instancePath(instanceId)}/recoveryPoints`,
      parseRecoveryPointList,
      range,
      {
        query: { $filter: filter },
      },
    );
  }

  async getRecoveryPoint(
    instanceId: string,
    recoveryPointName: string,
    options: CallOptions = {},
  ): Promise<AzureBackupRecoveryPointResource> {
    const path = `${instancePath(instanceId)}/recoveryPoints/${encodeURIComponent(recoveryPointName)}`;
    return parseRecoveryPoint(await this.#get('RecoveryPoints_Get', path, options));
  }

  /**
   * The newest recovery point (strictly before `before`, if given), found through `$filter` time windows
   * searched backwards (Azure documents no list order), never by reading the whole list.
   */
  async newestRecoveryPoint(
    instanceId: string,
    options: NewestRecoveryPointOptions = {},
  ): Promise<AzureBackupRecoveryPointResource | undefined> {
    const { abortSignal } = options;
    return newestOf((window) => this.listRecoveryPoints(instanceId, { ...window, abortSignal }), options);
  }

  /**
   * Recovery points already replicated to the secondary region (POST, then GET on each nextLink), optionally
   * within [startDate, endDate] (inclusive, the same `$filter` as listRecoveryPoints; nextLinks keep it).
   * `secondaryRegion` is the `{location}` of the call; routing uses the instance's subscription and group.
   */
  fetchSecondaryRecoveryPoints(
    secondaryRegion: string,
    source: FetchSecondaryRPsRequestParameters,
    options: CallOptions & RecoveryPointRange = {},
  ): ArmPager<AzureBackupRecoveryPointResource> {
    const ref = parseBackupInstanceId(source.sourceBackupInstanceId);
    const path = locationPath(ref.subscriptionId, ref.resourceGroup, secondaryRegion, 'fetchSecondaryRecoveryPoints');
    return this.#pager('FetchSecondaryRecoveryPoints_List', path, parseRecoveryPointList, options, {
      method: 'POST',
      query: { $filter: buildRecoveryPointFilter(options) },
      body: {
        sourceRegion: normalizeRegion(source.sourceRegion),
        sourceBackupInstanceId: source.sourceBackupInstanceId,
      },
    });
  }

  /** The newest point already replicated to the secondary region; the same window search as newestRecoveryPoint. */
  async newestSecondaryRecoveryPoint(
    secondaryRegion: string,
    source: FetchSecondaryRPsRequestParameters,
    options: NewestRecoveryPointOptions = {},
  ): Promise<AzureBackupRecoveryPointResource | undefined> {
    const { abortSignal } = options;
    return newestOf(
      (window) => this.fetchSecondaryRecoveryPoints(secondaryRegion, source, { ...window, abortSignal }),
      options,
    );
  }

  // ---- Restores (long-running) ---------------------------------------------------------------------------

  /** Validates a same-region restore. Safe to repeat, so it is retried like a read. */
  async validateRestore(
    instanceId: string,
    request: AzureBackupRestoreRequest,
    options: CallOptions = {},
  ): Promise<ArmOperation<OperationJobExtendedInfo>> {
    // The official PG-flex REST walkthrough and the Azure CLI send this top-level objectType; the spec omits it.
    const body = { objectType: 'ValidateRestoreRequestObject', restoreRequestObject: request };
    return this.#startJobOperation(
      'validateRestore',
      'BackupInstances_ValidateForRestore',
      instanceId,
      `${instancePath(instanceId)}/validateRestore`,
      body,
      'idempotent',
      options,
    );
  }

  /**
   * Triggers a same-region restore. Retried only on 429. On any other failure the request may or may not have
   * started a restore: the caller must reconcile with listJobs before trying again.
   */
  async restore(
    instanceId: string,
    request: AzureBackupRestoreRequest,
    options: TriggerOptions = {},
  ): Promise<ArmOperation<OperationJobExtendedInfo>> {
    return this.#startJobOperation(
      'restore',
      'BackupInstances_TriggerRestore',
      instanceId,
      `${instancePath(instanceId)}/restore`,
      request,
      'throttleOnly',
      options,
    );
  }

  async validateCrossRegionRestore(
    secondaryRegion: string,
    request: CrossRegionRestoreRequestObject,
    options: CallOptions = {},
  ): Promise<ArmOperation<OperationJobExtendedInfo>> {
    const instanceId = request.crossRegionRestoreDetails.sourceBackupInstanceId;
    const ref = parseBackupInstanceId(instanceId);
    const path = locationPath(ref.subscriptionId, ref.resourceGroup, secondaryRegion, 'validateCrossRegionRestore');
    return this.#startJobOperation(
      'validateCrossRegionRestore',
      'BackupInstances_ValidateCrossRegionRestore',
      instanceId,
      path,
      request,
      'idempotent',
      options,
    );
  }

  /** Triggers Cross Region Restore in `secondaryRegion`. Same retry rule and caveat as `restore`. */
  async crossRegionRestore(
    secondaryRegion: string,
    request: CrossRegionRestoreRequestObject,
    options: TriggerOptions = {},
  ): Promise<ArmOperation<OperationJobExtendedInfo>> {
    const instanceId = request.crossRegionRestoreDetails.sourceBackupInstanceId;
    const ref = parseBackupInstanceId(instanceId);
    const path = locationPath(ref.subscriptionId, ref.resourceGroup, secondaryRegion, 'crossRegionRestore');
    return this.#startJobOperation(
      'crossRegionRestore',
      'BackupInstances_TriggerCrossRegionRestore',
      instanceId,
      path,
      request,
      'throttleOnly',
      options,
    );
  }

  /** Continues a restore/validation saved with `operation.toString()`, in this or another process. */
  resumeOperation(state: string): ArmOperation<OperationJobExtendedInfo> {
    const kind = kindOfSavedOperation(state);
    if (kind === 'updateVault')
      throw new BotError('AZURE_INVALID_OPERATION_STATE', 'This saved state is a vault update: use resumeVaultUpdate');
    return ArmOperation.resume<OperationJobExtendedInfo>(this.#lroContext(), state);
  }

  resumeVaultUpdate(state: string): ArmOperation<BackupVaultResource> {
    if (kindOfSavedOperation(state) !== 'updateVault')
      throw new BotError('AZURE_INVALID_OPERATION_STATE', 'This saved state is not a vault update');
    return ArmOperation.resume<BackupVaultResource>(this.#lroContext(), state);
  }

  // ---- Jobs ----------------------------------------------------------------------------------------------

  listJobs(vaultId: string, options: CallOptions = {}): ArmPager<AzureBackupJobResource> {
    return this.#pager('Jobs_List', `${armPath(vaultIdOf(vaultId))}/backupJobs`, parseJobList, options);
  }

  /** `jobId` is the job's full ARM id (what restore operations resolve to). */
  async getJob(jobId: string, options: CallOptions = {}): Promise<AzureBackupJobResource> {
    const ref = parseJobId(jobId);
    const path = `${armPath(vaultIdOf(jobId))}/backupJobs/${encodeURIComponent(ref.jobName)}`;
    return parseJob(await this.#get('Jobs_Get', path, options));
  }

  /** Cross Region Restore jobs of a vault, as the secondary region sees them (POST, then GET on nextLink). */
  fetchCrossRegionRestoreJobs(
    secondaryRegion: string,
    request: CrossRegionRestoreJobsRequest,
    options: CallOptions = {},
  ): ArmPager<AzureBackupJobResource> {
    const ref = parseVaultId(request.sourceBackupVaultId);
    const path = locationPath(ref.subscriptionId, ref.resourceGroup, secondaryRegion, 'fetchCrossRegionRestoreJobs');
    return this.#pager('FetchCrossRegionRestoreJobs_List', path, parseJobList, options, {
      method: 'POST',
      body: { sourceRegion: normalizeRegion(request.sourceRegion), sourceBackupVaultId: request.sourceBackupVaultId },
    });
  }

  /** One Cross Region Restore job; `jobId` may be the GUID or the full job ARM id. */
  async fetchCrossRegionRestoreJob(
    secondaryRegion: string,
    request: CrossRegionRestoreJobRequest,
    options: CallOptions = {},
  ): Promise<AzureBackupJobResource> {
    const ref = parseVaultId(request.sourceBackupVaultId);
    const path = locationPath(ref.subscriptionId, ref.resourceGroup, secondaryRegion, 'fetchCrossRegionRestoreJob');
    const response = await this.#transport.send({
      operation: 'FetchCrossRegionRestoreJob_Get',
      method: 'POST',
      url: path,
      apiVersion: this.apiVersion,
      body: {
        sourceRegion: normalizeRegion(request.sourceRegion),
        sourceBackupVaultId: request.sourceBackupVaultId,
        jobId: lastSegment(request.jobId),
      },
      abortSignal: options.abortSignal,
    });
    return parseJob(response.body);
  }

  // ---- plumbing ------------------------------------------------------------------------------------------

  #lroContext() {
    return { transport: this.#transport, apiVersion: this.apiVersion, timing: this.#lroTiming };
  }

  async #startJobOperation(
    kind: JobLroKind,
    operation: string,
    instanceId: string,
    path: string,
    body: unknown,
    retry: RetryMode,
    options: TriggerOptions,
  ): Promise<ArmOperation<OperationJobExtendedInfo>> {
    return ArmOperation.start<OperationJobExtendedInfo>(this.#lroContext(), kind, vaultIdOf(instanceId), {
      operation,
      method: 'POST',
      url: path,
      apiVersion: this.apiVersion,
      body,
      retry,
      headers: auxiliaryHeader(options.auxiliaryToken),
      abortSignal: options.abortSignal,
    });
  }

  async #get(operation: string, path: string, options: CallOptions): Promise<unknown> {
    const response = await this.#transport.send({
      operation,
      method: 'GET',
      url: path,
      apiVersion: this.apiVersion,
      abortSignal: options.abortSignal,
    });
    return response.body;
  }

  /**
   * A lazy pager: the first page with `method` (GET, or POST with `body` for the CRR lists), every further
   * page with GET on the absolute nextLink exactly as returned, as Azure SDKs do.
   */
  #pager<T>(
    operation: string,
    path: string,
    parse: (body: unknown) => { value: T[]; nextLink?: string },
    options: CallOptions,
    extra: { method?: ArmMethod; body?: unknown; query?: Record<string, string | undefined>; apiVersion?: string } = {},
  ): ArmPager<T> {
    const apiVersion = extra.apiVersion ?? this.apiVersion;
    return new ArmPager<T>(async (nextLink) => {
      const response = await this.#transport.send(
        nextLink === undefined
          ? {
              operation,
              method: extra.method ?? 'GET',
              url: path,
              apiVersion,
              query: extra.query,
              body: extra.body,
              abortSignal: options.abortSignal,
            }
          : {
              operation: `${operation}:next`,
              method: 'GET',
              url: nextLink,
              apiVersion,
              abortSignal: options.abortSignal,
            },
      );
      const list = parse(response.body);
      return { items: list.value, ...(list.nextLink ? { nextLink: list.nextLink } : {}) };
    });
  }
}

async function newestOf(
  listWindow: ListPointsInWindow,
  options: NewestRecoveryPointOptions,
): Promise<AzureBackupRecoveryPointResource | undefined> {
  const [newest] = await newestInTimeWindows(listWindow, 1, options);
  return newest;
}

function instancePath(instanceId: string): string {
  const ref = parseBackupInstanceId(instanceId);
  return `${armPath(vaultIdOf(instanceId))}/backupInstances/${encodeURIComponent(ref.backupInstanceName)}`;
}

function locationPath(subscriptionId: string, resourceGroup: string, region: string, action: string): string {
  const location = normalizeRegion(region);
  if (!/^[a-z0-9]+$/.test(location)) throw new BotError('INVALID_REGION', `Not an Azure region name: "${region}"`);
  return `/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}/${PROVIDER_PATH}/locations/${location}/${action}`;
}

function auxiliaryHeader(token: string | undefined): Record<string, string> | undefined {
  return token ? { 'x-ms-authorization-auxiliary': `Bearer ${token}` } : undefined;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
