/**
 * The composition root: reads nothing itself but the validated `Env`, builds every part once, wires them
 * and starts the servers. `restore-bot serve` runs this; the demo runs it against the emulator.
 */
import { createCredential, DataProtectionClient } from './azure';
import { PosterRouter } from './bot/poster-router';
import { type SlackServer, startSlackServer } from './bot/slack';
import { startTeamsServer, type TeamsServer } from './bot/teams';
import type { Env } from './config';
import { announceVaultSettingOutcomes, createConversationApp } from './dialogs';
import type { Logger } from './log';
import { createMetricsRegistry } from './metrics';
import { Notifier, notifierSettingsFromEnv } from './notifier';
import { loadPolicyFile, NO_USER_GROUPS, type UserGroupDirectory } from './restore';
import { InventoryRefresher, RestoreInventory } from './restore/inventory';
import { RestoreService } from './restore/service';
import { openStore, type Store } from './store';

export interface RunningBot {
  teams: TeamsServer;
  /** The Slack channel, when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set. */
  slack?: SlackServer;
  /** Posts into whichever channel a message belongs to (what the conversation and the notifier use). */
  posters: PosterRouter;
  store: Store;
  service: RestoreService;
  /** The vault/instance inventory's refresher (`refresh()` warms it now; it also runs in the background). */
  inventory: InventoryRefresher;
  /** Follows restore jobs into the approval threads, and expires undecided requests on time. */
  notifier: Notifier;
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
  // Checked before anything starts, like the policy: settings that cannot work together stop the start.
  const notifierSettings = notifierSettingsFromEnv(env);
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
  // What the bot last saw of vaults and instances: restores go on in the secondary region while a vault's
  // region is down. Refreshed in the background and by every listing the conversation makes.
  const inventory = new RestoreInventory({
    records: store.inventory,
    now,
    logger: logger.child({ component: 'inventory' }),
  });
  // Slack user groups (S… ids in the policy) are asked of Slack once its channel is up; without Slack (and for
  // Teams) nobody is in any group.
  let slackGroups: UserGroupDirectory = NO_USER_GROUPS;
  const userGroups: UserGroupDirectory = { isMember: (userId, groupId) => slackGroups.isMember(userId, groupId) };
  const service = new RestoreService({
    store,
    policy,
    azure: client,
    userGroups,
    now,
    logger: logger.child({ component: 'restore' }),
    inventory,
  });

  // One conversation for every channel; each channel registers its poster once its server is up.
  const posters = new PosterRouter();
  posters.expect('teams');
  const slackEnabled = Boolean(env.SLACK_SIGNING_SECRET && env.SLACK_BOT_TOKEN);
  if (slackEnabled) posters.expect('slack');
  let slack: SlackServer | undefined;
  const conversation = createConversationApp({
    service,
    client,
    policy,
    storage: store.dialogState,
    conversations: store.conversations,
    poster: posters,
    userGroups,
    now,
    logger: logger.child({ component: 'dialogs' }),
    inventory,
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
      slack: async () =>
        slack?.report() ?? {
          status: 'disabled',
          detail: slackEnabled ? 'starting' : 'SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not both set',
        },
    },
    metrics,
    logger,
  });
  posters.register('teams', teams.poster);

  if (slackEnabled) {
    try {
      slack = await startSlackServer({
        host: env.HOST,
        port: env.SLACK_PORT,
        signingSecret: env.SLACK_SIGNING_SECRET!,
        botToken: env.SLACK_BOT_TOKEN!,
        ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
        ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
        ...(env.SLACK_BOT_USER_ID ? { botUserId: env.SLACK_BOT_USER_ID } : {}),
        ...(env.SLACK_BOT_ID ? { botId: env.SLACK_BOT_ID } : {}),
        app: conversation,
        conversations: store.conversations,
        idempotency: store.idempotency,
        metrics,
        logger,
      });
    } catch (error) {
      await teams.close();
      await store.close();
      throw error;
    }
    posters.register('slack', slack.poster);
    slackGroups = slack.userGroups;
  }

  // Job follow-up and timed expiry (cards turned Expired, requester told). Its own client: it retries little
  // and leaves Retry-After waits to its schedule, so one throttled vault never holds up the others.
  const notifier = new Notifier({
    store,
    azure: new DataProtectionClient({
      endpoint: env.AZURE_ARM_ENDPOINT,
      credential: createCredential(env.AZURE_CREDENTIAL, env.AZURE_ARM_ENDPOINT),
      logger: logger.child({ component: 'azure' }),
      onCall: (operation, status) => azureCalls.inc({ operation, status: String(status) }),
      retry: { maxRetries: 1, maxDelayMs: 2_000 },
      timeoutMs: 10_000,
    }),
    poster: posters,
    service,
    approvals: store.conversations,
    settings: notifierSettings,
    now,
    logger: logger.child({ component: 'notifier' }),
    metrics,
  });

  // Finish what a crash or restart left behind before taking new work, then keep doing it in the background.
  const housekeeping = async () => {
    try {
      // A vault change that recovery (not a click) brought to its end is told in its approval thread.
      await announceVaultSettingOutcomes(
        { poster: posters, now, logger, storage: store.dialogState, conversations: store.conversations },
        await service.recover(),
      );
      // Delivery claims of Slack retries and post keys are only needed for a while.
      await store.idempotency.purgeExpired();
      // With the notifier on, expiry is its job (it also updates the cards and tells the requester).
      if (!notifierSettings.enabled) await service.expireDue(now());
    } catch (error) {
      logger.error('housekeeping failed; will retry', { error });
    }
  };
  await housekeeping();
  const timer = setInterval(housekeeping, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  notifier.start();

  // Not awaited: the bot must come up (and serve from what it stored) even while Azure does not answer.
  const refresher = new InventoryRefresher({
    client,
    policy,
    inventory,
    intervalMs: env.INVENTORY_REFRESH_MINUTES * 60_000,
    logger: logger.child({ component: 'inventory' }),
  });
  refresher.start();

  return {
    teams,
    ...(slack ? { slack } : {}),
    posters,
    store,
    service,
    inventory: refresher,
    notifier,
    close: async () => {
      clearInterval(timer);
      await notifier.stop();
      await refresher.stop();
      await slack?.close();
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
