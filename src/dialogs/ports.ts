/**
 * The ports between the one conversation (`src/dialogs`) and the channels (`src/bot/teams`, `src/bot/slack`).
 * Channels implement `Poster`; the conversation implements `ConversationApp`. Neither side imports the other's
 * SDK types beyond botbuilder's `TurnContext`, which both channels feed the dialogs with.
 */
import type { TurnContext } from 'botbuilder-core';
import type { ChoiceOption, View } from './views';

export type ChannelName = 'teams' | 'slack';

/** Who is acting, as the channel authenticated them. Compare `userId`, never `displayName`. */
export interface Actor {
  channel: ChannelName;
  /** Teams: Entra object id (`from.aadObjectId`, else `from.id`); Slack: `U…`. */
  userId: string;
  displayName: string;
  /** Teams tenant id / Slack team id. */
  tenantOrTeamId: string;
  /** IANA time zone when the channel tells us (Teams `localTimezone`, Slack `users.info` tz). */
  timeZone?: string;
}

/** Where something was said: a channel, a group chat or a 1:1 chat. */
export interface Place {
  conversationId: string;
  /**
   * Teams channel id (19:…) / Slack channel id (C…), when in a channel, or when a private place belongs to one
   * (a Slack modal opened by a slash command typed there: `personal` and `channelId` both set).
   */
  channelId?: string;
  personal?: boolean;
}

/** A conversation to post into; `threadId` set = reply in that thread. */
export interface ConversationTarget {
  channel: ChannelName;
  conversationId: string;
  threadId?: string;
}

/** A message the bot posted, enough to update it or reply in its thread later (stored with the request). */
export interface MessageRef {
  channel: ChannelName;
  conversationId: string;
  messageId: string;
  threadId?: string;
}

export type FoundReply = { found: true; message: MessageRef } | { found: false } | { found: 'unknown' };

export interface ReplyOptions {
  /**
   * An idempotency key carried with the message where the channel can keep it (Slack message metadata), so
   * that `findReply` can tell after a crash whether this post already went out.
   */
  key?: string;
}

/** Implemented by each channel; used by the conversation and the notifier for posts outside the current turn. */
export interface Poster {
  /** A new message (in a channel: a new thread). */
  post(target: ConversationTarget, view: View): Promise<MessageRef>;
  /** A reply in the thread of an earlier message. */
  reply(thread: MessageRef, view: View, options?: ReplyOptions): Promise<MessageRef>;
  /**
   * Whether a reply was posted earlier in `thread` with `options.key`, asked of the platform (Slack: message
   * `metadata` read back with `conversations.replies`). Absent, or `unknown`, where the channel has no way to
   * look (Teams without Graph): a follower that crashed between sending and marking a post then re-sends it.
   */
  findReply?(thread: MessageRef, key: string): Promise<FoundReply>;
  /** Replaces an earlier message for everyone (e.g. an approval card once decided: buttons gone). */
  update(message: MessageRef, view: View): Promise<void>;
  /**
   * The person's 1:1 chat with the bot, opened if there is none yet, for a wizard started where others can
   * see it. Undefined when the channel cannot open one (Teams: the bot is not installed for the user, a
   * tenant policy, a user the bot never heard from); the conversation then stays where it was started. The
   * channel only opens the chat: whether and when to move there is the conversation's decision.
   */
  openPrivateChat(actor: Actor): Promise<ConversationTarget | undefined>;
  /**
   * Runs `logic` in a turn the bot starts itself in `target` (a proactive turn: Teams
   * `continueConversationAsync` with the stored reference). What `logic` sends lands in that conversation, and
   * state read through its context (dialog state) is that conversation's: in a 1:1 chat, the turn is "from"
   * the person the chat is with, so their later messages there find the same private state. Rejects when
   * the conversation cannot be reached.
   */
  continueIn(target: ConversationTarget, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

/** An `execute`-mode click (Teams `Action.Execute` invoke, Slack block action on an approval message). */
export interface ExecuteClick {
  actor: Actor;
  place: Place;
  /** The Action id: `approve` / `reject` / …; untrusted. */
  actionId: string;
  /** Action data as the card sent it back (untrusted: checked against the store). */
  data: Record<string, unknown>;
  /** Values of the card's inputs (e.g. the rejection reason). */
  inputs: Record<string, string>;
  /** The message the click came from, so that every copy can be updated. */
  message?: MessageRef;
}

export interface ExecuteResult {
  /** Replaces the clicked message (Teams invoke response card); for a refusal, the message as it stands. */
  view: View;
  /** Shown only to the clicker (Slack ephemeral, Teams invoke response text), e.g. "You cannot approve your own request". */
  notice?: string;
  /** Slow work (Azure calls, updating other copies) to run after the click was answered. */
  afterResponse?: () => Promise<void>;
}

/** What a person typed into a pick list that loads its options as they type (Slack's external_select). */
export interface SuggestRequest {
  /** The ChoiceInput id of the list (e.g. `point`). */
  input: string;
  query: string;
  /** The most options the channel can show in one answer (Slack: 100). */
  limit: number;
}

/** What a channel calls. */
export interface ConversationApp {
  /** A message or a submit (wizard answer) in a turn; views are sent through the turn context. */
  onTurn(context: TurnContext, actor: Actor, place: Place): Promise<void>;
  /** An approval-style click, answered within the platform's time limit. */
  onExecute(click: ExecuteClick): Promise<ExecuteResult>;
  /**
   * Options for a searchable pick list (a ChoiceInput with `page`) of the step on screen in this place, for
   * what the person typed; [] when that list is not on screen any more. Sends nothing.
   */
  onSuggest?(context: TurnContext, actor: Actor, place: Place, request: SuggestRequest): Promise<ChoiceOption[]>;
}
