/**
 * What the dialog tests share: the real emulator (demo preset), a real PGlite store, the demo policy, the real
 * service, botbuilder's TestAdapter to run turns, and a Poster double that records what the channel was asked
 * to post (a double of the channel at its port).
 */
import { type Activity, TestAdapter, type TurnContext } from 'botbuilder-core';
import type { DataProtectionClient, DataProtectionClientOptions } from '../../src/azure';
import { createConversationApp } from '../../src/dialogs';
import type {
  Actor,
  ConversationApp,
  ConversationTarget,
  ExecuteResult,
  MessageRef,
  Place,
  Poster,
} from '../../src/dialogs/ports';
import { type Action, VIEW_CONTENT_TYPE, type View } from '../../src/dialogs/views';
import { type Seed, startEmulator } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import { NO_USER_GROUPS, Policy, type PolicyConfig, policyFromData } from '../../src/restore';
import { RestoreInventory } from '../../src/restore/inventory';
import { NO_CRASH, RestoreService } from '../../src/restore/service';
import { openStore, type Store } from '../../src/store';
import { admin, emulatorClient, fastForward } from '../restore/service/support';

export const TENANT = '00000000-0000-0000-0000-0000000000001';

/** The demo world's policy (config/demo.yaml's shape), fixed here so that edits to the demo file move no test. */
export const TEST_POLICY = {
  subscriptions: ['11111111-1111-1111-1111-111111111111'],
  restoreTargets: [
    { name: 'dr-eastus', region: 'eastus', containerUrl: 'https://stcontosodreus.blob.core.windows.net/pg-restores' },
    { name: 'dr-westus', region: 'westus', containerUrl: 'https://stcontosodrwus.blob.core.windows.net/pg-restores' },
  ],
  approval: { requiredApprovals: 1, expiresAfterMinutes: 60 },
  teams: {
    tenants: [TENANT],
    channels: [],
    requesters: ['*'],
    approvers: ['user-id-0', 'user-id-1'],
  },
};

export function teamsUser(id: string, name: string, timeZone?: string): Actor {
  return { channel: 'teams', userId: id, displayName: name, tenantOrTeamId: TENANT, ...(timeZone ? { timeZone } : {}) };
}

/** The demo policy's approvers are user-id-0 and user-id-1; user-id-2 and user-id-3 are not. */
export const requester = teamsUser('user-id-2', 'Rita Requester');
export const approver = teamsUser('user-id-1', 'Avery Approver');
export const secondApprover = teamsUser('user-id-0', 'Blake Approver');
export const bystander = teamsUser('user-id-3', 'Nico Bystander');

export const oncallChannel: Place = { conversationId: '19:oncall@thread.tacv2', channelId: '19:oncall@thread.tacv2' };
export const personalChat: Place = { conversationId: 'a:personal-rita', personal: true };

export interface Posted {
  target: ConversationTarget;
  view: View;
  ref: MessageRef;
}

/** A turn the bot started itself in a conversation (continueIn), and the views it sent there. */
export interface ProactiveTurn {
  target: ConversationTarget;
  views: View[];
}

/**
 * Records every post, reply and update the conversation asks of the channel. 1:1 chats: by default none can
 * be opened (the wizard stays in the thread, as when Teams refuses); a test that sets `opensPrivateChats`
 * gets one per person, `a:private-<userId>`, whose bot-started turns run through a TestAdapter like Chat's.
 */
export class RecordingPoster implements Poster {
  readonly posts: Posted[] = [];
  readonly replies: { thread: MessageRef; view: View }[] = [];
  readonly updates: { message: MessageRef; view: View }[] = [];
  readonly proactive: ProactiveTurn[] = [];
  opensPrivateChats = false;
  /** The chat opens, but turns there fail (as when Teams refuses the first message). */
  privateChatsUnreachable = false;
  private readonly members = new Map<string, Actor>();
  private next = 1;

