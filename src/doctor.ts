/**
 * `restore-bot doctor`: checks what `serve` needs, in the order an operator would fix it, and prints one line
 * per check. Each check is a small function returning a result, never throwing; network checks are bounded
 * by a deadline so doctor answers even during a regional outage. No line ever carries a secret value.
 */
import { resolve } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { ARM_SCOPE, createCredential, DataProtectionClient, isAzureError } from './azure';
import { decideTeamsMode } from './bot/teams/adapter';
import type { Env } from './config';
import { BotError, isBotError } from './errors';
import { loadPolicyFile, type Policy } from './restore/policy';
import { openStore } from './store';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found, and when something is wrong, what to do about it. */
  detail: string;
}

export interface DoctorOptions {
  /** Longest wait for any one network step (token, ARM call, store connection, Slack). Default 10 s. */
  timeoutMs?: number;
}

export interface DoctorReport {
  results: CheckResult[];
  /** 0 when nothing failed, else 1. */
  exitCode: number;
  /** A step was given up at its deadline and may still hold a socket open: the caller should not wait for it. */
  abandoned: boolean;
}

export const DOCTOR_TIMEOUT_MS = 10_000;
const DEFAULT_SLACK_API_URL = 'https://slack.com/api';
/** Parallel vault listings: enough to be quick over many subscriptions, few enough to stay clear of throttling. */
const VAULT_LISTING_CONCURRENCY = 4;
const LABELS: Readonly<Record<CheckStatus, string>> = { pass: 'ok', fail: 'FAIL', warn: 'warn', skip: 'skip' };
const ROLES_HINT =
  "the bot's identity needs the Reader role to list subscriptions and vaults, and Backup Operator on the backup vaults to restore";

/** Runs every check in order, writes one line each and a summary; `exitCode` is 0 only when none failed. */
export async function runDoctor(
  env: Env,
  write: (line: string) => void,
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const deadline = new Deadlines(options.timeoutMs ?? DOCTOR_TIMEOUT_MS);
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    write(formatResult(result));
  };

  const configuration = await checkConfiguration(env);
  report(configuration.result);
  report(await checkStore(env, deadline));
  for (const result of await checkAzure(env, configuration.policy, deadline)) report(result);
  report(checkTeams(env));
  report(await checkSlack(env, deadline));

  const failed = results.filter((r) => r.status === 'fail').length;
  write(failed === 0 ? 'doctor: all checks passed' : `doctor: ${failed} check${failed === 1 ? '' : 's'} failed`);
  return { results, exitCode: failed === 0 ? 0 : 1, abandoned: deadline.abandoned };
}

export function formatResult(result: CheckResult): string {
  return `${LABELS[result.status].padEnd(4)} ${result.name}: ${oneLine(result.detail)}`;
}

// ---- configuration ---------------------------------------------------------------------------------------

/** The environment was parsed by the CLI before doctor ran; what is left is the policy file. */
export async function checkConfiguration(env: Env): Promise<{ result: CheckResult; policy?: Policy }> {
  const name = 'configuration';
  const file = env.RESTORE_BOT_CONFIG;
  if (!file) {
    return {
      result: fail(
        name,
        'RESTORE_BOT_CONFIG is not set: set it to the policy file (YAML or JSON, e.g. config/demo.yaml)',
      ),
    };
  }
  try {
    const policy = await loadPolicyFile(file);
    const scope = policy.config.subscriptions;
    const targets = policy.config.restoreTargets.length;
    return {
      result: pass(
        name,
        `environment valid; policy ${file} loaded (${targets} restore target${targets === 1 ? '' : 's'}, ` +
          `${scope === null ? 'every visible subscription' : `subscriptions ${scope.join(', ')}`} in scope)`,
      ),
      policy,
    };
  } catch (error) {
    if (isBotError(error, 'POLICY_INVALID')) return { result: fail(name, `${error.message} (RESTORE_BOT_CONFIG)`) };
    return { result: fail(name, `cannot load the policy file ${file} (RESTORE_BOT_CONFIG): ${messageOf(error)}`) };
  }
}

// ---- store -----------------------------------------------------------------------------------------------

