/**
 * `restore-bot doctor` through the real bin, against the Azure emulator (preset demo) and a small stand-in for
 * Slack's auth.test: what an operator reads, the exit code a deploy script branches on, and no secret in sight.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SUBSCRIPTION_ID, type RunningEmulator, startEmulator } from '../../src/emulator';

const BIN = join(__dirname, '../../bin/restore-bot.js');
const POLICY = join(__dirname, '../../config/demo.yaml');
const GOOD_SLACK_TOKEN = 'xoxb-doctor-good-0000';
const SLACK_SIGNING_SECRET = 'doctor-signing-secret-1111';

let emulator: RunningEmulator;
let slack: Server;
let slackUrl: string;
const slackCalls: string[] = [];
let dataDir: string;

/** Every variable doctor reads is pinned (empty = unset), so neither the caller's environment nor a .env leaks in. */
function doctor(
  overrides: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AZURE_ARM_ENDPOINT: emulator.url,
    AZURE_CREDENTIAL: 'emulator',
    RESTORE_BOT_CONFIG: POLICY,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    HOST: '127.0.0.1',
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    MicrosoftAppType: '',
    MicrosoftAppTenantId: '',
    SLACK_SIGNING_SECRET: '',
    SLACK_BOT_TOKEN: '',
    SLACK_APP_TOKEN: '',
    SLACK_API_URL: '',
    LOG_LEVEL: 'error',
    ...overrides,
  };
  // Asynchronous on purpose: the emulator answers from this very process, so it must not be blocked.
  const child = spawn(process.execPath, [BIN, 'doctor'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lineOf(stdout: string, check: string): string {
  const line = stdout.split('\n').find((l) => new RegExp(`^\\S+ +${check}: `).test(l));
  if (!line) throw new Error(`no "${check}" line in:\n${stdout}`);
  return line;
}

async function emulatorAdmin(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status}`);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'restore-bot-doctor-'));
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  slack = createServer((req, res) => {
    slackCalls.push(`${req.method} ${req.url}`);
    const ok = req.url === '/api/auth.test' && req.headers.authorization === `Bearer ${GOOD_SLACK_TOKEN}`;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify(ok ? { ok: true, user: 'restorebot', team: 'Contoso' } : { ok: false, error: 'invalid_auth' }),
    );
  });
  await new Promise<void>((done) => slack.listen(0, '127.0.0.1', done));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/api`;
}, 30_000);

afterEach(() => emulatorAdmin('DELETE', 'faults'));

afterAll(async () => {
  await emulator?.close();
  await new Promise((done) => slack?.close(done));
  rmSync(dataDir, { recursive: true, force: true });
});

it('passes every check on a working setup, one line each, and exits 0', async () => {
  const vaults = await fetch(
    `${emulator.url}/subscriptions/${DEMO_SUBSCRIPTION_ID}/providers/Microsoft.DataProtection/backupVaults?api-version=2026-07-01`,
    { headers: { authorization: 'Bearer test' } },
  ).then((r) => r.json() as Promise<{ value: unknown[] }>);

  const run = await doctor({ SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: GOOD_SLACK_TOKEN, SLACK_API_URL: slackUrl });

  expect(run.code).toBe(0);
  expect(run.stdout.trim().split('\n')).toEqual([
    expect.stringMatching(/^ok +configuration: .*demo\.yaml loaded/),
    expect.stringMatching(/^ok +store: embedded PGlite in .* opened, schema version \d+$/),
    expect.stringMatching(/^ok +azure token: /),
    expect.stringMatching(/^ok +azure subscriptions: .* 1 in scope/),
    expect.stringContaining(
      `${vaults.value.length} backup vaults in scope (${DEMO_SUBSCRIPTION_ID}: ${vaults.value.length})`,
    ),
    expect.stringMatching(/^ok +teams: local mode \(loopback only\)/),
    expect.stringMatching(/^ok +slack: configured .*auth\.test ok as restorebot in Contoso/),
    'doctor: all checks passed',
  ]);
  expect(vaults.value.length).toBeGreaterThan(0);
  expect(slackCalls).toContain('POST /api/auth.test');
  expect(run.stdout + run.stderr).not.toContain(SLACK_SIGNING_SECRET);
  expect(run.stdout + run.stderr).not.toContain(GOOD_SLACK_TOKEN);
}, 60_000);

