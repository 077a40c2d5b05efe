/**
 * `npm start`: the whole product on embedded defaults, for a newcomer's first ten minutes: the Azure emulator
 * (preset `demo`), the embedded store under DATA_DIR, the bot, and the local Teams playground in a browser.
 * Ctrl+C stops every part, the playground child process included.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Env } from './config';
import { DEMO_RECORDING_FILE } from './demo-approve';
import { startEmulator } from './emulator';
import type { Logger } from './log';
import { startBot } from './main';

const PLAYGROUND_PORT = 56150;
const REPO_ROOT = resolve(__dirname, '..');

export const DEMO_POLICY_FILE = join(REPO_ROOT, 'config/demo.yaml');

/** The bot's configuration in the demo (and in tests that run the demo world): the emulator, local mode. */
export function demoEnv(env: Env, emulatorUrl: string): Env {
  return {
    ...env,
    AZURE_ARM_ENDPOINT: emulatorUrl,
    AZURE_CREDENTIAL: 'emulator',
    RESTORE_BOT_CONFIG: env.RESTORE_BOT_CONFIG ?? DEMO_POLICY_FILE,
    // The playground talks to the bot without credentials: local mode, loopback only.
    MicrosoftAppId: undefined,
    HOST: '127.0.0.1',
  };
}

export async function runDemo(env: Env, logger: Logger): Promise<number> {
  const emulator = await startEmulator({ port: env.EMULATOR_PORT, preset: 'demo' });
  const bot = await startBot(demoEnv(env, emulator.url), logger);
  const playground = startPlayground(bot.teams.url, logger);

  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out('restore-bot demo is running');
  out(`  Teams playground   http://127.0.0.1:${PLAYGROUND_PORT}   (open it in a browser)`);
  out(`  bot                ${bot.teams.url}/api/messages   (health: ${bot.teams.url}/healthz)`);
  out(`  Azure emulator     ${emulator.url}   (preset demo)`);
  out(`  store              ${env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, ${env.DATA_DIR}`}`);
  out();
  out('In the playground, as Alex Wilber, type:');
  out('  restore                 the wizard: vault, region, server, recovery point, target, review');
  out('  restore pg-orders-prod --latest --target dr-eastus');
  out('  vaults | jobs | status R-XXXX | help');
  out('The approval card goes to "Contoso SRE / Restore approvals". Alex cannot approve his own request;');
  out('approve as Megan Bowen with:  npm run demo:approve -- R-XXXX   (see the README)');
  out('Ctrl+C stops everything.');

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    playground.once('exit', (code) => {
      if (code !== null && code !== 0) logger.error('the Teams playground exited', { code });
    });
  });
  playground.kill('SIGTERM');
  await bot.close();
  await emulator.close();
  return 0;
}

function startPlayground(botUrl: string, logger: Logger): ChildProcess {
  const cli = join(dirname(require.resolve('@microsoft/teams-app-test-tool/package.json')), 'cli.js');
  // `demo-approve` finds approval cards in the playground's events recording; start each demo with a clean one.
  rmSync(DEMO_RECORDING_FILE, { force: true });
  const args = [cli, 'start', '--disable-telemetry', '--enable-events-recording', '-p', String(PLAYGROUND_PORT)];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT, // reads .m365agentsplayground.yml, writes devTools/ (ignored by git)
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      BOT_ENDPOINT: `${botUrl}/api/messages`,
      M365_AGENTS_PLAYGROUND_RECORDING_FILE: DEMO_RECORDING_FILE,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('error', (error) => logger.error('could not start the Teams playground', { error }));
  return child;
}