export async function checkStore(env: Env, deadline = new Deadlines(DOCTOR_TIMEOUT_MS)): Promise<CheckResult> {
  const name = 'store';
  const where = env.DATABASE_URL
    ? `PostgreSQL at ${describeDatabaseUrl(env.DATABASE_URL)} (DATABASE_URL)`
    : `embedded PGlite in ${resolve(env.DATA_DIR)} (DATA_DIR)`;
  try {
    const openAndRead = async () => {
      const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
      try {
        const { rows } = await store.query<{ version: number | null }>(
          'SELECT max(version) AS version FROM schema_migrations',
        );
        return rows[0]?.version ?? 0;
      } finally {
        await store.close();
      }
    };
    // Only the network is bounded: a first PGlite start on a slow disk is slow, not stuck.
    const version = env.DATABASE_URL
      ? await deadline.run('connecting to PostgreSQL', openAndRead)
      : await openAndRead();
    return pass(name, `${where} opened, schema version ${version}`);
  } catch (error) {
    const reason = env.DATABASE_URL ? withoutPassword(messageOf(error), env.DATABASE_URL) : messageOf(error);
    return fail(name, `${where} cannot be opened: ${reason}`);
  }
}

/** host:port/database and the user; never the password. */
function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `${user}${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Drivers may echo the connection string; whatever they say, the password does not reach the terminal. */
function withoutPassword(text: string, databaseUrl: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@]*@/gi, '$1***@');
  try {
    const password = new URL(databaseUrl).password;
    for (const form of new Set([password, safeDecode(password)])) if (form) out = out.split(form).join('***');
  } catch {
    // Not a URL: the generic pattern above is all we can do.
  }
  return out;
}

// ---- Azure -----------------------------------------------------------------------------------------------

/** Three results: a token, subscriptions (and the policy's scope), vaults in scope. Later ones skip when earlier fail. */
export async function checkAzure(
  env: Env,
  policy: Policy | undefined,
  deadline = new Deadlines(DOCTOR_TIMEOUT_MS),
): Promise<CheckResult[]> {
  const endpoint = env.AZURE_ARM_ENDPOINT;
  let credential: TokenCredential;
  try {
    credential = createCredential(env.AZURE_CREDENTIAL, endpoint);
  } catch (error) {
    return [fail('azure token', messageOf(error)), skipAfter('azure subscriptions'), skipAfter('azure vaults')];
  }

  const token = await checkAzureToken(credential, env, deadline);
  if (token.status === 'fail') return [token, skipAfter('azure subscriptions'), skipAfter('azure vaults')];

  const client = new DataProtectionClient({
    endpoint,
    credential,
    timeoutMs: deadline.ms,
    // One quick retry: doctor reports an outage, it does not wait one out.
    retry: { maxRetries: 1, baseDelayMs: 250, maxDelayMs: 1_000 },
  });
  const subscriptions = await checkSubscriptions(client, policy, env, deadline);
  if (!subscriptions.inScope) return [token, subscriptions.result, skipAfter('azure vaults')];
  return [token, subscriptions.result, await checkVaults(client, subscriptions.inScope, env, deadline)];
}

async function checkAzureToken(credential: TokenCredential, env: Env, deadline: Deadlines): Promise<CheckResult> {
  const name = 'azure token';
  try {
    const token = await deadline.run('getting an Azure token', (abortSignal) =>
      credential.getToken(ARM_SCOPE, { abortSignal }),
    );
    if (!token?.token) throw new Error('the credential returned no token');
    return pass(name, `token for Azure Resource Manager obtained (AZURE_CREDENTIAL=${env.AZURE_CREDENTIAL})`);
  } catch (error) {
    const hint =
      env.AZURE_CREDENTIAL === 'default'
        ? 'give the process an identity DefaultAzureCredential can use (managed or workload identity, AZURE_CLIENT_ID/AZURE_TENANT_ID, or az login)'
        : 'check AZURE_CREDENTIAL';
    return fail(
      name,
      `no Azure token (AZURE_CREDENTIAL=${env.AZURE_CREDENTIAL}): ${firstLine(messageOf(error))}; ${hint}`,
    );
  }
}

async function checkSubscriptions(
  client: DataProtectionClient,
  policy: Policy | undefined,
  env: Env,
  deadline: Deadlines,
): Promise<{ result: CheckResult; inScope?: string[] }> {
  const name = 'azure subscriptions';
  let visible: string[];
  try {
    const list = await deadline.run('listing subscriptions', (abortSignal) =>
      client.listSubscriptions({ abortSignal }).toArray(),
    );
    visible = list.map((s) => s.subscriptionId);
  } catch (error) {
    return { result: fail(name, describeAzureFailure(error, 'listing subscriptions', 'the subscriptions', env)) };
  }
  if (visible.length === 0) {
    return {
      result: fail(name, `${env.AZURE_ARM_ENDPOINT} answered, but the identity sees no subscription: ${ROLES_HINT}`),
    };
  }
  const wanted = policy?.config.subscriptions ?? null;
  const missing = (wanted ?? []).filter((w) => !visible.some((v) => v.toLowerCase() === w.toLowerCase()));
  if (missing.length > 0) {
    return {
      result: fail(
        name,
        `${missing.join(', ')} named in the policy ${missing.length === 1 ? 'is' : 'are'} not visible to the bot's identity: ` +
          `grant it the Reader role there (and Backup Operator on the vaults), or correct subscriptions in ${policy?.source}`,
      ),
    };
  }
  const inScope = policy ? policy.subscriptionsInScope(visible) : visible;
  const scope = policy ? '' : ' (policy not loaded: scope not checked)';
  return {
    result: pass(
      name,
      `${env.AZURE_ARM_ENDPOINT} answered: ${visible.length} visible, ${inScope.length} in scope${scope}`,
    ),
    inScope,
  };
}

