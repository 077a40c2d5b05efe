/**
 * One Poster for the conversation and the notifier, whatever channel a message belongs to: each call goes to
 * the poster of the channel named in its target (`teams` / `slack`). Channels register their poster once
 * their server is up; a call for a channel that never registered fails with a clear code, and a call that
 * arrives while a channel is still starting waits for it.
 */
import type { TurnContext } from 'botbuilder-core';
import type {
  Actor,
  ChannelName,
  ConversationTarget,
  FoundReply,
  MessageRef,
  Poster,
  ReplyOptions,
} from '../dialogs/ports';
import type { View } from '../dialogs/views';
import { BotError } from '../errors';

export class PosterRouter implements Poster {
  readonly #posters = new Map<ChannelName, Poster>();
  readonly #expected = new Map<ChannelName, { ready: Promise<Poster>; resolve: (poster: Poster) => void }>();

  /** Says that `channel` will register (its server is starting), so early calls wait instead of failing. */
  expect(channel: ChannelName): void {
    if (this.#posters.has(channel) || this.#expected.has(channel)) return;
    let resolve!: (poster: Poster) => void;
    const ready = new Promise<Poster>((r) => {
      resolve = r;
    });
    this.#expected.set(channel, { ready, resolve });
  }

  register(channel: ChannelName, poster: Poster): void {
    this.#posters.set(channel, poster);
    this.#expected.get(channel)?.resolve(poster);
    this.#expected.delete(channel);
  }

  has(channel: ChannelName): boolean {
    return this.#posters.has(channel);
  }

  async post(target: ConversationTarget, view: View): Promise<MessageRef> {
    return (await this.#for(target.channel)).post(target, view);
  }

  async reply(thread: MessageRef, view: View, options?: ReplyOptions): Promise<MessageRef> {
    return (await this.#for(thread.channel)).reply(thread, view, options);
  }

  /** `unknown` for a channel that cannot look back (Teams without Graph). */
  async findReply(thread: MessageRef, key: string): Promise<FoundReply> {
    const poster = await this.#for(thread.channel);
    return poster.findReply ? poster.findReply(thread, key) : { found: 'unknown' };
  }

  async update(message: MessageRef, view: View): Promise<void> {
    return (await this.#for(message.channel)).update(message, view);
  }

  async openPrivateChat(actor: Actor): Promise<ConversationTarget | undefined> {
    return (await this.#for(actor.channel)).openPrivateChat(actor);
  }

  async continueIn(target: ConversationTarget, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return (await this.#for(target.channel)).continueIn(target, logic);
  }

  async #for(channel: ChannelName): Promise<Poster> {
    const poster = this.#posters.get(channel);
    if (poster) return poster;
    const expected = this.#expected.get(channel);
    if (expected) return expected.ready;
    throw new BotError('CHANNEL_NOT_CONFIGURED', `The ${channel} channel is not configured on this bot.`);
  }
}