it('names a missing policy file, exits 1, and warns that Teams is off on a public HOST without an app id', async () => {
  const missing = join(dataDir, 'no-such-policy.yaml');
  const run = await doctor({ RESTORE_BOT_CONFIG: missing, HOST: '0.0.0.0' });

  expect(run.code).toBe(1);
  expect(lineOf(run.stdout, 'configuration')).toMatch(/^FAIL /);
  expect(lineOf(run.stdout, 'configuration')).toContain(missing);
  expect(lineOf(run.stdout, 'configuration')).toContain('file not found');
  expect(lineOf(run.stdout, 'teams')).toMatch(/^warn .*\/api\/messages is off/);
  expect(run.stdout.trim().split('\n').at(-1)).toBe('doctor: 1 check failed');
}, 60_000);

it('reports a 403 on listing subscriptions as FAIL naming the role to grant, and exits 1', async () => {
  await emulatorAdmin('POST', 'faults', {
    rules: [{ method: 'GET', pathPattern: '^/subscriptions$', status: 403, code: 'AuthorizationFailed' }],
  });

  const run = await doctor();

  expect(run.code).toBe(1);
  const line = lineOf(run.stdout, 'azure subscriptions');
  expect(line).toMatch(/^FAIL .*403 AuthorizationFailed/);
  expect(line).toContain('Reader role');
  expect(line).toContain('Backup Operator');
  expect(lineOf(run.stdout, 'azure vaults')).toMatch(/^skip /);
  expect(lineOf(run.stdout, 'slack')).toMatch(/^ok +slack: disabled/);
}, 60_000);

it('fails Slack naming the missing signing secret, and never prints a secret', async () => {
  const secrets = {
    token: 'xoxb-only-token-2222',
    teamsPassword: 'teams-password-3333',
    dbPassword: 'db-password-4444',
  };
  const run = await doctor({
    SLACK_BOT_TOKEN: secrets.token,
    MicrosoftAppId: '5b0c8a1e-0000-4000-8000-000000000001',
    MicrosoftAppPassword: secrets.teamsPassword,
    // Nothing listens on port 1: the store fails fast, and its reason must not carry the password.
    DATABASE_URL: `postgres://restorebot:${secrets.dbPassword}@127.0.0.1:1/restorebot`,
  });

  expect(run.code).toBe(1);
  expect(lineOf(run.stdout, 'slack')).toMatch(/^FAIL .*SLACK_SIGNING_SECRET is not/);
  expect(lineOf(run.stdout, 'teams')).toMatch(/^ok +teams: app 5b0c8a1e-.* password set/);
  expect(lineOf(run.stdout, 'store')).toMatch(/^FAIL +store: PostgreSQL at restorebot@127\.0\.0\.1:1\/restorebot/);
  for (const secret of Object.values(secrets)) expect(run.stdout + run.stderr).not.toContain(secret);
}, 60_000);

it('fails Slack when Slack refuses the token, without printing it', async () => {
  const badToken = 'xoxb-revoked-5555';
  const run = await doctor({ SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: badToken, SLACK_API_URL: slackUrl });

  expect(run.code).toBe(1);
  expect(lineOf(run.stdout, 'slack')).toMatch(/^FAIL .*invalid_auth/);
  expect(run.stdout + run.stderr).not.toContain(badToken);
  expect(run.stdout + run.stderr).not.toContain(SLACK_SIGNING_SECRET);
}, 60_000);
