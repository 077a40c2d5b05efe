/**
 * A restore-bot replica in a process of its own, for the crash tests: it approves one request (which
 * triggers it) against PostgreSQL and the parent's emulator. With RESTORE_BOT_CRASH_AT set, the service's
 * crash hook SIGKILLs this process at that point of the trigger path; otherwise it prints the outcome.
 *
 * Run: node -r tsx/cjs test/crash/approve-child.ts   (env: TEST_DATABASE_URL, CRASH_SCHEMA, EMULATOR_URL, REQUEST_ID)
 */
import { silentLogger } from '../../src/log';
import { RestoreService } from '../../src/restore/service';
import { openStore } from '../../src/store';
import { approver, dbaDirectory, emulatorClient, loadDemoPolicy, oncall } from '../restore/service/support';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const store = await openStore({
    databaseUrl: required('TEST_DATABASE_URL'),
    schema: required('CRASH_SCHEMA'),
    poolSize: 2,
  });
  const service = new RestoreService({
    store,
    policy: await loadDemoPolicy(),
    azure: emulatorClient(required('EMULATOR_URL')),
    userGroups: dbaDirectory(),
    now: () => new Date(),
    logger: silentLogger,
    // No crash hook given: the service reads RESTORE_BOT_CRASH_AT, as it would in production.
  });
  const outcome = await service.approve(required('REQUEST_ID'), approver, oncall);
  process.stdout.write(`${JSON.stringify({ outcome: outcome.outcome, state: outcome.request.state })}\n`);
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
