/**
 * The real client against a real emulator over HTTP (port 0): one started emulator per test file, a client
 * built the way the bot builds it (emulator credential, loopback endpoint), and small helpers for the
 * emulator's admin API (reset, faults, request log, clock, outage).
 */
import {
  type BackupInstanceResource,
  createCredential,
  DataProtectionClient,
  type DataProtectionClientOptions,
} from '../../src/azure';
import { startEmulator } from '../../src/emulator';

export const SUB = '11111111-1111-1111-1111-111111111111';
export const PROD_VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus`;
export const DEV_VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/backupVaults/bv-dev-eastus2`;
export const RESTORE_CONTAINER = 'https://stcontosodrwus.blob.core.windows.net/pg-restores';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  at: string;
}

export interface FaultRule {
  method?: string;
  pathPattern?: string;
  status?: number;
  code?: string;
  retryAfterSeconds?: number;
  times?: number;
  probability?: number;
  latencyMs?: number;
}

/** Client options that keep waits short: tiny backoff, LRO polls capped well below the emulator's Retry-After. */
export const FAST: Omit<DataProtectionClientOptions, 'credential'> = {
  retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 2_000 },
  lro: { pollIntervalMs: 10, maxPollIntervalMs: 20 },
  timeoutMs: 10_000,
};

export class World {
  private constructor(
    readonly url: string,
    readonly close: () => Promise<void>,
  ) {}

  static async start(reset: unknown = { preset: 'demo' }): Promise<World> {
    const emulator = await startEmulator({ port: 0 });
    const world = new World(emulator.url, emulator.close);
    await world.reset(reset);
    return world;
  }

  /** A fresh client, configured as the bot does with AZURE_CREDENTIAL=emulator. */
  client(options: Partial<Omit<DataProtectionClientOptions, 'credential' | 'endpoint'>> = {}): DataProtectionClient {
    return new DataProtectionClient({
      ...FAST,
      ...options,
      endpoint: this.url,
      credential: createCredential('emulator', this.url),
    });
  }

  async reset(body: unknown): Promise<void> {
    await this.admin('POST', 'reset', body);
  }

  async faults(...rules: FaultRule[]): Promise<void> {
    await this.admin('POST', 'faults', { rules });
  }

  async clearFaults(): Promise<void> {
    await this.admin('DELETE', 'faults');
  }

  async requests(): Promise<LoggedRequest[]> {
    return ((await this.admin('GET', 'requests')) as { requests: LoggedRequest[] }).requests;
  }

  async clearRequests(): Promise<void> {
    await this.admin('DELETE', 'requests');
  }

  async advance(seconds: number): Promise<void> {
    await this.admin('POST', 'clock', { advanceSeconds: seconds });
  }

  async now(): Promise<Date> {
    return new Date(((await this.admin('GET', 'clock')) as { now: string }).now);
  }

  async outage(region: string, down: boolean): Promise<void> {
    await this.admin('POST', 'outage', { region, down });
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator admin ${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** The backup instance protecting `serverName` in a vault, found the way the bot finds it. */
export async function instanceOf(
  client: DataProtectionClient,
  vaultId: string,
  serverName: string,
): Promise<BackupInstanceResource> {
  for await (const instance of client.listBackupInstances(vaultId)) {
    if (
      instance.properties.friendlyName === serverName ||
      instance.properties.dataSourceInfo.resourceName === serverName
    )
      return instance;
  }
  throw new Error(`no backup instance for ${serverName} in ${vaultId}`);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
