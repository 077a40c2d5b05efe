/**
 * What the service tests share: the real emulator over HTTP, the real client, the demo policy file, and
 * small readers of the emulator's request log and job lists (the witnesses of "exactly once").
 */
import { createCredential, DataProtectionClient, type DataProtectionClientOptions } from '../../../src/azure';
import { startEmulator } from '../../../src/emulator';
import { silentLogger } from '../../../src/log';
import {
  type BackupInstanceRef,
  loadPolicyFile,
  type Policy,
  type RecoveryPointRef,
  type Requester,
  type VaultRef,
} from '../../../src/restore';
import {
  type Clicker,
  type CreateRestoreInput,
  NO_CRASH,
  RestoreService,
  type RestoreServiceOptions,
} from '../../../src/restore/service';
import type { Store } from '../../../src/store';
import { InMemoryUserGroups } from '../support/user-groups';

export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
export const PROD_VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus`;
export const DEMO_POLICY_FILE = `${__dirname}/../../../config/demo.yaml`;
/** The demo policy's approver group. */
export const DBA_GROUP = 'S0DBAS';

export const requester: Requester = {
  channel: 'slack',
  userId: 'U0REQ',
  displayName: 'Rita Requester',
  tenantOrTeamId: 'T0DEMO',
};
export const approver: Clicker = {
  channel: 'slack',
  userId: 'U0APPROVER',
  displayName: 'Avery Approver',
  tenantOrTeamId: 'T0DEMO',
};
export const oncall = { conversationId: 'C0ONCALL' };

/** `count` distinct members of the demo policy's approver group. */
export function dbas(count: number): Clicker[] {
  return Array.from({ length: count }, (_, i) => ({
    channel: 'slack' as const,
    userId: `U0DBA${String(i).padStart(3, '0')}`,
    displayName: `DBA ${i}`,
    tenantOrTeamId: 'T0DEMO',
  }));
}

export function dbaDirectory(count = 60): InMemoryUserGroups {
  return new InMemoryUserGroups({ [DBA_GROUP]: dbas(count).map((d) => d.userId) });
}

export interface EmulatorHandle {
  url: string;
  close(): Promise<void>;
}

export async function startDemoEmulator(): Promise<EmulatorHandle> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', preset: 'demo' });
  return { url: emulator.url, close: emulator.close };
}

/** A client with short LRO waits (the emulator's operations take 2 s of its time) and quick 429 retries. */
export function emulatorClient(
  url: string,
  overrides: Partial<DataProtectionClientOptions> = {},
): DataProtectionClient {
  return new DataProtectionClient({
    endpoint: url,
    credential: createCredential('emulator', url),
    lro: { pollIntervalMs: 100, maxPollIntervalMs: 200 },
    retry: { baseDelayMs: 20, maxDelayMs: 2_000 },
    ...overrides,
  });
}

export async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`emulator admin ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export function resetEmulator(url: string, seed: Record<string, unknown> = { preset: 'demo' }): Promise<unknown> {
  return admin(url, 'POST', 'reset', seed);
}

export function addFaults(url: string, rules: Record<string, unknown>[]): Promise<unknown> {
  return admin(url, 'POST', 'faults', { rules });
}

export interface LoggedCall {
  method: string;
  path: string;
  status: number;
}

/** Every trigger POST (same-region restore and Cross Region Restore) the emulator has seen, any answer. */
export async function triggerPosts(url: string): Promise<LoggedCall[]> {
  const { requests } = (await admin(url, 'GET', 'requests')) as { requests: LoggedCall[] };
  return requests.filter(
    (r) => r.method === 'POST' && (r.path.endsWith('/restore') || r.path.endsWith('/crossRegionRestore')),
  );
}

/** The trigger POSTs Azure accepted (202): each one started a job. */
export async function acceptedTriggers(url: string): Promise<LoggedCall[]> {
  return (await triggerPosts(url)).filter((r) => r.status === 202);
}

export interface DemoRefs {
  vault: VaultRef;
  orders: BackupInstanceRef;
  ordersPoint: RecoveryPointRef;
}

/** The demo world's prod vault, pg-orders-prod and its newest point, as the wizard would have picked them. */
export async function demoRefs(client: DataProtectionClient): Promise<DemoRefs> {
  const vault = await client.getVault(PROD_VAULT_ID);
  const instances = await client.listBackupInstances(PROD_VAULT_ID).toArray();
  const orders = instances.find((i) => i.name.startsWith('pg-orders-prod'));
  if (!orders) throw new Error('demo preset: pg-orders-prod missing');
  const point = await client.newestRecoveryPoint(orders.id);
  if (!point) throw new Error('demo preset: pg-orders-prod has no recovery point');
  return {
    vault: { id: vault.id, name: vault.name, location: vault.location },
    orders: { id: orders.id, name: orders.name, serverName: 'pg-orders-prod' },
    ordersPoint: { id: point.name, time: point.properties.recoveryPointTime },
  };
}

export function restoreInput(refs: DemoRefs, overrides: Partial<CreateRestoreInput> = {}): CreateRestoreInput {
  return {
    requester,
    place: oncall,
    vault: refs.vault,
    backupInstance: refs.orders,
    regionMode: 'primary',
    recoveryPoint: refs.ordersPoint,
    targetName: 'dr-eastus',
    ...overrides,
  };
}

/** Restore jobs Azure lists for the prod vault (primary) or in its secondary region (Cross Region Restore). */
export async function restoreJobs(client: DataProtectionClient, where: 'primary' | 'secondary' = 'primary') {
  const pager =
    where === 'primary'
      ? client.listJobs(PROD_VAULT_ID)
      : client.fetchCrossRegionRestoreJobs('westus', { sourceRegion: 'eastus', sourceBackupVaultId: PROD_VAULT_ID });
  return (await pager.toArray()).filter((j) => j.properties.operationCategory === 'Restore');
}

export function loadDemoPolicy(): Promise<Policy> {
  return loadPolicyFile(DEMO_POLICY_FILE);
}

export interface ServiceSetup {
  store: Store;
  client: DataProtectionClient;
  policy: Policy;
  now?: () => Date;
  options?: RestoreServiceOptions;
  newRequestId?: () => string;
  userGroups?: InMemoryUserGroups;
}

/** A service as the composition root builds it; the crash hook is off unless a test passes one. */
export function serviceFor(setup: ServiceSetup): RestoreService {
  return new RestoreService({
    store: setup.store,
    policy: setup.policy,
    azure: setup.client,
    userGroups: setup.userGroups ?? dbaDirectory(),
    now: setup.now ?? (() => new Date()),
    logger: silentLogger,
    ...(setup.newRequestId && { newRequestId: setup.newRequestId }),
    options: { crashHook: NO_CRASH, ...setup.options },
  });
}

/** A clock `ms` ahead of the wall clock: how a later recovery run sees the world. */
export function clockAhead(ms: number): () => Date {
  return () => new Date(Date.now() + ms);
}

/**
 * Runs the emulator's clock ahead (by `stepSeconds` every `everyMs`), as its admin API is there for: its
 * long-running operations take 2 s of its time, which this turns into a fraction of a second of ours.
 */
export function fastForward(url: string, stepSeconds = 1, everyMs = 100): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await admin(url, 'POST', 'clock', { advanceSeconds: stepSeconds }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
