/**
 * The Slack channel, assembled: Web API client, Bolt app and receiver, the turn glue, the poster and the
 * user-group directory. The composition root calls `startSlackServer` with configuration values and the
 * conversation; nothing here reads the environment.
 */
import type { AddressInfo } from 'node:net';
import { App, type webApi } from '@slack/bolt';
import type { KeyValueStore } from '../../dialogs/deps';
import type { ConversationApp } from '../../dialogs/ports';
import { BotError } from '../../errors';
import { type Logger, silentLogger } from '../../log';
import { createMetricsRegistry, type MetricsRegistry } from '../../metrics';
import { SlackApi, slackError, webClientOptions } from './api';
import { BackgroundWork, KeyedQueue } from './background';
import { claimsOverKeyValue, type DeliveryClaims } from './idempotency';
import { SlackInteractions } from './interactions';
import { SlackPeople } from './people';
import { SlackPoster } from './poster';
import { boltLogger, createSocketModeReceiver, SLACK_EVENTS_PATH, SlackHttpReceiver } from './receiver';
import { SlackTurns } from './surfaces';
import { SlackUserGroups } from './user-groups';

export { SlackApi, webClientOptions } from './api';
export type { DeliveryClaims } from './idempotency';
export { BLOCK_KIT_LIMITS, SLACK_TIME_LIMITS } from './limits';
export { POST_METADATA_TYPE, SlackPoster } from './poster';
export { boltLogger, SLACK_EVENTS_PATH, SlackHttpReceiver } from './receiver';
export { loadingModal, renderMessage, renderModal, renderOptions } from './render';
export { SlackUserGroups, USER_GROUP_TTL_MS } from './user-groups';

export interface StartSlackServerOptions {
  /** HOST and SLACK_PORT (SPEC section 4); port 0 picks a free one. Never all interfaces by default. */
  host: string;
  port: number;
  signingSecret: string;
  botToken: string;
  /** SLACK_APP_TOKEN: Socket Mode instead of HTTP (no port is opened). */
  appToken?: string;
  /** SLACK_API_URL: Web API base URL (a fake in tests); Slack's own when absent. */
  apiUrl?: string;
  /** SLACK_BOT_USER_ID / SLACK_BOT_ID: both given, no `auth.test` at start; else one `auth.test`. */
  botUserId?: string;
  botId?: string;
  /** The conversation; a function when it needs the poster. */
  app: ConversationApp | ((channel: { poster: SlackPoster }) => ConversationApp);
  /** `store.conversations`: redeliveries are remembered here when no `idempotency` is given. */
  conversations: KeyValueStore;
  /** `store.idempotency`: claims shared by every replica (preferred). */
  idempotency?: DeliveryClaims;
  metrics?: MetricsRegistry;
  logger?: Logger;
  now?: () => number;
  /** Transport retries of the Web API client; tests pass `{ retries: 0 }`. */
  retryConfig?: webApi.RetryOptions;
  /** Bolt's own ack timer (default 3 001 ms). */
  unhandledRequestTimeoutMillis?: number;
}

export interface SlackServer {
  /** `http://<host>:<port>` in HTTP mode (requests go to `url + SLACK_EVENTS_PATH`); empty in Socket Mode. */
  url: string;
  port: number;
  mode: 'http' | 'socket';
  poster: SlackPoster;
  userGroups: SlackUserGroups;
  api: SlackApi;
  metrics: MetricsRegistry;
  /** For /readyz. */
  report(): { status: 'ok'; detail: string };
  /** Resolves when no work after an ack is running (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Stops accepting requests, then waits for work after acks. */
  close(): Promise<void>;
}

export async function startSlackServer(options: StartSlackServerOptions): Promise<SlackServer> {
  const logger = (options.logger ?? silentLogger).child({ channel: 'slack' });
  const metrics = options.metrics ?? createMetricsRegistry();
  const requests = metrics.counter('restore_bot_requests_total', 'Requests handled, by channel and outcome.');
  const failures = metrics.counter(
    'restore_bot_after_response_failures_total',
    'Work after a channel answer that failed.',
  );
  const api = new SlackApi({
    token: options.botToken,
    logger,
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
  });
  const identity = await botIdentity(api, options);
  const clientOptions = webClientOptions({
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
  });
  const receiver = options.appToken
    ? createSocketModeReceiver({ appToken: options.appToken, logger, clientOptions })
    : new SlackHttpReceiver({
        signingSecret: options.signingSecret,
        logger,
        onRefused: () => requests.inc({ channel: 'slack', outcome: 'unauthorized' }),
        ...(options.now ? { now: options.now } : {}),
        ...(options.unhandledRequestTimeoutMillis
          ? { unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis }
          : {}),
      });
  // The bot's ids are known here, so Bolt never calls auth.test itself (not at start, not per request).
  const bolt = new App({
    token: options.botToken,
    receiver,
    tokenVerificationEnabled: false,
    botId: identity.botId,
    botUserId: identity.botUserId,
    clientOptions,
    logger: boltLogger(logger),
  });

  const background = new BackgroundWork(logger, () => failures.inc({ channel: 'slack' }));
  const queue = new KeyedQueue();
  const turns = new SlackTurns();
  const poster = new SlackPoster({ api, turns, queue, botUserId: identity.botUserId, logger });
  const userGroups = new SlackUserGroups(api, logger, options.now ? { now: options.now } : {});
  const people = new SlackPeople(api, logger, options.now);
  const claims = options.idempotency ?? claimsOverKeyValue(options.conversations, options.now);
  const app = typeof options.app === 'function' ? options.app({ poster }) : options.app;
  new SlackInteractions({
    app,
    api,
    people,
    poster,
    turns,
    queue,
    claims,
    background,
    botUserId: identity.botUserId,
    metrics,
    logger,
  }).register(bolt);

  let url = '';
  let port = 0;
  let detail: string;
  if (options.appToken) {
    await bolt.start();
    detail = 'Socket Mode (SLACK_APP_TOKEN)';
  } else {
    const server = (await bolt.start({ port: options.port, host: options.host })) as { address(): AddressInfo };
    port = server.address().port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    url = `http://${host}:${port}`;
    detail = `HTTP on ${url}${SLACK_EVENTS_PATH}`;
  }
  logger.info(`Slack endpoint: ${detail}`, { botUserId: identity.botUserId });

  return {
    url,
    port,
    mode: options.appToken ? 'socket' : 'http',
    poster,
    userGroups,
    api,
    metrics,
    report: () => ({ status: 'ok', detail }),
    idle: () => background.idle(),
    close: async () => {
      await bolt.stop();
      await background.idle();
    },
  };
}

/** The bot's user and bot ids: from configuration, else one `auth.test` (which also proves the token works). */
async function botIdentity(
  api: SlackApi,
  options: Pick<StartSlackServerOptions, 'botUserId' | 'botId'>,
): Promise<{ botUserId: string; botId: string }> {
  if (options.botUserId && options.botId) return { botUserId: options.botUserId, botId: options.botId };
  try {
    const result = await api.client.auth.test();
    if (!result.user_id || !result.bot_id) throw new BotError('SLACK_AUTH_FAILED', 'auth.test named no bot user.');
    return { botUserId: result.user_id, botId: result.bot_id };
  } catch (error) {
    const slack = slackError('auth.test', error);
    throw new BotError('SLACK_AUTH_FAILED', `Slack did not accept the bot token at start: ${slack.message}`, {
      code: slack.code,
    });
  }
}