async function checkVaults(
  client: DataProtectionClient,
  subscriptions: readonly string[],
  env: Env,
  deadline: Deadlines,
): Promise<CheckResult> {
  const name = 'azure vaults';
  type Outcome = { subscriptionId: string; count: number } | { subscriptionId: string; error: unknown };
  const outcomes = await mapLimited(
    subscriptions,
    VAULT_LISTING_CONCURRENCY,
    async (subscriptionId): Promise<Outcome> => {
      try {
        const vaults = await deadline.run(`listing backup vaults in ${subscriptionId}`, (abortSignal) =>
          client.listVaultsInSubscription(subscriptionId, { abortSignal }).toArray(),
        );
        return { subscriptionId, count: vaults.length };
      } catch (error) {
        return { subscriptionId, error };
      }
    },
  );
  const failure = outcomes.find((o) => 'error' in o);
  if (failure && 'error' in failure) {
    const action = `listing backup vaults in subscription ${failure.subscriptionId}`;
    return fail(name, describeAzureFailure(failure.error, action, `subscription ${failure.subscriptionId}`, env));
  }
  const counts = outcomes.map((o) => `${o.subscriptionId}: ${'count' in o ? o.count : 0}`).join(', ');
  const total = outcomes.reduce((sum, o) => sum + ('count' in o ? o.count : 0), 0);
  if (total === 0) {
    return warn(name, `no backup vault in the subscriptions in scope (${counts}): there is nothing to restore from`);
  }
  return pass(
    name,
    `${total} backup vault${total === 1 ? '' : 's'} in scope (${counts}); restoring needs Backup Operator on them (not checked here)`,
  );
}

/** An operator's sentence for an ARM failure: which role is missing, or which endpoint did not answer. */
function describeAzureFailure(error: unknown, action: string, scope: string, env: Env): string {
  const endpoint = env.AZURE_ARM_ENDPOINT;
  if (isBotError(error, 'DOCTOR_TIMEOUT'))
    return `no answer from ${endpoint} within ${error.details.seconds} s while ${action}`;
  if (!isAzureError(error)) return `${action} failed: ${firstLine(messageOf(error))}`;
  const answer = `${error.status ?? ''} ${error.armCode ?? ''}`.trim();
  switch (error.azureCode) {
    case 'AZURE_FORBIDDEN':
      return `${action} was refused (${answer}): ${ROLES_HINT}; grant Reader on ${scope}`;
    case 'AZURE_AUTH':
      return `${endpoint} rejected the token while ${action} (${answer}): check the identity's tenant and credential; ${ROLES_HINT}`;
    case 'AZURE_UNAVAILABLE':
    case 'AZURE_THROTTLED':
      return `${endpoint} answered ${answer} while ${action}: Azure Resource Manager is unavailable or throttling; try again later`;
    case 'AZURE_TIMEOUT':
    case 'AZURE_CANCELLED':
      return `no answer from ${endpoint} while ${action}`;
    case 'AZURE_NETWORK':
      return `cannot reach ${endpoint} while ${action}: ${firstLine(error.message)} (check AZURE_ARM_ENDPOINT, DNS, proxy)`;
    default:
      return `${action} failed at ${endpoint} (${error.code}${answer ? `, ${answer}` : ''}): ${firstLine(error.message)}`;
  }
}

// ---- Teams -----------------------------------------------------------------------------------------------

const TEAMS_APP_TYPES = ['multitenant', 'singletenant', 'userassignedmsi'];

