import { inspect } from 'node:util';
import {
  type AzureError,
  createCredential,
  DataProtectionClient,
  isAzureError,
  StaticTokenCredential,
} from '../../src/azure';
import { createLogger } from '../../src/log';
import { type FakeArm, startFakeArm } from './fake-arm';

const VAULT = '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DataProtection/backupVaults/vault-1';
const INSTANCE = `${VAULT}/backupInstances/pg-1`;
const VAULT_BODY = {
  id: VAULT,
  name: 'vault-1',
  type: 'Microsoft.DataProtection/backupVaults',
  location: 'eastus',
  properties: { storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }] },
};
const RESTORE_REQUEST = { objectType: 'AzureBackupRecoveryPointBasedRestoreRequest', recoveryPointId: 'rp1' } as never;
const SECRET = 'tok-SECRET-4f2a9c';

let arm: FakeArm;
beforeAll(async () => {
  arm = await startFakeArm();
});
afterAll(() => arm.close());
beforeEach(() => {
  arm.requests.length = 0;
});

function makeClient(extra: Partial<ConstructorParameters<typeof DataProtectionClient>[0]> = {}) {
  return new DataProtectionClient({
    endpoint: arm.url,
    credential: new StaticTokenCredential(SECRET),
    retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 5_000 },
    ...extra,
  });
}

async function caught(promise: Promise<unknown>): Promise<AzureError> {
  try {
    await promise;
  } catch (error) {
    if (isAzureError(error)) return error;
    throw error;
  }
  throw new Error('expected an AzureError');
}

