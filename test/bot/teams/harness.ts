/**
 * Test rig for the Teams channel: the real restify server and CloudAdapter on 127.0.0.1:0, a fake Bot
 * Connector for what the bot sends, the real store (PGlite in memory) for conversation references, and a
 * small stand-in for the conversation (the other side of the ConversationApp port, written concurrently).
 */
import type { TurnContext } from 'botbuilder-core';
import { type StartTeamsServerOptions, startTeamsServer, type TeamsServer } from '../../../src/bot/teams';
import type { Actor, ConversationApp, ExecuteClick, ExecuteResult, Place } from '../../../src/dialogs/ports';
import { VIEW_CONTENT_TYPE, type View } from '../../../src/dialogs/views';
import { BotError } from '../../../src/errors';
import { openStore, type Store } from '../../../src/store';
import { FakeBotConnector } from '../../fakes/bot-connector';

export const TENANT = 'tenant-contoso';
export const BOT = { id: '28:restore-bot', name: 'Restore Bot' };
export const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'aad-alex' };
export const MEGAN = { id: '29:megan', name: 'Megan Bowen', aadObjectId: 'aad-megan' };
export const CHANNEL_ID = '19:oncall@thread.tacv2';

export interface SeenTurn {
  actor: Actor;
  place: Place;
  text: string | undefined;
  value: unknown;
}

/** Answers every message with a step view echoing what it read, and every click as told by the test. */
export class EchoConversation implements ConversationApp {
  readonly turns: SeenTurn[] = [];
  readonly clicks: ExecuteClick[] = [];
  execute: (click: ExecuteClick) => Promise<ExecuteResult> = async () => ({
    view: { kind: 'notice', title: 'Clicked' },
  });

  async onTurn(context: TurnContext, actor: Actor, place: Place): Promise<void> {
    this.turns.push({ actor, place, text: context.activity.text, value: context.activity.value });
    if (context.activity.text === 'fail') throw new Error('database password=hunter2 is wrong');
    if (context.activity.text === 'deny')
      throw new BotError('POLICY_NOT_REQUESTER', 'You are not allowed to ask for restores here.');
    if (context.activity.text === 'update-card') {
      await context.updateActivity({
        type: 'message',
        id: 'card-7',
        attachments: [
          { contentType: VIEW_CONTENT_TYPE, content: { kind: 'notice', title: 'Updated in place' } satisfies View },
        ],
      });
      return;
    }
    await context.sendActivity({
      type: 'message',
      attachments: [{ contentType: VIEW_CONTENT_TYPE, content: echoView(context.activity.text ?? '') }],
    });
  }

  async onExecute(click: ExecuteClick): Promise<ExecuteResult> {
    this.clicks.push(click);
    return this.execute(click);
  }
}

export function echoView(text: string): View {
  return {
    kind: 'step',
    title: `You said: ${text}`,
    subtitle: 'Step 1 of 6',
    choices: {
      id: 'vault',
      label: 'Vault',
      options: [
        { value: 'v1', label: 'bv-prod-weu', description: 'westeurope' },
        { value: 'v2', label: 'bv-dr-neu', description: 'northeurope' },
      ],
    },
    actions: [{ id: 'next', label: 'Continue', style: 'primary', data: { step: 'vault' }, requires: ['vault'] }],
  };
}

export interface Rig {
  server: TeamsServer;
  connector: FakeBotConnector;
  app: EchoConversation;
  store: Store;
  post(activity: object, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startRig(overrides: Partial<StartTeamsServerOptions> = {}, store?: Store): Promise<Rig> {
  const connector = await new FakeBotConnector().start();
  const ownStore = store ?? (await openStore({ dataDir: 'memory://' }));
  const app = new EchoConversation();
  const server = await startTeamsServer({
    host: '127.0.0.1',
    port: 0,
    auth: {},
    app,
    conversations: ownStore.conversations,
    probes: { store: () => ownStore.query('SELECT 1') },
    ...overrides,
  });
  return {
    server,
    connector,
    app,
    store: ownStore,
    post: (activity, headers = {}) =>
      fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      }),
    close: async () => {
      await server.close();
      await connector.stop();
      if (!store) await ownStore.close();
    },
  };
}

let nextId = 0;

export function personalMessage(serviceUrl: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `in-${++nextId}`,
    channelId: 'msteams',
    serviceUrl,
    from: ALEX,
    recipient: BOT,
    conversation: { id: 'a:personal-alex', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    localTimezone: 'Europe/Berlin',
    text,
    ...extra,
  };
}

/** A channel post that @mentions the bot, as Teams sends it: the thread is part of the conversation id. */
export function channelMessage(serviceUrl: string, text: string, extra: Record<string, unknown> = {}) {
  const id = `in-${++nextId}`;
  const mention = `<at>${BOT.name}</at>`;
  return {
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl,
    from: ALEX,
    recipient: BOT,
    conversation: { id: `${CHANNEL_ID};messageid=${id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: CHANNEL_ID } },
    entities: [{ type: 'mention', mentioned: BOT, text: mention }],
    text: `${mention} ${text}`,
    ...extra,
  };
}

export function executeInvoke(
  serviceUrl: string,
  verb: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `in-${++nextId}`,
    channelId: 'msteams',
    serviceUrl,
    from: MEGAN,
    recipient: BOT,
    replyToId: 'card-1',
    conversation: {
      id: `${CHANNEL_ID};messageid=root-1`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT,
    },
    channelData: { tenant: { id: TENANT }, channel: { id: CHANNEL_ID }, source: { name: 'message' } },
    value: { action: { type: 'Action.Execute', title: verb, verb, data }, trigger: 'manual' },
    ...extra,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: wire JSON (activities, cards) read by assertions
export type Json = any;

/** The JSON body of a response, loosely typed for assertions. */
export async function jsonOf(res: Response): Promise<Json> {
  return res.json();
}

/** Polls until `check` passes (for work that happens after an HTTP answer). */
export async function eventually(check: () => void, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
