/**
 * The bot's HTTP surface beyond conversations: health, readiness, metrics, and who may talk to
 * `/api/messages` (SPEC sections 4 and 5).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTeamsAdapter, decideTeamsMode } from '../../../src/bot/teams/adapter';
import { AfterResponseQueue, BackgroundTasks } from '../../../src/bot/teams/after-response';
import { ConversationRefRecorder } from '../../../src/bot/teams/conversation-refs';
import { startBotServer } from '../../../src/bot/teams/server';
import { TeamsBot } from '../../../src/bot/teams/teams-bot';
import { createLogger, silentLogger } from '../../../src/log';
import { createMetricsRegistry } from '../../../src/metrics';
import { openStore, type Store } from '../../../src/store';
import { EchoConversation, jsonOf, personalMessage, type Rig, startRig } from './harness';

let store: Store;
beforeAll(async () => {
  store = await openStore({ dataDir: 'memory://' });
});
afterAll(async () => store?.close());

describe('health, readiness and metrics', () => {
  let rig: Rig;
  let storeUp = true;
  let azureUp = true;
  beforeAll(async () => {
    rig = await startRig(
      {
        probes: {
          store: async () => {
            if (!storeUp) throw new Error('connection refused');
            await store.query('SELECT 1');
          },
          azure: async () => {
            if (!azureUp) throw new Error('management.azure.com timed out');
          },
        },
      },
      store,
    );
  });
  afterAll(async () => rig?.close());

  test('/healthz answers ok', async () => {
    const res = await fetch(`${rig.server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  test('/readyz is 200 with every part reported when the store answers', async () => {
    const res = await fetch(`${rig.server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({
      store: { status: 'ok' },
      azure: { status: 'ok' },
      slack: { status: 'disabled' },
      teams: { status: 'local', detail: expect.stringContaining('loopback') },
    });
  });

  test('/readyz stays 200 while Azure is down: the bot must stay in rotation during an outage', async () => {
    azureUp = false;
    try {
      const res = await fetch(`${rig.server.url}/readyz`);
      expect(res.status).toBe(200);
      expect((await jsonOf(res)).azure).toEqual({ status: 'failing', detail: 'management.azure.com timed out' });
    } finally {
      azureUp = true;
    }
  });

  test('/readyz is 503 when the store does not answer', async () => {
    storeUp = false;
    try {
      const res = await fetch(`${rig.server.url}/readyz`);
      expect(res.status).toBe(503);
      expect((await jsonOf(res)).store).toEqual({ status: 'failing', detail: 'connection refused' });
    } finally {
      storeUp = true;
    }
  });

  test('/metrics counts Teams requests by outcome and times turns, in Prometheus text format', async () => {
    await rig.post(personalMessage(rig.connector.serviceUrl, 'hello'));
    const res = await fetch(`${rig.server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE restore_bot_requests_total counter');
    expect(text).toMatch(/^restore_bot_requests_total\{channel="teams",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toContain('# TYPE restore_bot_turn_seconds histogram');
    expect(text).toMatch(/^restore_bot_turn_seconds_count\{channel="teams",kind="message"\} [1-9]\d*$/m);
    expect(text).toMatch(/^restore_bot_turn_seconds_bucket\{channel="teams",kind="message",le="\+Inf"\} [1-9]\d*$/m);
  });
});

describe('who may use /api/messages', () => {
  test('the mode follows SPEC section 4: app id → authenticated; no app id → loopback only', () => {
    expect(decideTeamsMode('0.0.0.0', { appId: '6f1c1f6e-3b39-4a39-9d8c-0d6c6a7f1d10' }).mode).toBe('authenticated');
    expect(decideTeamsMode('127.0.0.1', {}).mode).toBe('local');
    expect(decideTeamsMode('::1', {}).mode).toBe('local');
    expect(decideTeamsMode('localhost', { appId: '' }).mode).toBe('local');
    expect(decideTeamsMode('0.0.0.0', {}).mode).toBe('off');
    expect(decideTeamsMode('10.1.2.3', {}).mode).toBe('off');
  });

  test('with a non-loopback HOST and no app id, /api/messages is 404 and a warning says why', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', {}, (line) => lines.push(line));
    const app = new EchoConversation();
    const background = new BackgroundTasks(silentLogger);
    // Bound to loopback for the test; the mode is what the configured HOST=0.0.0.0 decides.
    const server = await startBotServer({
      host: '127.0.0.1',
      port: 0,
      mode: decideTeamsMode('0.0.0.0', {}),
      adapter: createTeamsAdapter({}, silentLogger),
      bot: new TeamsBot({ app, recorder: new ConversationRefRecorder(store.conversations), background, logger }),
      background,
      probes: { store: async () => {} },
      metrics: createMetricsRegistry(),
      logger,
    });
    try {
      const res = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(personalMessage('http://127.0.0.1:9/', 'hello')),
      });
      expect(res.status).toBe(404);
      expect(app.turns).toHaveLength(0);
      expect(lines.some((l) => l.includes('"level":"warn"') && l.includes('not a loopback address'))).toBe(true);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await jsonOf(await fetch(`${server.url}/readyz`))).teams.status).toBe('off');
    } finally {
      await server.close();
    }
  });

  describe('with an app id', () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig(
        { auth: { appId: '6f1c1f6e-3b39-4a39-9d8c-0d6c6a7f1d10', appPassword: 'x', appType: 'MultiTenant' } },
        store,
      );
    });
    afterAll(async () => rig?.close());

    test('an activity without a token gets 401 and never reaches the conversation', async () => {
      const res = await rig.post(personalMessage(rig.connector.serviceUrl, 'hello'));
      expect(res.status).toBe(401);
      expect(rig.app.turns).toHaveLength(0);
      expect(rig.connector.calls).toHaveLength(0);
    });

    test('an activity with a made-up bearer token gets 401 too', async () => {
      const res = await rig.post(personalMessage(rig.connector.serviceUrl, 'hello'), {
        authorization: 'Bearer abc.def.ghi',
      });
      expect(res.status).toBe(401);
      expect(rig.app.turns).toHaveLength(0);
    });

    test('/readyz reports Teams as authenticated', async () => {
      expect((await jsonOf(await fetch(`${rig.server.url}/readyz`))).teams.status).toBe('ok');
    });
  });
});

describe('after-response work', () => {
  test('starts only once the HTTP response has been written out', async () => {
    const background = new BackgroundTasks(silentLogger);
    const seen: boolean[] = [];
    const server = createServer((_req, res) => {
      const queue = new AfterResponseQueue(background);
      queue.add('check', async () => void seen.push(res.writableFinished));
      queue.startAfter(res);
      // Still writing when startAfter is called: the task must wait for the end.
      res.write('part one, ');
      setTimeout(() => res.end('part two'), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const body = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
      expect(body).toBe('part one, part two');
      await background.idle();
      expect(seen).toEqual([true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a failing task is logged and counted, never thrown', async () => {
    const lines: string[] = [];
    let failures = 0;
    const background = new BackgroundTasks(
      createLogger('info', {}, (l) => lines.push(l)),
      () => failures++,
    );
    background.run('trigger restore', async () => {
      throw new Error('AZURE_THROTTLED');
    });
    await background.idle();
    expect(failures).toBe(1);
    expect(lines.some((l) => l.includes('trigger restore') && l.includes('AZURE_THROTTLED'))).toBe(true);
  });
});