/** Configuration only: contacting Microsoft would need network access doctor must not depend on. */
export function checkTeams(env: Env): CheckResult {
  const name = 'teams';
  const mode = decideTeamsMode(env.HOST, { appId: env.MicrosoftAppId });
  if (mode.mode === 'local') {
    return pass(name, `local mode (loopback only): no MicrosoftAppId, /api/messages unauthenticated on ${env.HOST}`);
  }
  if (mode.mode === 'off') return warn(name, mode.reason);

  const appType = env.MicrosoftAppType ?? 'MultiTenant';
  if (!TEAMS_APP_TYPES.includes(appType.toLowerCase())) {
    return fail(name, `MicrosoftAppType=${appType} is not one of MultiTenant, SingleTenant, UserAssignedMSI`);
  }
  const managedIdentity = appType.toLowerCase() === 'userassignedmsi';
  if (!managedIdentity && !env.MicrosoftAppPassword) {
    return fail(
      name,
      `MicrosoftAppId ${env.MicrosoftAppId} is set but MicrosoftAppPassword is not: set the bot's client secret`,
    );
  }
  if (appType.toLowerCase() !== 'multitenant' && !env.MicrosoftAppTenantId) {
    return fail(name, `MicrosoftAppType=${appType} needs MicrosoftAppTenantId`);
  }
  return pass(
    name,
    `app ${env.MicrosoftAppId} (${appType}) configured${managedIdentity ? ' with a managed identity' : ', password set'}; ` +
      'credentials not verified against Microsoft',
  );
}

// ---- Slack -----------------------------------------------------------------------------------------------

/** Both variables or neither; when both, one `auth.test` call says whether Slack accepts the token. */
export async function checkSlack(env: Env, deadline = new Deadlines(DOCTOR_TIMEOUT_MS)): Promise<CheckResult> {
  const name = 'slack';
  const secret = env.SLACK_SIGNING_SECRET;
  const token = env.SLACK_BOT_TOKEN;
  if (!secret && !token) return pass(name, 'disabled (SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN unset)');
  if (!secret || !token) {
    const [set, missing] = secret
      ? ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']
      : ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'];
    return fail(name, `${set} is set but ${missing} is not: set ${missing} to enable Slack, or unset ${set}`);
  }
  const base = (env.SLACK_API_URL ?? DEFAULT_SLACK_API_URL).replace(/\/+$/, '');
  const endpoint = `${base}/auth.test`;
  const transport = env.SLACK_APP_TOKEN ? 'Socket Mode' : `HTTP on port ${env.SLACK_PORT}`;
  try {
    const answer = await deadline.run('calling Slack auth.test', async (signal) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        signal,
      });
      const body = (await response.json().catch(() => ({}))) as {
        ok?: boolean;
        error?: string;
        team?: string;
        user?: string;
      };
      return { status: response.status, body };
    });
    if (answer.body.ok === true) {
      return pass(
        name,
        `configured (${transport}); auth.test ok as ${answer.body.user ?? '?'} in ${answer.body.team ?? '?'}`,
      );
    }
    const why = answer.body.error ?? `HTTP ${answer.status}`;
    return fail(name, `Slack refused SLACK_BOT_TOKEN at ${endpoint} (${why}): reinstall the app or replace the token`);
  } catch (error) {
    if (isBotError(error, 'DOCTOR_TIMEOUT'))
      return fail(name, `no answer from ${endpoint} within ${error.details.seconds} s`);
    return fail(name, `cannot reach ${endpoint}: ${firstLine(messageOf(error))} (check SLACK_API_URL, DNS, proxy)`);
  }
}

// ---- helpers ---------------------------------------------------------------------------------------------

/**
 * Bounds each step. The step gets an abort signal, but doctor stops waiting at the deadline even when the
 * step ignores it (a PostgreSQL connect has no timeout of its own); such a step is recorded as abandoned.
 */
export class Deadlines {
  abandoned = false;

  constructor(readonly ms: number) {}

  async run<T>(step: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.abandoned = true;
        reject(
          new BotError('DOCTOR_TIMEOUT', `${step}: no answer within ${this.ms / 1000} s`, { seconds: this.ms / 1000 }),
        );
        controller.abort();
      }, this.ms);
    });
    const working = work(controller.signal);
    working.catch(() => {}); // settles after the deadline when abandoned; nobody is listening then
    try {
      return await Promise.race([working, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail });
const fail = (name: string, detail: string): CheckResult => ({ name, status: 'fail', detail });
const warn = (name: string, detail: string): CheckResult => ({ name, status: 'warn', detail });
const skipAfter = (name: string): CheckResult => ({
  name,
  status: 'skip',
  detail: 'skipped: the previous Azure check failed',
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

function oneLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.reduce(
    (out, line) => (out === '' ? line : out.endsWith(':') ? `${out} ${line}` : `${out}; ${line}`),
    '',
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
