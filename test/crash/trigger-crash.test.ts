/**
 * Crash safety of the trigger path: a child process approves a request and is SIGKILLed (for real, by the
 * service's crash hook) at each point of the trigger path; recovery then runs here. Whatever the point,
 * Azure (the emulator's request log and job list) must have seen exactly one restore, and the request must
 * end `running` with that job. PostgreSQL only: the child and this process share the database.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DataProtectionClient } from '../../src/azure';
import type { Policy, RestoreRequest } from '../../src/restore';
import { CRASH_ENV_VARIABLE, CRASH_POINTS, type CrashPoint, type RecoveryEntry } from '../../src/restore/service';
import { openStore, type Store } from '../../src/store';
import {
  acceptedTriggers,
  clockAhead,
  demoRefs,
  emulatorClient,
  fastForward,
  loadDemoPolicy,
  restoreInput,
  restoreJobs,
  serviceFor,
  startDemoEmulator,
  triggerPosts,
} from '../restore/service/support';
import { postgresTestUrl, uniqueSchema } from '../store/postgres-env';

const RUNS_PER_POINT = 3;
const REPO_ROOT = join(__dirname, '..', '..');
const CHILD_SCRIPT = join(__dirname, 'approve-child.ts');
/** Later than the service's default re-trigger window, so recovery is free to call again if it found nothing. */
const RECOVERY_CLOCK_AHEAD_MS = 16 * 60_000;

const url = postgresTestUrl();

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(env: Record<string, string>): Promise<ChildExit> {
  const { NODE_OPTIONS: _jestVmFlags, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', CHILD_SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** What the store holds between the kill and the recovery, for each crash point. */
async function expectLeftBehind(
  point: CrashPoint,
  store: Store,
  request: RestoreRequest,
  emulatorUrl: string,
): Promise<void> {
  const stored = await store.requests.get<RestoreRequest>(request.id);
  const intent = await store.intents.getIntent(request.id);
  const posts = await triggerPosts(emulatorUrl);
  switch (point) {
    case 'before-intent':
      expect(stored?.state).toBe('triggering');
      expect(intent).toBeUndefined();
      expect(posts).toHaveLength(0);
      break;
    case 'after-intent':
      expect(stored?.state).toBe('triggering');
      expect(intent).toMatchObject({ jobId: null });
      expect(posts).toHaveLength(0);
      break;
    case 'after-azure-call':
      expect(stored?.state).toBe('triggering');
      expect(stored?.data.azure.pollerState).toBeUndefined();
      expect(intent).toMatchObject({ jobId: null });
      expect(posts).toHaveLength(1);
      break;
    case 'after-record':
      expect(stored?.state).toBe('running');
      expect(intent?.jobId).toEqual(expect.any(String));
      expect(posts).toHaveLength(1);
      break;
  }
}

if (url) {
  describe('the trigger path survives a SIGKILL at every crash point (PostgreSQL)', () => {
    jest.setTimeout(120_000);

    let policy: Policy;

    beforeAll(async () => {
      policy = await loadDemoPolicy();
    });

    /**
     * A world of its own per run: an emulator (so its request log is this request's alone) and a schema (so
     * recovery sees only this run's request). Opened and migrated here, before the child connects.
     */
    async function isolatedWorld() {
      const schema = uniqueSchema('crash');
      const store = await openStore({ databaseUrl: url!, schema, poolSize: 4 });
      const emulator = await startDemoEmulator();
      const clock = fastForward(emulator.url);
      return {
        schema,
        store,
        emulator,
        close: async () => {
          await clock.stop();
          await emulator.close();
          await store.exec(`DROP SCHEMA ${schema} CASCADE`);
          await store.close();
        },
      };
    }

    /** One run: a child killed at `point`, then recovery in this process. */
    async function crashAndRecover(point: CrashPoint): Promise<void> {
      const { schema, store, emulator, close } = await isolatedWorld();
      try {
        const client: DataProtectionClient = emulatorClient(emulator.url);
        const parent = serviceFor({ store, client, policy });
        const created = await parent.createRequest(restoreInput(await demoRefs(client)));
        if (!created.created) throw new Error('prechecks failed in the demo world');
        const request = created.request;

        const exit = await runChild({
          TEST_DATABASE_URL: url!,
          CRASH_SCHEMA: schema,
          EMULATOR_URL: emulator.url,
          REQUEST_ID: request.id,
          [CRASH_ENV_VARIABLE]: point,
        });
        expect({ signal: exit.signal, code: exit.code, stderr: exit.stderr }).toEqual({
          signal: 'SIGKILL',
          code: null,
          stderr: '',
        });
        await expectLeftBehind(point, store, request, emulator.url);

        // The restarted replica: recovery, with its clock past the re-trigger window.
        const restarted = serviceFor({ store, client, policy, now: clockAhead(RECOVERY_CLOCK_AHEAD_MS) });
        const report: RecoveryEntry[] = (await restarted.recover()).filter((e) => e.requestId === request.id);
        if (point === 'after-record') expect(report).toEqual([]);
        else expect(report).toHaveLength(1);

        expect(await triggerPosts(emulator.url)).toHaveLength(1);
        expect(await acceptedTriggers(emulator.url)).toHaveLength(1);
        const jobs = await restoreJobs(client);
        expect(jobs).toHaveLength(1);
        const recovered = await restarted.get(request.id);
        expect(recovered).toMatchObject({ state: 'running', azure: { jobId: jobs[0]!.id } });
        expect(await store.intents.getIntent(request.id)).toMatchObject({ jobId: jobs[0]!.id });
        expect(await store.watches.get(jobs[0]!.id!)).toMatchObject({ requestId: request.id });

        // A second recovery pass changes nothing.
        expect((await restarted.recover()).filter((e) => e.requestId === request.id)).toEqual([]);
        expect(await triggerPosts(emulator.url)).toHaveLength(1);
      } finally {
        await close();
      }
    }

    test.each(CRASH_POINTS)(
      `killed at %s, ${RUNS_PER_POINT} runs: exactly one restore, ends running`,
      async (point) => {
        await Promise.all(Array.from({ length: RUNS_PER_POINT }, () => crashAndRecover(point)));
      },
    );

    test('right after a kill between intent and call, recovery waits instead of calling', async () => {
      const { schema, store, emulator, close } = await isolatedWorld();
      try {
        const client = emulatorClient(emulator.url);
        const parent = serviceFor({ store, client, policy });
        const created = await parent.createRequest(restoreInput(await demoRefs(client)));
        if (!created.created) throw new Error('prechecks failed in the demo world');
        const exit = await runChild({
          TEST_DATABASE_URL: url!,
          CRASH_SCHEMA: schema,
          EMULATOR_URL: emulator.url,
          REQUEST_ID: created.request.id,
          [CRASH_ENV_VARIABLE]: 'after-intent',
        });
        expect(exit.signal).toBe('SIGKILL');

        const report = (await parent.recover()).filter((e) => e.requestId === created.request.id);

        expect(report).toEqual([expect.objectContaining({ action: 'waiting' })]);
        expect(await triggerPosts(emulator.url)).toHaveLength(0);
        expect(await parent.get(created.request.id)).toMatchObject({ state: 'triggering' });
      } finally {
        await close();
      }
    });
  });
}
