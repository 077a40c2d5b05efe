/**
 * A bot replica SIGKILLed while its restores run, on PostgreSQL: another process started afterwards (once
 * the dead one's leases lapse) posts every job's end in its approval thread, exactly once. The whole bot runs
 * in child processes (test/notifier/bot-child.ts); Teams is the fake Bot Connector in this process.
 */
import { readEnv } from '../../src/config';
import { type RunningEmulator, startEmulator } from '../../src/emulator';
import { openStore, type Store } from '../../src/store';
import {
  type BotCard,
  DEMO_APPROVALS_CHANNEL,
  DEMO_USERS,
  factOf,
  JourneyDriver,
  titleOf,
} from '../bot/teams/journey-driver';
import { FakeBotConnector } from '../fakes/bot-connector';
import { fastForward } from '../restore/service/support';
import { postgresTestUrl, uniqueSchema } from '../store/postgres-env';
import { BotReplica, urlInSchema } from './replica-process';
import { advanceEmulator } from './support';

const url = postgresTestUrl();

const NOTIFIER_ENV = {
  NOTIFIER_POLL_MIN_SECONDS: '0.05',
  NOTIFIER_POLL_MAX_SECONDS: '0.2',
  NOTIFIER_POLL_DOUBLING_SECONDS: '1',
  NOTIFIER_LEASE_SECONDS: '2',
};

if (url) {
  describe('a bot killed while its restores run (PostgreSQL)', () => {
    jest.setTimeout(120_000);

    let schema: string;
    let store: Store;
    let emulator: RunningEmulator;
    let connector: FakeBotConnector;
    const replicas: BotReplica[] = [];

    beforeAll(async () => {
      readEnv(NOTIFIER_ENV); // the settings the children get are valid ones
      schema = uniqueSchema('notifier_restart');
      store = await openStore({ databaseUrl: url, schema, poolSize: 2 });
      emulator = await startEmulator({ port: 0, preset: 'demo' });
      connector = await new FakeBotConnector().start();
    });

    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.kill()));
      await connector?.stop();
      await emulator?.close();
      await store?.exec(`DROP SCHEMA ${schema} CASCADE`);
      await store?.close();
    });

    function startReplica(): Promise<BotReplica> {
      return BotReplica.start({
        DATABASE_URL: urlInSchema(url!, schema),
        EMULATOR_URL: emulator.url,
        ...NOTIFIER_ENV,
      }).then((replica) => {
        replicas.push(replica);
        return replica;
      });
    }

    function replies(approval: BotCard, title: RegExp, driver: JourneyDriver): BotCard[] {
      return driver.cardsSince(
        0,
        (c) =>
          c.route === 'reply' &&
          c.conversationId === `${DEMO_APPROVALS_CHANNEL};messageid=${approval.messageId}` &&
          title.test(titleOf(c.card)),
      );
    }

    async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    test('every end is posted once, by the replica started after the kill', async () => {
      const first = await startReplica();
      const driver = new JourneyDriver({ botUrl: first.url, connector });
      const forward = fastForward(emulator.url, 1, 50);
      const asked: { requestId: string; approval: BotCard }[] = [];
      try {
        for (const [shortcut, approver] of [
          ['restore pg-orders-prod --latest', DEMO_USERS.megan],
          ['restore pg-payments-prod --secondary', DEMO_USERS.adele],
        ] as const) {
          const chat = driver.personalChat(DEMO_USERS.alex);
          let step = (await chat.say(shortcut)).at(-1)!;
          if (titleOf(step.card) === 'Pick a recovery point') step = (await chat.choose(step, '')).at(-1)!;
          const mark = driver.mark();
          const confirmation = (await chat.submit(step, 'request')).at(-1)!;
          const approval = driver.threadsStartedSince(mark)[0]!;
          asked.push({ requestId: factOf(confirmation.card, 'Request')!, approval });
          expect((await driver.execute(approver, approval, 'approve')).status).toBe(200);
        }
        await eventually('both started posts', () =>
          asked.every(
            (a) => replies(a.approval, new RegExp(`^Restore started for ${a.requestId}`), driver).length === 1,
          ),
        );
      } finally {
        await forward.stop();
      }

      // Killed while both jobs run; they end while no bot is up.
      await first.kill();
      await advanceEmulator(emulator.url, 150);
      expect(await store.watches.listOpen()).toHaveLength(2);

      await startReplica();
      const ended = (a: (typeof asked)[number]) =>
        replies(a.approval, new RegExp(`^Restore ${a.requestId} (completed|failed)`), driver);
      await eventually('both ends', () => asked.every((a) => ended(a).length >= 1));
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const [orders, payments] = asked;
      expect(ended(orders!).map((c) => titleOf(c.card))).toEqual([
        `Restore ${orders!.requestId} completed: pg-orders-prod is in the container as files`,
      ]);
      expect(ended(payments!).map((c) => titleOf(c.card))).toEqual([
        `Restore ${payments!.requestId} failed: UserErrorMSIMissingPermissions`,
      ]);
      for (const a of asked) {
        expect(replies(a.approval, /^Restore started for/, driver)).toHaveLength(1);
        for (const card of ended(a)) expect(JSON.stringify(card.card)).not.toContain('you may see this message twice');
      }
      expect((await store.requests.get(orders!.requestId))!.state).toBe('succeeded');
      expect((await store.requests.get(payments!.requestId))!.state).toBe('failed');
      expect(await store.watches.listOpen()).toEqual([]);
    });
  });
}