  async openPrivateChat(actor: Actor): Promise<ConversationTarget | undefined> {
    if (!this.opensPrivateChats) return undefined;
    const target: ConversationTarget = { channel: actor.channel, conversationId: `a:private-${actor.userId}` };
    this.members.set(target.conversationId, actor);
    return target;
  }

  async continueIn(target: ConversationTarget, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const member = this.members.get(target.conversationId);
    if (!member || this.privateChatsUnreachable)
      throw new Error(`conversation ${target.conversationId} is unreachable`);
    const adapter = new TestAdapter();
    // Same channel id and sender as Chat's activities: the private dialog state is keyed by both.
    await adapter.processActivity(
      {
        type: 'event',
        name: 'continueConversation',
        channelId: 'msteams',
        conversation: { id: target.conversationId, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: member.userId, name: member.displayName },
        recipient: { id: 'bot', name: 'restore-bot' },
      },
      logic,
    );
    this.proactive.push({ target, views: adapter.activeQueue.splice(0).map(viewOf) });
  }

  async post(target: ConversationTarget, view: View): Promise<MessageRef> {
    const ref: MessageRef = {
      channel: target.channel,
      conversationId: target.conversationId,
      messageId: `msg-${this.next++}`,
    };
    this.posts.push({ target, view, ref });
    return ref;
  }

  async reply(thread: MessageRef, view: View): Promise<MessageRef> {
    this.replies.push({ thread, view });
    return { ...thread, messageId: `msg-${this.next++}`, threadId: thread.messageId };
  }

  async update(message: MessageRef, view: View): Promise<void> {
    this.updates.push({ message, view });
  }
}

/** A clock the tests can move (expiry), shared by the service and the conversation. */
export class TestClock {
  offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
}

export interface Harness {
  app: ConversationApp;
  store: Store;
  client: DataProtectionClient;
  policy: Policy;
  service: RestoreService;
  /** Shared by the service and the conversation, as the composition root wires it. */
  inventory: RestoreInventory;
  poster: RecordingPoster;
  clock: TestClock;
  emulatorUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The emulator's world; default the `demo` preset. */
  seed?: Seed;
  client?: Partial<DataProtectionClientOptions>;
}

export async function startHarness(
  adjust: (config: PolicyConfig) => PolicyConfig = (c) => c,
  options: HarnessOptions = {},
): Promise<Harness> {
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    ...(options.seed ? { seed: options.seed } : { preset: 'demo' }),
  });
  const store = await openStore({ dataDir: 'memory://' });
  const client = emulatorClient(emulator.url, options.client);
  const base = policyFromData(TEST_POLICY, 'test policy');
  const policy = new Policy(adjust(base.config), base.source);
  const clock = new TestClock();
  const poster = new RecordingPoster();
  const inventory = new RestoreInventory({ records: store.inventory, now: clock.now });
  const service = new RestoreService({
    store,
    policy,
    azure: client,
    userGroups: NO_USER_GROUPS,
    now: clock.now,
    logger: silentLogger,
    inventory,
    options: { crashHook: NO_CRASH },
  });
  const app = createConversationApp({
    service,
    client,
    policy,
    storage: store.dialogState,
    conversations: store.conversations,
    poster,
    userGroups: NO_USER_GROUPS,
    now: clock.now,
    logger: silentLogger,
    inventory,
  });
  // The emulator's operations take 2 s of its time; running its clock ahead keeps validations quick.
  const forward = fastForward(emulator.url, 1, 100);
  return {
    app,
    store,
    client,
    policy,
    service,
    inventory,
    poster,
    clock,
    emulatorUrl: emulator.url,
    close: async () => {
      await forward.stop();
      await store.close();
      await emulator.close();
    },
  };
}

/** One conversation seen by the bot: turns run through botbuilder's TestAdapter, views come back. */
let threads = 0;

/** A new thread in the on-call channel: each test's conversation starts from nothing. */
export function oncallThread(): Place {
  return {
    conversationId: `${oncallChannel.conversationId};messageid=${++threads}`,
    channelId: oncallChannel.channelId,
  };
}

export class Chat {
  private readonly adapter = new TestAdapter();

