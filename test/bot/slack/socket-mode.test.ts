/**
 * Socket Mode smoke test (SLACK_APP_TOKEN): the app opens its connection with `apps.connections.open`, acks a
 * slash command envelope over the WebSocket at once, and answers through the Web API as in HTTP mode. A small
 * stand-in answers for the conversation (the journeys run the real one over HTTP); the WebSocket side is a
 * loopback `ws` server, the Web API the fake Slack API behind a forwarding route.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TurnContext } from 'botbuilder-core';
import { type WebSocket, WebSocketServer } from 'ws';
import { type SlackServer, startSlackServer } from '../../../src/bot/slack';
import { viewActivity } from '../../../src/dialogs';
import type { Actor, ConversationApp, ExecuteResult, Place } from '../../../src/dialogs/ports';
import { silentLogger } from '../../../src/log';
import { FakeSlackApi } from '../../fakes/slack-api';
import { headersOf } from './slack-driver';

jest.setTimeout(20_000);

/** Says which command it heard, in one view. */
class HeardConversation implements ConversationApp {
  readonly heard: { text: string; actor: Actor; place: Place }[] = [];
  async onTurn(context: TurnContext, actor: Actor, place: Place): Promise<void> {
    this.heard.push({ text: context.activity.text ?? '', actor, place });
    await context.sendActivity(viewActivity({ kind: 'notice', title: `Heard: ${context.activity.text}` }));
  }
  async onExecute(): Promise<ExecuteResult> {
    return { view: { kind: 'notice', title: 'unused' } };
  }
}

let fake: FakeSlackApi;
let api: Server;
let sockets: WebSocketServer;
let slack: SlackServer;
const opened: (string | undefined)[] = [];
const connected: WebSocket[] = [];

beforeAll(async () => {
  fake = await FakeSlackApi.start({ teamId: 'T0DEMO', users: [{ id: 'U0ALICE', name: 'Alice', tz: 'UTC' }] });
  sockets = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => sockets.once('listening', resolve));
  sockets.on('connection', (socket) => {
    connected.push(socket);
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0RESTORE' } }));
  });
  const wsUrl = `ws://127.0.0.1:${(sockets.address() as AddressInfo).port}/link/?ticket=t1`;
  // apps.connections.open is answered here; every other method goes on to the fake Slack API.
  api = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === '/api/apps.connections.open') {
      opened.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, url: wsUrl }));
      return;
    }
    const forwarded = await fetch(`${fake.baseUrl}${req.url!.slice(1)}`, {
      method: 'POST',
      headers: {
        'content-type': String(req.headers['content-type']),
        authorization: String(req.headers.authorization),
      },
      body: Buffer.concat(chunks),
    });
    res.writeHead(forwarded.status, { 'content-type': 'application/json' });
    res.end(await forwarded.text());
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  slack = await startSlackServer({
    host: '127.0.0.1',
    port: 0,
    signingSecret: 'unused-in-socket-mode',
    botToken: 'xoxb-test',
    appToken: 'xapp-test',
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/`,
    botUserId: 'U0BOT',
    botId: 'B0BOT',
    app: new HeardConversation(),
    conversations: { put: async () => {}, get: async () => undefined },
    idempotency: { claim: async () => true },
    retryConfig: { retries: 0 },
    logger: silentLogger,
  });
});

afterAll(async () => {
  // The client closes with a close handshake; let it finish, or its handshake timer outlives the test.
  const closed = connected.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
  await slack?.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
  clearTimeout(timer);
  for (const socket of connected) socket.terminate();
  await new Promise((resolve) => sockets?.close(resolve));
  await new Promise((resolve) => api?.close(resolve));
  await fake?.close();
});

test('a slash command over the socket is acked at once and answered in a modal', async () => {
  expect(slack.mode).toBe('socket');
  expect(slack.url).toBe('');
  expect(opened).toEqual(['Bearer xapp-test']);
  const socket = connected[0]!;
  const acked = new Promise<{ envelope_id: string; at: number }>((resolve) =>
    socket.on('message', (data) => resolve({ ...JSON.parse(String(data)), at: performance.now() })),
  );
  const sent = performance.now();
  socket.send(
    JSON.stringify({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        command: '/restore',
        text: 'help',
        team_id: 'T0DEMO',
        channel_id: 'C0ONCALL',
        channel_name: 'oncall',
        user_id: 'U0ALICE',
        user_name: 'alice',
        trigger_id: fake.triggerId(),
        response_url: fake.responseUrl(),
      },
    }),
  );
  const ack = await acked;
  expect(ack.envelope_id).toBe('env-1');
  expect(ack.at - sent).toBeLessThan(1_000);
  await slack.idle();
  const viewId = fake.callsTo('views.open')[0]!.answer!.view.id;
  expect(headersOf(fake.view(viewId)!.view.blocks)).toEqual(['Heard: restore help']);
});
