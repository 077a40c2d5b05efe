/**
 * A restore-bot replica in a process of its own (the whole bot, as `restore-bot serve` builds it), for the
 * restart and replica tests: PostgreSQL from DATABASE_URL (the parent points its search_path at a schema of
 * its own), the parent's emulator, NOTIFIER_* from the environment. Prints `{"url": …}` once it serves; the
 * parent SIGKILLs it or closes its stdin to stop it.
 *
 * Run: node -r tsx/cjs test/notifier/bot-child.ts   (env: DATABASE_URL, EMULATOR_URL, NOTIFIER_*)
 */
import { readEnv } from '../../src/config';
import { demoEnv } from '../../src/demo';
import { createLogger } from '../../src/log';
import { startBot } from '../../src/main';

async function main(): Promise<void> {
  const emulatorUrl = process.env.EMULATOR_URL;
  if (!emulatorUrl || !process.env.DATABASE_URL) throw new Error('EMULATOR_URL and DATABASE_URL are required');
  const env = demoEnv(readEnv({ ...process.env, PORT: '0' }), emulatorUrl);
  const logger = createLogger(env.LOG_LEVEL, { replica: process.pid });
  const bot = await startBot(env, logger);
  process.stdout.write(`${JSON.stringify({ url: bot.teams.url, pid: process.pid })}\n`);
  process.stdin.on('end', () => {
    bot.close().finally(() => process.exit(0));
  });
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