  constructor(
    private readonly app: ConversationApp,
    readonly place: Place = oncallThread(),
  ) {}

  /** Types a message; returns the views the bot sent in that turn. */
  say(actor: Actor, text: string): Promise<View[]> {
    return this.turn(actor, { text });
  }

  /** Sends a submit: `{ action, ...data, ...inputs }`, as the channels deliver a click (views.ts). */
  submit(actor: Actor, action: Action, inputs: Record<string, string> = {}): Promise<View[]> {
    return this.turn(actor, { value: { ...action.data, ...inputs, action: action.id } });
  }

  /** Picks the option whose label starts with `label` in the view's pick list and clicks its Next button. */
  choose(actor: Actor, view: View, label: string): Promise<View[]> {
    const choices = view.choices;
    if (!choices) throw new Error(`view "${view.title}" has no choices`);
    const option = choices.options.find((o) => o.label.startsWith(label) && !o.disabled);
    if (!option) throw new Error(`no option "${label}" in ${choices.options.map((o) => o.label).join(', ')}`);
    return this.submit(actor, action(view, 'choose'), { [choices.id]: option.value });
  }

  async turn(actor: Actor, activity: Partial<Activity>): Promise<View[]> {
    await this.adapter.processActivity(
      {
        type: 'message',
        channelId: 'msteams',
        conversation: {
          id: this.place.conversationId,
          isGroup: !this.place.personal,
          conversationType: 'channel',
          name: '',
        },
        from: { id: actor.userId, name: actor.displayName },
        recipient: { id: 'bot', name: 'restore-bot' },
        ...activity,
      },
      (context) => this.app.onTurn(context, actor, this.place),
    );
    return this.adapter.activeQueue.splice(0).map(viewOf);
  }
}

function viewOf(activity: Partial<Activity>): View {
  const attachment = activity.attachments?.[0];
  if (attachment?.contentType !== VIEW_CONTENT_TYPE)
    throw new Error(`the bot sent something other than a view: ${JSON.stringify(activity)}`);
  return attachment.content as View;
}

export function action(view: View, id: string): Action {
  const found = view.actions?.find((a) => a.id === id);
  if (!found) throw new Error(`view "${view.title}" has no action ${id}: ${view.actions?.map((a) => a.id).join(', ')}`);
  return found;
}

export function last<T>(items: T[]): T {
  const item = items[items.length - 1];
  if (item === undefined) throw new Error('no items');
  return item;
}

export function fact(view: View, label: string): string | undefined {
  return view.facts?.find((f) => f.label === label)?.value;
}

/** Every restore trigger POST the emulator has seen (same-region and Cross Region Restore). */
export async function restorePosts(url: string): Promise<{ method: string; path: string; status: number }[]> {
  const { requests } = (await admin(url, 'GET', 'requests')) as {
    requests: { method: string; path: string; status: number }[];
  };
  return requests.filter(
    (r) => r.method === 'POST' && (r.path.endsWith('/restore') || r.path.endsWith('/crossRegionRestore')),
  );
}

/** An approval click as a channel delivers it: the action's data as the card carries it, plus inputs. */
export function clickOn(
  app: ConversationApp,
  actor: Actor,
  view: View,
  actionId: string,
  inputs: Record<string, string> = {},
  place: Place = oncallChannel,
): Promise<ExecuteResult> {
  const found = action(view, actionId);
  return app.onExecute({ actor, place, actionId, data: { ...found.data }, inputs });
}

/** Runs the shortcut to the review and requests approval; returns the posted approval card. */
export async function requestViaShortcut(
  harness: Harness,
  chat: Chat,
  shortcut = 'restore pg-orders-prod --latest --target dr-eastus',
): Promise<{ approval: Posted; confirmation: View }> {
  const review = last(await chat.say(requester, shortcut));
  if (review.title !== 'Review the restore') throw new Error(`expected the review, got ${JSON.stringify(review)}`);
  const confirmation = last(await chat.submit(requester, action(review, 'request')));
  return { approval: last(harness.poster.posts), confirmation };
}
