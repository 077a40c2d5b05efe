/** A started emulator plus small fetch helpers for its ARM and admin APIs (real HTTP, port 0). */
import { startEmulator } from '../../src/emulator';

export const API = '2026-07-01';
export const NOW = '2026-11-24T12:00:00.000Z';
export const SUB = '11111111-1111-1111-1111-111111111111';
export const PROD_VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus`;
export const DEV_VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup-dev/providers/Microsoft.DataProtection/backupVaults/bv-dev-eastus2`;

/** JSON from the wire: tests assert on its shape, so it is deliberately untyped. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON read by assertions
export type Json = any;

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

export interface ArmOptions {
  /** Full Authorization header value; null sends none. */
  auth?: string | null;
  /** api-version to append; null appends none (for URLs that already carry one). */
  apiVersion?: string | null;
  /** Raw body text, sent as is (for malformed JSON). */
  rawBody?: string;
}

export class Harness {
  private constructor(
    readonly url: string,
    readonly close: () => Promise<void>,
  ) {}

  static async start(seedOrPreset: unknown = { preset: 'demo', now: NOW }): Promise<Harness> {
    const em = await startEmulator({ port: 0 });
    const h = new Harness(em.url, em.close);
    await h.reset(seedOrPreset);
    return h;
  }

  async reset(seedOrPreset: unknown): Promise<Answer> {
    const answer = await this.admin('POST', 'reset', seedOrPreset);
    if (answer.status !== 200) throw new Error(`reset failed: ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** An ARM call; `pathOrUrl` may be an absolute URL from a nextLink or LRO header. */
  async arm(method: string, pathOrUrl: string, body?: unknown, options: ArmOptions = {}): Promise<Answer> {
    let url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.url}${pathOrUrl}`;
    const apiVersion =
      options.apiVersion === undefined ? (pathOrUrl.startsWith('http') ? null : API) : options.apiVersion;
    if (apiVersion !== null) url += `${url.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? 'Bearer test-token' : options.auth;
    if (auth !== null) headers.authorization = auth;
    const text = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (text !== undefined) headers['content-type'] = 'application/json';
    return toAnswer(await fetch(url, { method, headers, body: text }));
  }

  async admin(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${this.url}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return toAnswer(res);
  }

  async advance(seconds: number): Promise<void> {
    const answer = await this.admin('POST', 'clock', { advanceSeconds: seconds });
    if (answer.status !== 200) throw new Error(`clock advance failed: ${JSON.stringify(answer.body)}`);
  }

  /** The backup instance of a vault whose server has this name. */
  async instance(vaultPath: string, serverName: string): Promise<Json> {
    const list = await this.arm('GET', `${vaultPath}/backupInstances`);
    const found = list.body.value.find((bi: Json) => bi.properties.friendlyName === serverName);
    if (!found) throw new Error(`no instance for ${serverName}`);
    return found;
  }

  /** Every item of a list, following nextLink with GET; also returns each page's size. */
  async listAll(method: string, path: string, body?: unknown): Promise<{ items: Json[]; pageSizes: number[] }> {
    const items: Json[] = [];
    const pageSizes: number[] = [];
    let page = await this.arm(method, path, body);
    for (;;) {
      if (page.status !== 200) throw new Error(`list failed ${page.status}: ${JSON.stringify(page.body)}`);
      items.push(...page.body.value);
      pageSizes.push(page.body.value.length);
      if (!page.body.nextLink) break;
      page = await this.arm('GET', page.body.nextLink);
    }
    return { items, pageSizes };
  }
}

async function toAnswer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export function restoreRequest(
  recoveryPointId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    objectType: 'AzureBackupRecoveryPointBasedRestoreRequest',
    recoveryPointId,
    sourceDataStoreType: 'VaultStore',
    restoreTargetInfo: {
      objectType: 'RestoreFilesTargetInfo',
      recoveryOption: 'FailIfExists',
      restoreLocation: 'eastus',
      targetDetails: {
        url: 'https://stcontosodr.blob.core.windows.net/pg-restores',
        filePrefix: 'pg-orders-prod-restore',
        restoreTargetLocationType: 'AzureBlobs',
      },
    },
    ...overrides,
  };
}

/** A small seed with a fixed clock, for tests that need exact times. */
export function seed(overrides: Record<string, unknown> = {}, vaults?: unknown[]): Record<string, unknown> {
  return {
    now: NOW,
    jobDurationSeconds: 120,
    secondaryLagHours: 12,
    retryAfterSeconds: 1,
    subscriptions: [
      {
        id: SUB,
        displayName: 'Test subscription',
        vaults: vaults ?? [
          {
            name: 'bv-prod-eastus',
            resourceGroup: 'rg-backup-prod',
            location: 'eastus',
            storageRedundancy: 'GeoRedundant',
            crossRegionRestore: 'Enabled',
            immutability: 'Unlocked',
            softDelete: 'On',
            instances: [
              {
                serverName: 'pg-orders-prod',
                serverResourceGroup: 'rg-db-prod',
                recoveryPoints: { count: 250, intervalHours: 1, newestAgeHours: 2 },
              },
            ],
          },
        ],
      },
    ],
    ...overrides,
  };
}
