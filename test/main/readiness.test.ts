/**
 * /readyz reports Azure but must not call it on every probe: a load balancer polls every few seconds, and
 * during a regional outage those calls would pile up behind the probes.
 */
import { readEnv } from '../../src/config';
import { demoEnv } from '../../src/demo';
import { type RunningEmulator, startEmulator } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import { cachedProbe, type RunningBot, startBot } from '../../src/main';

let emulator: RunningEmulator;
let bot: RunningBot;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, preset: 'demo' });
  bot = await startBot(demoEnv(readEnv({ PORT: '0', DATA_DIR: 'memory://' }), emulator.url), silentLogger);
}, 60_000);

afterAll(async () => {
  await bot?.close();
  await emulator?.close();
});

async function subscriptionCalls(): Promise<number> {
  const log = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { requests: { path: string }[] };
  return log.requests.filter((r) => r.path === '/subscriptions').length;
}

it('answers ready with Azure ok, asking Azure once for several probes', async () => {
  const before = await subscriptionCalls();
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${bot.teams.url}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { azure: { status: string } }).azure.status).toBe('ok');
  }
  expect((await subscriptionCalls()) - before).toBeLessThanOrEqual(1);
});

it('shares one outcome per interval, failures included, then asks again', async () => {
  let calls = 0;
  let clock = 0;
  const probe = cachedProbe(
    async () => {
      calls += 1;
      throw new Error('ServiceUnavailable');
    },
    30_000,
    () => clock,
  );
  await expect(probe()).rejects.toThrow('ServiceUnavailable');
  clock = 29_999;
  await expect(probe()).rejects.toThrow('ServiceUnavailable');
  expect(calls).toBe(1);
  clock = 30_000;
  await expect(probe()).rejects.toThrow('ServiceUnavailable');
  expect(calls).toBe(2);
});
