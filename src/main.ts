/**
 * The composition root: reads nothing itself but the validated `Env`, builds every part once, wires them
 * and starts the servers. `restore-bot serve` runs this; the demo runs it against the emulator.
 */
import { createCredential, DataProtectionClient } from './azure';
import { PosterRouter } from './bot/poster-router';
import { startTeamsServer, type TeamsServer } from './bot/teams';
import type { Env } from './config';
import { createConversationApp } from './dialogs';
import type { Logger } from './log';
import { createMetricsRegistry } from './metrics';
import { loadPolicyFile, NO_USER_GROUPS } from './restore';
import { RestoreService } from './restore/service';
import { openStore, type Store } from './store';

export interface RunningBot {
  teams: TeamsServer;
  /** Posts into whichever channel a message belongs to (what the conversation and the notifier use). */
  posters: PosterRouter;
  store: Store;
  service: RestoreService;
  close(): Promise<void>;
}

/**
 * Readiness is polled every few seconds by load balancers; Azure's answer is only reported there, so one ARM
 * call per this interval is plenty, and an Azure outage does not pile up calls behind the probes.
 */
const AZURE_PROBE_TTL_MS = 30_000;

/** How often requests left between approval and a running job are finished, and due ones expired. */
const HOUSEKEEPING_INTERVAL_MS = 30_000;

export async function startBot(env: Env, logger: Logger, options: { policyFile?: string } = {}): Promise<RunningBot> {
  const policyFile = options.policyFile ?? env.RESTORE_BOT_CONFIG;
  if (!policyFile) {
    throw new Error('RESTORE_BOT_CONFIG is not set: name the policy file (see SPEC section 4, config/demo.yaml)');
  }
  const policy = await loadPolicyFile(policyFile);
  const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, logger });
  const metrics = createMetricsRegistry();
  const azureCalls = metrics.counter(
    'restore_bot_azure_calls_total',
    'Azure Resource Manager calls by operation and status.',
  );
  const client = new DataProtectionClient({
    endpoint: env.AZURE_ARM_ENDPOINT,
    credential: createCredential(env.AZURE_CREDENTIAL, env.AZURE_ARM_ENDPOINT),
    logger: logger.child({ component: 'azure' }),
    onCall: (operation, status) => azureCalls.inc({ operation, status: String(status) }),
  });
  const now = () => new Date();
  const service = new RestoreService({
    store,
    policy,
    azure: client,
    userGroups: NO_USER_GROUPS,
    now,
    logger: logger.child({ component: 'restore' }),
  });

  // One conversation for every channel; each channel registers its poster once its server is up.
  const posters = new PosterRouter();
  posters.expect('teams');
  const conversation = createConversationApp({
    service,
    client,
    policy,
    storage: store.dialogState,
    conversations: store.conversations,
    poster: posters,
    userGroups: NO_USER_GROUPS,
    now,
    logger: logger.child({ component: 'dialogs' }),
  });

  const teams = await startTeamsServer({
    host: env.HOST,
    port: env.PORT,
    auth: {
      appId: env.MicrosoftAppId,
      appPassword: env.MicrosoftAppPassword,
      appType: env.MicrosoftAppType,
      tenantId: env.MicrosoftAppTenantId,
    },
    app: conversation,
    conversations: store.conversations,
    probes: {
      store: () => store.query('SELECT 1'),
      config: () => policy,
      azure: cachedProbe(() => client.listSubscriptions().firstPage(), AZURE_PROBE_TTL_MS),
    },
    metrics,
    logger,
  });
  posters.register('teams', teams.poster);

  // Finish what a crash or restart left behind before taking new work, then keep doing it in the background.
  const housekeeping = async () => {
    try {
      await service.recover();
      await service.expireDue(now());
    } catch (error) {
      logger.error('housekeeping failed; will retry', { error });
    }
  };
  await housekeeping();
  const timer = setInterval(housekeeping, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();

  return {
    teams,
    posters,
    store,
    service,
    close: async () => {
      clearInterval(timer);
      await teams.close();
      await store.close();
    },
  };
}

/** Runs `check` at most once per `ttlMs`; callers in between share the last outcome (success or failure). */
export function cachedProbe(check: () => Promise<unknown>, ttlMs: number, now = () => Date.now()) {
  let last: { at: number; outcome: Promise<unknown> } | undefined;
  return (): Promise<unknown> => {
    if (!last || now() - last.at >= ttlMs) {
      const outcome = check();
      outcome.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
      last = { at: now(), outcome };
    }
    return last.outcome;
  };
}
