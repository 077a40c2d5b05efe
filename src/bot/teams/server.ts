/**
 * The bot's HTTP server (SPEC section 5): `POST /api/messages` for Teams, `/healthz`, `/readyz`, `/metrics`.
 * restify 11: every handler is `async (req, res)` (a two-argument handler that is not async fails at startup).
 */
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder-core';
import * as restify from 'restify';
import { type Logger, redact } from '../../log';
import { type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../metrics';
import type { TeamsMode } from './adapter';
import { AfterResponseQueue, type BackgroundTasks } from './after-response';

export type ComponentStatus = 'ok' | 'failing' | 'disabled' | 'local' | 'off' | 'unknown';

export interface ComponentReport {
  status: ComponentStatus;
  detail?: string;
}

/**
 * Readiness probes, injected by the composition root. A probe resolves when the part answers and throws when
 * it does not; `slack` reports its own state (e.g. `disabled`). Only `store` and `config` decide readiness:
 * Azure is reported but never takes the bot out of rotation (it is needed most during an Azure outage).
 */
export interface ReadinessProbes {
  store: () => Promise<unknown>;
  config?: () => Promise<unknown> | unknown;
  azure?: () => Promise<unknown>;
  slack?: () => Promise<ComponentReport>;
}

export interface BotServerOptions {
  host: string;
  port: number;
  mode: TeamsMode;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  background: BackgroundTasks;
  probes: ReadinessProbes;
  metrics: MetricsRegistry;
  logger: Logger;
  /** Per probe; a probe that takes longer counts as failing. */
  probeTimeoutMs?: number;
}

export interface BotServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_ACTIVITY_BYTES = 1024 * 1024;

export async function startBotServer(options: BotServerOptions): Promise<BotServer> {
  const { adapter, bot, mode, logger, metrics, background } = options;
  const requests = metrics.counter('restore_bot_requests_total', 'Requests handled, by channel and outcome.');
  const turnSeconds = metrics.histogram(
    'restore_bot_turn_seconds',
    'Time to answer a channel request, by channel and kind.',
  );

  const server = restify.createServer({ name: 'restore-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false }));

  if (mode.mode === 'off') logger.warn(`Teams endpoint disabled: ${mode.reason}`);
  else logger.info(`Teams endpoint: ${mode.reason}`);

  server.post('/api/messages', async (req, res) => {
    const kind = activityKind(req.body);
    const stop = turnSeconds.startTimer({ channel: 'teams', kind });
    if (mode.mode === 'off') {
      res.send(404, { code: 'TEAMS_DISABLED', message: mode.reason });
      requests.inc({ channel: 'teams', outcome: 'disabled' });
      return;
    }
    const queue = new AfterResponseQueue(background);
    await adapter.process(req, res, async (context) => {
      queue.attach(context);
      await bot.run(context);
    });
    queue.startAfter(res as unknown as ServerResponse);
    stop();
    requests.inc({ channel: 'teams', outcome: outcomeOf(res.statusCode) });
  });

  server.get('/healthz', async (_req, res) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.sendRaw(200, 'ok');
  });

  server.get('/readyz', async (_req, res) => {
    const report = await readiness(options);
    res.send(report.ready ? 200 : 503, report.body);
  });

  server.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
    res.sendRaw(200, metrics.render());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open.
        (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

async function readiness(
  options: BotServerOptions,
): Promise<{ ready: boolean; body: Record<string, ComponentReport> }> {
  const timeout = options.probeTimeoutMs ?? 2_000;
  const [store, config, azure, slack] = await Promise.all([
    probe(options.probes.store, timeout),
    options.probes.config
      ? probe(async () => options.probes.config!(), timeout)
      : Promise.resolve<ComponentReport>({ status: 'ok' }),
    options.probes.azure
      ? probe(options.probes.azure, timeout)
      : Promise.resolve<ComponentReport>({ status: 'unknown' }),
    options.probes.slack
      ? options.probes.slack().catch((e: unknown): ComponentReport => ({ status: 'failing', detail: messageOf(e) }))
      : Promise.resolve<ComponentReport>({ status: 'disabled' }),
  ]);
  const teams: ComponentReport = {
    status: options.mode.mode === 'authenticated' ? 'ok' : options.mode.mode,
    detail: options.mode.reason,
  };
  const ready = store.status === 'ok' && config.status === 'ok';
  return { ready, body: { store, azure, slack, teams, ...(config.status === 'ok' ? {} : { config }) } };
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<ComponentReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok' };
  } catch (error) {
    return { status: 'failing', detail: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Probe failures are shown on an unauthenticated endpoint: tokens in them are redacted. */
function messageOf(error: unknown): string {
  return String(redact(error instanceof Error ? error.message : String(error)));
}

function activityKind(body: unknown): string {
  const type = (body as { type?: unknown } | undefined)?.type;
  return type === 'message' || type === 'invoke' ? type : 'other';
}

function outcomeOf(status: number): string {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'error';
  if (status >= 400) return 'rejected';
  return 'ok';
}