describe('retries', () => {
  test('429 with Retry-After is waited out, then the call succeeds', async () => {
    let n = 0;
    arm.setHandler(() =>
      ++n === 1
        ? {
            status: 429,
            headers: { 'Retry-After': '1' },
            body: { error: { code: 'SubscriptionRequestsThrottled', message: 'try again after 1 seconds' } },
          }
        : { status: 200, body: VAULT_BODY },
    );
    const started = Date.now();
    const vault = await makeClient().getVault(VAULT);
    expect(vault.name).toBe('vault-1');
    expect(arm.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('retry-after-ms is honoured more precisely than Retry-After', async () => {
    let n = 0;
    arm.setHandler(() =>
      ++n === 1
        ? { status: 503, headers: { 'retry-after-ms': '150', 'Retry-After': '20' } }
        : { status: 200, body: VAULT_BODY },
    );
    const started = Date.now();
    await makeClient().getVault(VAULT);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(5_000);
  });

  test('503 is retried, then surfaces as a typed error with code, status and request id', async () => {
    arm.setHandler(() => ({
      status: 503,
      headers: { 'x-ms-request-id': 'req-123', 'x-ms-correlation-request-id': 'corr-456' },
      body: { error: { code: 'ServiceUnavailable', message: 'The region is down' } },
    }));
    const error = await caught(makeClient({ retry: { maxRetries: 2, baseDelayMs: 5 } }).getVault(VAULT));
    expect(arm.requests).toHaveLength(3);
    expect(error.code).toBe('AZURE_UNAVAILABLE');
    expect(error.armCode).toBe('ServiceUnavailable');
    expect(error.status).toBe(503);
    expect(error.requestId).toBe('req-123');
    expect(error.correlationId).toBe('corr-456');
    expect(error.operation).toBe('BackupVaults_Get');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('The region is down');
  });

  test('a Retry-After longer than maxDelayMs is not waited out: the error carries retryAfterMs', async () => {
    arm.setHandler(() => ({
      status: 429,
      headers: { 'Retry-After': '120' },
      body: { error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } },
    }));
    const error = await caught(makeClient().getVault(VAULT));
    expect(arm.requests).toHaveLength(1);
    expect(error.code).toBe('AZURE_THROTTLED');
    expect(error.retryAfterMs).toBe(120_000);
  });

  test('a restore trigger is NOT retried on 500 (it may have started a restore)', async () => {
    arm.setHandler(() => ({ status: 500, body: { error: { code: 'InternalServerError', message: 'oops' } } }));
    const error = await caught(makeClient().restore(INSTANCE, RESTORE_REQUEST));
    expect(arm.requests).toHaveLength(1);
    expect(error.code).toBe('AZURE_UNAVAILABLE');
    expect(error.status).toBe(500);
    expect(error.operation).toBe('BackupInstances_TriggerRestore');
  });

  test('a restore trigger is NOT retried when the connection drops', async () => {
    arm.setHandler(() => ({ status: 200, destroy: true }));
    const error = await caught(makeClient().restore(INSTANCE, RESTORE_REQUEST));
    expect(arm.requests).toHaveLength(1);
    expect(error.code).toBe('AZURE_NETWORK');
  });

  test('a restore trigger IS retried on 429 (Azure did not process it)', async () => {
    let n = 0;
    arm.setHandler((req) =>
      req.method === 'POST' && ++n === 1
        ? {
            status: 429,
            headers: { 'retry-after-ms': '10' },
            body: { error: { code: 'SubscriptionRequestsThrottled', message: 'later' } },
          }
        : { status: 200, body: { objectType: 'OperationJobExtendedInfo', jobId: 'job-guid' } },
    );
    const op = await makeClient().restore(INSTANCE, RESTORE_REQUEST);
    expect(arm.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect((await op.pollUntilDone()).jobId).toBe(`${VAULT}/backupJobs/job-guid`);
  });

  test('reads are retried after a dropped connection', async () => {
    let n = 0;
    arm.setHandler(() => (++n === 1 ? { status: 200, destroy: true } : { status: 200, body: VAULT_BODY }));
    await makeClient().getVault(VAULT);
    expect(arm.requests).toHaveLength(2);
  });
});

describe('timeouts and cancellation', () => {
  test('a slow answer times out as AZURE_TIMEOUT', async () => {
    arm.setHandler(() => ({ status: 200, body: VAULT_BODY, delayMs: 2_000 }));
    const started = Date.now();
    const error = await caught(makeClient({ timeoutMs: 150, retry: { maxRetries: 0 } }).getVault(VAULT));
    expect(error.code).toBe('AZURE_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('aborting the signal cancels the call and stops retries', async () => {
    arm.setHandler(() => ({ status: 200, body: VAULT_BODY, delayMs: 2_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await caught(makeClient().getVault(VAULT, { abortSignal: controller.signal }));
    expect(error.code).toBe('AZURE_CANCELLED');
    expect(arm.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('aborting during a Retry-After wait cancels without another request', async () => {
    arm.setHandler(() => ({ status: 429, headers: { 'Retry-After': '3' } }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await caught(makeClient().getVault(VAULT, { abortSignal: controller.signal }));
    expect(error.code).toBe('AZURE_CANCELLED');
    expect(arm.requests).toHaveLength(1);
  });
});

describe('error bodies', () => {
  test.each([
    [404, { error: { code: 'ResourceNotFound', message: 'no vault' } }, 'AZURE_NOT_FOUND', 'ResourceNotFound'],
    [
      400,
      { error: { code: 'CrossRegionRestoreNotEnabled', message: 'not GRS' } },
      'AZURE_BAD_REQUEST',
      'CrossRegionRestoreNotEnabled',
    ],
    [403, { code: 'AuthorizationFailed', message: 'no role' }, 'AZURE_FORBIDDEN', 'AuthorizationFailed'],
    [409, { Error: { Code: 'Conflict', Message: 'busy' } }, 'AZURE_CONFLICT', 'Conflict'],
  ])('%s CloudError/ErrorResponse bodies become typed errors', async (status, body, code, armCode) => {
    arm.setHandler(() => ({ status, body }));
    const error = await caught(makeClient().getVault(VAULT));
    expect([error.code, error.armCode, error.status]).toEqual([code, armCode, status]);
  });

  test('a non-JSON error page is tolerated', async () => {
    arm.setHandler(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      rawBody: '<html>Bad Gateway</html>',
    }));
    const error = await caught(makeClient({ retry: { maxRetries: 0 } }).getVault(VAULT));
    expect(error.code).toBe('AZURE_UNAVAILABLE');
    expect(error.status).toBe(502);
    expect(error.armCode).toBeUndefined();
    expect(error.message).toContain('Bad Gateway');
  });

  test('a JSON content type with a broken body is tolerated', async () => {
    arm.setHandler(() => ({
      status: 500,
      headers: { 'content-type': 'application/json' },
      rawBody: '{"error": {"code": "Internal',
    }));
    const error = await caught(makeClient({ retry: { maxRetries: 0 } }).getVault(VAULT));
    expect(error.code).toBe('AZURE_UNAVAILABLE');
    expect(error.status).toBe(500);
  });

  test('a 200 body missing what we rely on is AZURE_UNEXPECTED_RESPONSE', async () => {
    arm.setHandler(() => ({ status: 200, body: { id: VAULT, name: 'v' } }));
    const error = await caught(makeClient().getVault(VAULT));
    expect(error.code).toBe('AZURE_UNEXPECTED_RESPONSE');
  });
});

describe('secrets', () => {
  test('the token never appears in errors or logs, even when the server echoes it', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', {}, (line) => lines.push(line));
    arm.setHandler((req) => ({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: `Rejected header: ${req.headers.authorization}` } },
    }));
    const error = await caught(makeClient({ logger }).getVault(VAULT));
    expect(arm.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(error.code).toBe('AZURE_AUTH');
    expect(error.message).toContain('Bearer [redacted]');
    for (const text of [
      error.message,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      String(error.stack),
      lines.join('\n'),
    ]) {
      expect(text).not.toContain(SECRET);
    }
    expect(lines.some((l) => l.includes('BackupVaults_Get'))).toBe(true);
  });

  test('network errors do not carry the request (and its Authorization header)', async () => {
    arm.setHandler(() => ({ status: 200, destroy: true }));
    const error = await caught(makeClient({ retry: { maxRetries: 0 } }).getVault(VAULT));
    expect(error.code).toBe('AZURE_NETWORK');
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  test('links to another host are not followed with our credentials', async () => {
    arm.setHandler(() => ({ status: 200, body: { value: [], nextLink: 'https://attacker.example.net/collect?x=1' } }));
    const pager = makeClient().listJobs(VAULT);
    const error = await caught(pager.toArray());
    expect(error.code).toBe('AZURE_UNEXPECTED_RESPONSE');
    expect(arm.requests).toHaveLength(1);
  });
});

describe('credentials and endpoints', () => {
  test('the emulator credential is refused for a non-loopback endpoint', () => {
    expect(() => createCredential('emulator', 'https://management.azure.com')).toThrow(
      expect.objectContaining({ code: 'AZURE_CREDENTIAL_NOT_ALLOWED' }),
    );
    expect(createCredential('emulator', 'http://127.0.0.1:8080')).toBeInstanceOf(StaticTokenCredential);
  });

  test('plain http is refused unless the endpoint is loopback', () => {
    expect(
      () =>
        new DataProtectionClient({
          endpoint: 'http://management.azure.com',
          credential: new StaticTokenCredential('x'),
        }),
    ).toThrow(expect.objectContaining({ code: 'AZURE_INVALID_ENDPOINT' }));
  });

  test('the emulator credential talks to a loopback endpoint and onCall counts each call', async () => {
    arm.setHandler(() => ({ status: 200, body: VAULT_BODY }));
    const calls: Array<[string, number]> = [];
    const client = new DataProtectionClient({
      endpoint: arm.url,
      credential: createCredential('emulator', arm.url),
      onCall: (operation, status) => calls.push([operation, status]),
    });
    await client.getVault(VAULT);
    expect(arm.requests[0].headers.authorization).toMatch(/^Bearer \S+/);
    expect(arm.requests[0].headers['user-agent']).toMatch(/^restore-bot\//);
    expect(calls).toEqual([['BackupVaults_Get', 200]]);
  });
});
