/**
 * The `restore-bot` command line (bin/restore-bot.js runs this file through tsx). Each command reads the
 * configuration once and hands it down; exit codes: 0 ok, 1 failure, 2 bad usage or invalid configuration.
 */
import { config as loadDotenv } from 'dotenv';
import { runBenchmarks } from '../bench/run';
import { type Env, readEnv } from './config';
import { runDemo } from './demo';
import { runDemoApprove } from './demo-approve';
import { runDoctor } from './doctor';
import { runEmulator } from './emulator/main';
import { isBotError } from './errors';
import { createLogger } from './log';
import { startBot } from './main';
import { exportAudit, verifyAudit } from './restore/audit';
import { openStore } from './store';

/** Writes a line, waiting when the consumer is slower than us (an export can be long). */
function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> | void {
  if (!stream.write(`${line}\n`)) return new Promise((resolve) => stream.once('drain', () => resolve()));
}

type Command = (args: string[], env: Env) => Promise<number>;

const USAGE = `usage: restore-bot <command>

  demo                 the demo: Azure emulator, embedded store, the bot and the local Teams playground
  demo-approve <R-XXXX> [--as user-id-1]
                       approve a demo request as another playground user (default Megan Bowen)
  serve                the bot (production entry point; configuration from the environment)
  doctor               checks configuration, store, Azure access, Teams and Slack; exit 1 when any check fails
  emulator             the Azure emulator alone (EMULATOR_PORT, EMULATOR_PRESET)
  bench [name…]        benchmarks (azure, store, teams, slack, notifier); prints figures and ratios
  audit verify         checks the audit log's hash chain; exit 1 naming the first broken event
  audit export         prints the audit log as JSON lines
`;

const commands: Record<string, Command> = {
  demo: async (_args, env) => runDemo(env, createLogger(env.LOG_LEVEL)),
  'demo-approve': async (args) => runDemoApprove(args),
  serve: async (_args, env) => {
    const logger = createLogger(env.LOG_LEVEL);
    const bot = await startBot(env, logger);
    logger.info('restore-bot serving', { url: bot.teams.url, teams: bot.teams.mode });
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await bot.close();
    return 0;
  },
  doctor: async (_args, env) => {
    const report = await runDoctor(env, (line) => process.stdout.write(`${line}\n`));
    // A step given up at its deadline may still hold a socket open; the answer is printed, so do not wait on it.
    if (report.abandoned) process.exit(report.exitCode);
    return report.exitCode;
  },
  emulator: async (_args, env) => {
    return runEmulator({ port: env.EMULATOR_PORT, preset: env.EMULATOR_PRESET });
  },
  audit: async ([sub], env) => {
    if (sub !== 'verify' && sub !== 'export') {
      process.stderr.write(`usage: restore-bot audit verify|export\n`);
      return 2;
    }
    const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    try {
      if (sub === 'export') {
        await exportAudit(store, (line) => writeLine(process.stdout, line));
        return 0;
      }
      const result = await verifyAudit(store);
      if (result.ok) {
        process.stdout.write(`audit log intact: ${result.count} events\n`);
        return 0;
      }
      process.stdout.write(`audit log broken at event ${result.firstBrokenSeq}: ${result.reason}\n`);
      return 1;
    } finally {
      await store.close();
    }
  },
  bench: async (args) => {
    return runBenchmarks(args);
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== 'help' && name !== '--help' ? `unknown command: ${name}\n\n${USAGE}` : USAGE);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  loadDotenv({ quiet: true });
  let env: Env;
  try {
    env = readEnv(process.env);
  } catch (err) {
    if (isBotError(err, 'CONFIG_INVALID')) {
      process.stderr.write(`configuration: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  try {
    return await command(args, env);
  } catch (err) {
    // An invalid policy file is a configuration error like any other: say exactly what is wrong, exit 2.
    if (isBotError(err, 'POLICY_INVALID')) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
