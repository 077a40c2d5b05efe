/**
 * The Teams channel, assembled: adapter, turn glue, poster and HTTP server. The composition root calls
 * `startTeamsServer` with configuration values and the conversation; nothing here reads the environment.
 */
import type { CloudAdapter } from 'botbuilder';
import type { ConversationApp } from '../../dialogs/ports';
import { type Logger, silentLogger } from '../../log';
import { createMetricsRegistry, type MetricsRegistry } from '../../metrics';
import { createTeamsAdapter, decideTeamsMode, type TeamsAuthConfig, type TeamsMode } from './adapter';
import { BackgroundTasks } from './after-response';
import { ConversationRefRecorder, type ConversationRefStore } from './conversation-refs';
import { TeamsPoster } from './poster';
import { type ReadinessProbes, startBotServer } from './server';
import { TeamsBot } from './teams-bot';

export { decideTeamsMode, type TeamsAuthConfig, type TeamsMode } from './adapter';
export type { ConversationRefStore } from './conversation-refs';
export { TEAMS_LIMITS } from './limits';
export { TeamsPoster } from './poster';
export { renderView } from './render';
export type { ComponentReport, ComponentStatus, ReadinessProbes } from './server';
export { cardAttachment } from './view-middleware';

export interface StartTeamsServerOptions {
  /** HOST and PORT (SPEC section 4); port 0 picks a free one. */
  host: string;
  port: number;
  auth: TeamsAuthConfig;
  /** The conversation; a function when it needs the poster (approval posts, the private 1:1 wizard). */
  app: ConversationApp | ((channel: { poster: TeamsPoster; adapter: CloudAdapter }) => ConversationApp);
  /** Where conversation references live (`store.conversations`). */
  conversations: ConversationRefStore;
  probes: ReadinessProbes;
  metrics?: MetricsRegistry;
  logger?: Logger;
  /** How long a click may take before it is answered with "still working" (default 10 s). */
  invokeDeadlineMs?: number;
}

export interface TeamsServer {
  url: string;
  port: number;
  mode: TeamsMode;
  adapter: CloudAdapter;
  poster: TeamsPoster;
  metrics: MetricsRegistry;
  /** Resolves when no after-response work is running (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Stops accepting requests, then waits for after-response work. */
  close(): Promise<void>;
}

export async function startTeamsServer(options: StartTeamsServerOptions): Promise<TeamsServer> {
  const logger = (options.logger ?? silentLogger).child({ channel: 'teams' });
  const metrics = options.metrics ?? createMetricsRegistry();
  const failures = metrics.counter(
    'restore_bot_after_response_failures_total',
    'Work after a channel answer that failed.',
  );
  const background = new BackgroundTasks(logger, () => failures.inc({ channel: 'teams' }));
  const mode = decideTeamsMode(options.host, options.auth);
  const appId = options.auth.appId ?? '';

  const adapter = createTeamsAdapter(options.auth, logger);
  const recorder = new ConversationRefRecorder(options.conversations);
  const poster = new TeamsPoster({ adapter, appId, refs: options.conversations, recorder, logger });
  const app = typeof options.app === 'function' ? options.app({ poster, adapter }) : options.app;
  const bot = new TeamsBot({
    app,
    recorder,
    background,
    logger,
    ...(options.invokeDeadlineMs !== undefined ? { invokeDeadlineMs: options.invokeDeadlineMs } : {}),
    onLateResult: async (message, result) => {
      if (message) await poster.update(message, result.view);
    },
  });

  const server = await startBotServer({
    host: options.host,
    port: options.port,
    mode,
    adapter,
    bot,
    background,
    probes: options.probes,
    metrics,
    logger,
  });
  return {
    url: server.url,
    port: server.port,
    mode,
    adapter,
    poster,
    metrics,
    idle: () => background.idle(),
    close: async () => {
      await server.close();
      await background.idle();
    },
  };
}
