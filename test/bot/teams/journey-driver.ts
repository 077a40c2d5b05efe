/**
 * Drives the real bot the way Teams does, over HTTP: Bot Framework activities (typed messages, Action.Submit
 * clicks, `adaptiveCard/action` invokes) POSTed to `/api/messages` as given users, with `serviceUrl` pointing
 * at the loopback fake Bot Connector; the cards the bot sends are read back from that fake, and invoke
 * answers from the HTTP response. Every card that passes through here is validated (card-validator), so a
 * journey test cannot walk past a card Teams would refuse.
 */
import { ADAPTIVE_CARD_CONTENT_TYPE } from '../../../src/bot/teams/limits';
import type { ConnectorCall, FakeBotConnector } from '../../fakes/bot-connector';
import { assertValidCard } from './card-validator';

// biome-ignore lint/suspicious/noExplicitAny: card and activity JSON as they travel on the wire
export type Json = any;

export interface TeamsUser {
  /** Teams member id (29:… in Teams, user-id-N in the playground). */
  id: string;
  name: string;
  /** Entra object id: what the policy names approvers by. */
  aadObjectId: string;
}

/** The demo world (config/demo.yaml, .m365agentsplayground.yml): Alex asks; Megan and Adele approve; Isaiah may not. */
export const DEMO_TENANT = '00000000-0000-0000-0000-0000000000001';
export const DEMO_APPROVALS_CHANNEL = '19:restore-approvals@thread.tacv2';
export const DEMO_BOT = { id: '28:restore-bot', name: 'restore-bot' };
export const DEMO_USERS = {
  alex: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-00000000a000' },
  megan: { id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-00000000a001' },
  adele: { id: 'user-id-2', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-00000000a002' },
  isaiah: { id: 'user-id-3', name: 'Isaiah Langer', aadObjectId: '00000000-0000-0000-0000-00000000a003' },
} satisfies Record<string, TeamsUser>;

/** A card the bot sent (posted, replied or updated), as the fake connector received it. */
export interface BotCard {
  route: ConnectorCall['route'];
  /** The conversation it went to (for a new channel thread: the channel). */
  conversationId: string;
  /** The message's id: what the fake answered for a new message, the updated id for an update. */
  messageId: string;
  card: Json;
  call: ConnectorCall;
}

/** An invoke's HTTP answer: the card that replaces the clicked one for the clicker, and its banner if any. */
export interface InvokeAnswer {
  status: number;
  body: Json;
  /** The returned card (validated), when the answer is a card. */
  card?: Json;
  /** The words a person sees on the returned card (or the plain-text answer). */
  text: string;
}

export interface DriverOptions {
  botUrl: string;
  connector: FakeBotConnector;
  tenantId?: string;
  bot?: { id: string; name: string };
}

let activitySeq = 0;
const nextActivityId = () => `act-${process.pid}-${++activitySeq}`;

export class JourneyDriver {
  readonly tenantId: string;
  readonly bot: { id: string; name: string };
  /** How many cards this driver validated, so tests can show none slipped through unchecked. */
  validatedCards = 0;

  constructor(private readonly options: DriverOptions) {
    this.tenantId = options.tenantId ?? DEMO_TENANT;
    this.bot = options.bot ?? DEMO_BOT;
  }

  get connector(): FakeBotConnector {
    return this.options.connector;
  }

  /** The user's 1:1 chat with the bot. */
  personalChat(user: TeamsUser, extra: { timeZone?: string } = {}): TeamsChat {
    return new TeamsChat(this, user, { id: `a:personal-${user.id}`, conversationType: 'personal' }, extra.timeZone);
  }

  /** Where the next connector call will land: pass to `cardsSince` to read what came after. */
  mark(): number {
    return this.connector.calls.length;
  }

  /** Every card the bot sent since `mark`, validated. */
  cardsSince(mark: number, filter: (c: BotCard) => boolean = () => true): BotCard[] {
    return this.connector.calls
      .slice(mark)
      .flatMap((call) => this.cardsOf(call))
      .filter(filter);
  }

  /** Approval cards (and any post) that opened a new thread in a channel since `mark`. */
  threadsStartedSince(mark: number): BotCard[] {
    return this.cardsSince(mark, (c) => c.route === 'createConversation');
  }

  /** Posts one activity to /api/messages; the bot answers 200 once its turn is done. */
  async post(activity: Json): Promise<Response> {
    return fetch(`${this.options.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  }

  /**
   * Clicks an `Action.Execute` button on a card the bot posted in a channel thread, as `user`, the way Teams
   * sends it: an `adaptiveCard/action` invoke from the thread, replying to the card. `data` replaces the
   * button's data (forged payloads); `inputs` are the card's input values, which Teams merges into the data.
   */
  async execute(
    user: TeamsUser,
    on: BotCard,
    verb: string,
    options: { data?: Json; inputs?: Record<string, string> } = {},
  ): Promise<InvokeAnswer> {
    const button = executeActions(on.card).find((a) => a.verb === verb);
    const data = options.data !== undefined ? options.data : button?.data;
    if (data === undefined) throw new Error(`the card has no "${verb}" button:\n${visibleText(on.card)}`);
    const channelId = on.conversationId.split(';')[0]!;
    const activity = {
      ...this.envelope(user, {
        id: `${channelId};messageid=${on.messageId}`,
        conversationType: 'channel',
        isGroup: true,
      }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: on.messageId,
      channelData: { tenant: { id: this.tenantId }, channel: { id: channelId }, source: { name: 'message' } },
      value: {
        action: { type: 'Action.Execute', title: verb, verb, data: { ...data, ...(options.inputs ?? {}) } },
        trigger: 'manual',
      },
    };
    return this.invoke(activity);
  }

  /** Posts an invoke activity as given (for garbage payloads) and reads its answer. */
  async invoke(activity: Json): Promise<InvokeAnswer> {
    const res = await this.post(activity);
    const raw = await res.text();
    const body = raw ? JSON.parse(raw) : undefined;
    const answer: InvokeAnswer = { status: res.status, body, text: '' };
    if (body?.type === ADAPTIVE_CARD_CONTENT_TYPE) {
      this.validate(body.value);
      answer.card = body.value;
      answer.text = visibleText(body.value);
    } else if (typeof body?.value === 'string') {
      answer.text = body.value;
    }
    return answer;
  }

  /** The fields every activity from Teams carries. */
  envelope(user: TeamsUser, conversation: Json, timeZone?: string): Json {
    return {
      id: nextActivityId(),
      channelId: 'msteams',
      serviceUrl: this.connector.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: this.bot,
      conversation: { ...conversation, tenantId: this.tenantId },
      channelData: { tenant: { id: this.tenantId } },
      ...(timeZone ? { localTimezone: timeZone } : {}),
    };
  }

  validate(card: Json): void {
    assertValidCard(card);
    this.validatedCards++;
  }

  private cardsOf(call: ConnectorCall): BotCard[] {
    const activity = call.route === 'createConversation' ? call.body?.activity : call.body;
    const attachments: Json[] = activity?.attachments ?? [];
    const cards = attachments.filter((a) => a.contentType === ADAPTIVE_CARD_CONTENT_TYPE).map((a) => a.content);
    if (!cards.length) return [];
    const messageId =
      call.route === 'update' ? call.activityId! : String(call.answer?.activityId ?? call.answer?.id ?? '');
    const conversationId =
      call.route === 'createConversation'
        ? String(call.answer?.id ?? call.body?.channelData?.channel?.id)
        : call.conversationId!;
    return cards.map((card) => {
      this.validate(card);
      return { route: call.route, conversationId, messageId, card, call };
    });
  }
}

/** One person in one conversation with the bot. */
export class TeamsChat {
  constructor(
    private readonly driver: JourneyDriver,
    readonly user: TeamsUser,
    readonly conversation: { id: string; conversationType: 'personal' | 'channel' | 'groupChat'; isGroup?: boolean },
    private readonly timeZone?: string,
  ) {}

  /** Types a message; returns the cards the bot replied with in that turn. */
  say(text: string): Promise<BotCard[]> {
    return this.turn({ text });
  }

  /** Clicks an Action.Submit button (found by its action id) with the card's input values. */
  submit(on: BotCard | Json, actionId: string, inputs: Record<string, string> = {}): Promise<BotCard[]> {
    const card = 'card' in on && 'route' in on ? on.card : on;
    const button = submitAction(card, actionId);
    return this.turn({
      value: { ...button.data, ...inputs },
      ...('messageId' in on && on.messageId ? { replyToId: on.messageId } : {}),
    });
  }

  /** Picks the choice whose title starts with `title` in the card's choice list and clicks `actionId`. */
  choose(on: BotCard, title: string, actionId = 'choose'): Promise<BotCard[]> {
    const set = nodesOf(on.card).find((n) => n.type === 'Input.ChoiceSet');
    if (!set) throw new Error(`the card has no choice list:\n${visibleText(on.card)}`);
    const choice = (set.choices as { title: string; value: string }[]).find((c) => c.title.startsWith(title));
    if (!choice) throw new Error(`no choice "${title}" in: ${set.choices.map((c: Json) => c.title).join(' | ')}`);
    return this.submit(on, actionId, { [set.id]: choice.value });
  }

  /** Sends one message activity (text or submit value) and returns this turn's replies. */
  async turn(fields: { text?: string; value?: Json; replyToId?: string }): Promise<BotCard[]> {
    const activity = {
      ...this.driver.envelope(this.user, this.conversation, this.timeZone),
      type: 'message',
      text: fields.text ?? '',
      ...(fields.value ? { value: fields.value } : {}),
      ...(fields.replyToId ? { replyToId: fields.replyToId } : {}),
    };
    const mark = this.driver.mark();
    const res = await this.driver.post(activity);
    if (res.status !== 200) throw new Error(`the bot answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    // The adapter answers once the turn is done, so every reply of the turn has reached the connector.
    return this.driver.cardsSince(mark, (c) => c.route === 'reply' && c.call.activityId === activity.id);
  }
}

// ---- reading cards ----------------------------------------------------------------------------------------

/** Every element and action of a card, depth first (containers, action sets, show-cards). */
export function nodesOf(card: Json): Json[] {
  const found: Json[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const node = value as Json;
      if (typeof node.type === 'string') found.push(node);
      for (const [key, child] of Object.entries(node)) if (key !== 'data') visit(child);
    }
  };
  visit(card);
  return found;
}

/** TextBlock and FactSet text is Markdown in Teams: what shows is the text without its escapes. */
export function shownMarkdown(text: string): string {
  return text.replace(/\\([\\`*_[\]()<>~#|!.+-])/g, '$1');
}

/** The words a person sees: text blocks, facts, choice titles, button titles, one per line. */
export function visibleText(card: Json): string {
  return nodesOf(card)
    .flatMap((n): string[] => {
      if (n.type === 'TextBlock') return [shownMarkdown(n.text)];
      if (n.type === 'FactSet') return n.facts.map((f: Json) => shownMarkdown(`${f.title}: ${f.value}`));
      if (n.type === 'Input.ChoiceSet') return n.choices.map((c: Json) => c.title);
      if (typeof n.type === 'string' && n.type.startsWith('Action.')) return [n.title];
      return [];
    })
    .join('\n');
}

/** The card's title: the first text block. */
export function titleOf(card: Json): string {
  return shownMarkdown(nodesOf(card).find((n) => n.type === 'TextBlock')?.text ?? '');
}

/** A fact's value by its title. */
export function factOf(card: Json, title: string): string | undefined {
  for (const n of nodesOf(card)) {
    if (n.type !== 'FactSet') continue;
    const fact = n.facts.find((f: Json) => shownMarkdown(f.title) === title);
    if (fact) return shownMarkdown(fact.value);
  }
  return undefined;
}

export function submitAction(card: Json, actionId: string): { title: string; data: Record<string, string> } {
  const action = nodesOf(card).find((n) => n.type === 'Action.Submit' && n.data?.action === actionId);
  if (!action) throw new Error(`the card has no "${actionId}" button:\n${visibleText(card)}`);
  return action;
}

export function executeActions(card: Json): { title: string; verb: string; data: Record<string, string> }[] {
  return nodesOf(card).filter((n) => n.type === 'Action.Execute');
}

/** Button titles, in card order (Action.ShowCard titles included: Reject opens its reason form). */
export function buttonTitles(card: Json): string[] {
  return [...(card.actions ?? [])].map((a: Json) => a.title);
}
