/** The ARM operations the emulator answers, as declared paths of the OpenAPI file (plus GET /subscriptions). */
import { canonicalOperationId } from '../ids';
import { API_VERSION } from '../operations';
import { normalizeRegion } from '../regions';
import { type Params, Router } from '../router';
import type { World } from '../world';
import type { ArmHandler, ArmRoute } from './context';
import {
  fetchCrossRegionRestoreJob,
  fetchCrossRegionRestoreJobs,
  fetchSecondaryRecoveryPoints,
  triggerCrossRegionRestore,
  validateCrossRegionRestore,
} from './cross-region';
import { getInstance, getRecoveryPoint, listInstances, listInstancesOfServer, listRecoveryPoints } from './instances';
import { getJob, listJobs } from './jobs-api';
import {
  getOperationResult,
  getOperationStatus,
  getOperationStatusInResourceGroup,
  getOperationStatusInVault,
  getVaultOperationResult,
} from './operations-api';
import { triggerRestore, validateRestore } from './restore';
import {
  getSubscription,
  getVault,
  listSubscriptions,
  listVaultsInResourceGroup,
  listVaultsInSubscription,
  patchVault,
  putVault,
} from './vaults';

export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

const SUB = '/subscriptions/:sub/providers/Microsoft.DataProtection';
const RG = '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.DataProtection';
const VAULT = `${RG}/backupVaults/:vault`;
const INSTANCE = `${VAULT}/backupInstances/:bi`;
const LOCATION = `${RG}/locations/:location`;

export function buildArmRouter(): Router<ArmRoute> {
  const router = new Router<ArmRoute>();
  const dp = (method: string, pattern: string, handle: ArmHandler) =>
    router.add(method, pattern, { handle, apiVersion: API_VERSION });
  router.add('GET', '/subscriptions', { handle: listSubscriptions, apiVersion: SUBSCRIPTIONS_API_VERSION });
  router.add('GET', '/subscriptions/:sub', { handle: getSubscription, apiVersion: SUBSCRIPTIONS_API_VERSION });

  dp('GET', `${SUB}/backupVaults`, listVaultsInSubscription);
  dp('GET', `${RG}/backupVaults`, listVaultsInResourceGroup);
  dp('GET', VAULT, getVault);
  dp('PATCH', VAULT, patchVault);
  dp('PUT', VAULT, putVault);

  dp('GET', `${VAULT}/backupInstances`, listInstances);
  dp('GET', INSTANCE, getInstance);
  dp(
    'GET',
    '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/:server/providers/Microsoft.DataProtection/backupInstances',
    listInstancesOfServer,
  );
  dp('GET', `${INSTANCE}/recoveryPoints`, listRecoveryPoints);
  dp('GET', `${INSTANCE}/recoveryPoints/:rp`, getRecoveryPoint);
  dp('POST', `${INSTANCE}/validateRestore`, validateRestore);
  dp('POST', `${INSTANCE}/restore`, triggerRestore);

  dp('GET', `${VAULT}/backupJobs`, listJobs);
  dp('GET', `${VAULT}/backupJobs/:job`, getJob);

  dp('POST', `${LOCATION}/fetchSecondaryRecoveryPoints`, fetchSecondaryRecoveryPoints);
  dp('GET', `${LOCATION}/fetchSecondaryRecoveryPoints`, fetchSecondaryRecoveryPoints);
  dp('POST', `${LOCATION}/validateCrossRegionRestore`, validateCrossRegionRestore);
  dp('POST', `${LOCATION}/crossRegionRestore`, triggerCrossRegionRestore);
  dp('POST', `${LOCATION}/fetchCrossRegionRestoreJobs`, fetchCrossRegionRestoreJobs);
  dp('GET', `${LOCATION}/fetchCrossRegionRestoreJobs`, fetchCrossRegionRestoreJobs);
  dp('POST', `${LOCATION}/fetchCrossRegionRestoreJob`, fetchCrossRegionRestoreJob);

  dp('GET', `${SUB}/locations/:location/operationStatus/:op`, getOperationStatus);
  dp('GET', `${SUB}/locations/:location/operationResults/:op`, getOperationResult);
  dp('GET', `${RG}/operationStatus/:op`, getOperationStatusInResourceGroup);
  dp('GET', `${VAULT}/operationStatus/:op`, getOperationStatusInVault);
  dp('GET', `${VAULT}/operationResults/:op`, getVaultOperationResult);
  return router;
}

/**
 * The Azure region that serves a request, for regional outages: the `{location}` in the path, else the
 * region of the vault the path names. Lists spanning regions (vaults in a subscription) have none: ARM
 * answers them from its own replicated cache.
 */
export function regionOfRequest(world: World, params: Params): string | undefined {
  if (params.location !== undefined) return normalizeRegion(params.location);
  if (params.sub !== undefined && params.rg !== undefined && params.vault !== undefined) {
    return world.findVault(params.sub, params.rg, params.vault)?.location;
  }
  if (params.sub !== undefined && params.server !== undefined) {
    const serverId =
      `/subscriptions/${params.sub}/resourceGroups/${params.rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${params.server}`.toLowerCase();
    const sub = world.findSubscription(params.sub);
    return sub?.vaults.find((v) => v.instances.some((i) => i.serverId.toLowerCase() === serverId))?.location;
  }
  if (params.op !== undefined) return world.operations.get(canonicalOperationId(params.op))?.region;
  return undefined;
}
