/**
 * The whole bot (`startBot` with the demo's configuration and the Slack variables), the Azure emulator, the
 * fake Slack Web API and the fake Bot Connector (for the Teams half of comparisons), started once per test
 * file on loopback ports.
 */
import { readEnv } from '../../../src/config';
import { demoEnv } from '../../../src/demo';
import { buildDemoSeed, type RunningEmulator, startEmulator } from '../../../src/emulator';
import { createLogger, type Logger } from '../../../src/log';
import { type RunningBot, startBot } from '../../../src/main';
import { FakeBotConnector } from '../../fakes/bot-connector';
import { FakeSlackApi } from '../../fakes/slack-api';
import { fastForward } from '../../restore/service/support';
import {
  BOT_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  CHANNEL,
  DBA_GROUP,
  SECRET,
  SlackDriver,
  type SlackUser,
  TEAM_ID,
  USERS,
} from './slack-driver';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface SlackWorld {
  emulator: RunningEmulator;
  fake: FakeSlackApi;
  connector: FakeBotConnector;
  bot: RunningBot;
  driver: SlackDriver;
  /** JSON log lines the bot wrote (debug and up). */
  logLines: string[];
  emulatorRequests(): Promise<LoggedRequest[]>;
  restoreTriggers(): Promise<LoggedRequest[]>;
  close(): Promise<void>;
}

/** The demo world with `pg-orders-prod` and `pg-orders-dev` holding 10 000 hourly recovery points each (newest 30 h old). */
export function demoSeedWithManyPoints(count = 10_000) {
  const seed = buildDemoSeed();
  const servers = seed.subscriptions.flatMap((s) => s.vaults ?? []).flatMap((v) => v.instances ?? []);
  for (const name of ['pg-orders-prod', 'pg-orders-dev']) {
    const server = servers.find((i) => i.serverName === name);
    if (!server) throw new Error(`the demo seed changed: no ${name}`);
    server.recoveryPoints = { count, intervalHours: 1, newestAgeHours: 30 };
  }
  return seed;
}

export async function startSlackWorld(options: { seed?: unknown } = {}): Promise<SlackWorld> {
  const emulator = await startEmulator({ port: 0, seed: options.seed ?? demoSeedWithManyPoints() });
  // Azure validations are operations that take 2 s of emulated time; running its clock ahead keeps each short.
  const forward = fastForward(emulator.url, 1, 100);
  const fake = await FakeSlackApi.start({
    teamId: TEAM_ID,
    botUserId: BOT_USER_ID,
    botId: BOT_ID,
    acceptToken: BOT_TOKEN,
    users: (Object.values(USERS) as SlackUser[]).map((u) => ({
      id: u.id,
      name: u.name,
      real_name: u.name,
      ...(u.tz ? { tz: u.tz } : {}),
    })),
    channels: [{ id: CHANNEL, name: 'oncall' }],
    userGroups: { [DBA_GROUP]: [USERS.dba.id] },
  });
  const connector = await new FakeBotConnector().start();
  const logLines: string[] = [];
  const logger: Logger = createLogger('debug', {}, (line) => logLines.push(line));
  const env = demoEnv(
    readEnv({
      PORT: '0',
      DATA_DIR: 'memory://',
      SLACK_PORT: '0',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: fake.url,
      SLACK_BOT_USER_ID: BOT_USER_ID,
      SLACK_BOT_ID: BOT_ID,
      NOTIFIER_POLL_MIN_SECONDS: '1',
      NOTIFIER_POLL_MAX_SECONDS: '2',
    }),
    emulator.url,
  );
  const bot = await startBot(env, logger);
  const slack = bot.slack;
  if (!slack) throw new Error('startBot did not start Slack although both Slack secrets are set');
  const driver = new SlackDriver({ eventsUrl: `${slack.url}/slack/events`, fake, idle: () => slack.idle() });

  const emulatorRequests = async (): Promise<LoggedRequest[]> => {
    const res = await fetch(`${emulator.url}/_emulator/requests`);
    return ((await res.json()) as { requests: LoggedRequest[] }).requests;
  };
  return {
    emulator,
    fake,
    connector,
    bot,
    driver,
    logLines,
    emulatorRequests,
    restoreTriggers: async () =>
      (await emulatorRequests()).filter(
        (r) => r.method === 'POST' && (/\/restore$/.test(r.path) || /\/crossRegionRestore$/.test(r.path)),
      ),
    close: async () => {
      await bot.close();
      await connector.stop();
      await forward.stop();
      await fake.close();
      await emulator.close();
    },
  };
}

/** Log lines (parsed) whose message contains `text`. */
export function logsWith(lines: readonly string[], text: string): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.msg).includes(text));
}
