/**
 * `Poster` for Slack: posts outside a person's turn (approval requests, their updates, thread replies of the
 * decision and the restore's progress), and the private place of the wizard.
 *
 * - `post` = `chat.postMessage` in a channel; the message's `ts` is its thread.
 * - `reply` = `chat.postMessage` with `thread_ts` (never a response_url: those expire after 30 minutes and
 *   5 uses, and a restore can take hours); with a key, the key rides along as message metadata
 *   (`restore_bot_post`), which `findReply` reads back with `conversations.replies`.
 * - `update` = `chat.update`, for everyone (buttons gone once decided).
 * - The private place is the modal the slash command opened for the person: `openPrivateChat` names it
 *   (`modal:<view id>`) while that command's turn runs, and `continueIn` runs a turn whose sends go there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TurnContext } from 'botbuilder-core';
import type { Actor, ConversationTarget, FoundReply, MessageRef, Poster, ReplyOptions } from '../../dialogs/ports';
import type { View } from '../../dialogs/views';
import { BotError } from '../../errors';
import type { Logger } from '../../log';
import type { MessageMetadata, SlackApi } from './api';
import type { KeyedQueue } from './background';
import { renderMessage } from './render';
import { ChannelSurface, ModalSurface, type SlackTurns, type Surface } from './surfaces';

/** Message metadata type under which a reply's idempotency key travels. */
export const POST_METADATA_TYPE = 'restore_bot_post';

const MODAL_PREFIX = 'modal:';

/** The slash command being answered: who ran it, and the modal opened for it (if Slack let us open one). */
export interface CommandScope {
  userId: string;
  userName: string;
  modal?: { viewId: string };
  /** The channel the command was typed in, when not a direct message (see ModalMetadata.askedIn). */
  askedIn?: string;
  /** Set once a private turn runs in the modal: what the asking turn says then stays out of it. */
  handedOver: boolean;
}

export const commandScope = new AsyncLocalStorage<CommandScope>();

export function modalConversationId(viewId: string): string {
  return `${MODAL_PREFIX}${viewId}`;
}

export interface SlackPosterOptions {
  api: SlackApi;
  turns: SlackTurns;
  queue: KeyedQueue;
  botUserId: string;
  logger: Logger;
}

export class SlackPoster implements Poster {
  constructor(private readonly options: SlackPosterOptions) {}

  async post(target: ConversationTarget, view: View): Promise<MessageRef> {
    if (target.threadId) {
      const thread: MessageRef = {
        channel: 'slack',
        conversationId: target.conversationId,
        messageId: target.threadId,
        threadId: target.threadId,
      };
      return this.reply(thread, view);
    }
    assertChannel(target.conversationId);
    const posted = await this.options.api.postMessage({ channel: target.conversationId, ...renderMessage(view) });
    return { channel: 'slack', conversationId: posted.channel, messageId: posted.ts, threadId: posted.ts };
  }

  async reply(thread: MessageRef, view: View, options: ReplyOptions = {}): Promise<MessageRef> {
    assertChannel(thread.conversationId);
    const threadTs = thread.threadId ?? thread.messageId;
    const metadata: MessageMetadata | undefined = options.key
      ? { event_type: POST_METADATA_TYPE, event_payload: { key: options.key } }
      : undefined;
    const posted = await this.options.api.postMessage({
      channel: thread.conversationId,
      ...renderMessage(view),
      threadTs,
      ...(metadata ? { metadata } : {}),
    });
    return { channel: 'slack', conversationId: posted.channel, messageId: posted.ts, threadId: threadTs };
  }

  async findReply(thread: MessageRef, key: string): Promise<FoundReply> {
    const threadTs = thread.threadId ?? thread.messageId;
    try {
      for await (const message of this.options.api.threadReplies(thread.conversationId, threadTs)) {
        const metadata = message.metadata;
        if (metadata?.event_type === POST_METADATA_TYPE && metadata.event_payload?.key === key) {
          return {
            found: true,
            message: {
              channel: 'slack',
              conversationId: thread.conversationId,
              messageId: message.ts,
              threadId: threadTs,
            },
          };
        }
      }
      return { found: false };
    } catch (error) {
      this.options.logger.warn('could not read the thread back from Slack', { channel: thread.conversationId, error });
      return { found: 'unknown' };
    }
  }

  async update(message: MessageRef, view: View): Promise<void> {
    assertChannel(message.conversationId);
    await this.options.api.update({ channel: message.conversationId, ts: message.messageId, ...renderMessage(view) });
  }

  /** The modal the current slash command opened for this person; undefined outside one, or when none opened. */
  async openPrivateChat(actor: Actor): Promise<ConversationTarget | undefined> {
    const scope = commandScope.getStore();
    if (!scope?.modal || scope.userId !== actor.userId) return undefined;
    return { channel: 'slack', conversationId: modalConversationId(scope.modal.viewId) };
  }

  async continueIn(target: ConversationTarget, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    if (!target.conversationId.startsWith(MODAL_PREFIX)) {
      const surface = new ChannelSurface(this.options.api, {
        channel: target.conversationId,
        ...(target.threadId ? { threadTs: target.threadId } : {}),
      });
      return this.runIn(surface, target.conversationId, { id: this.options.botUserId, name: 'restore-bot' }, logic);
    }
    const viewId = target.conversationId.slice(MODAL_PREFIX.length);
    const scope = commandScope.getStore();
    if (!scope?.modal || scope.modal.viewId !== viewId) {
      throw new BotError('SLACK_MODAL_UNKNOWN', 'That Slack form is not open for this command any more.', { viewId });
    }
    const surface = new ModalSurface(
      this.options.api,
      viewId,
      this.options.logger,
      scope.askedIn ? { askedIn: scope.askedIn } : {},
    );
    scope.handedOver = true;
    try {
      await this.runIn(surface, target.conversationId, { id: scope.userId, name: scope.userName }, logic);
    } catch (error) {
      scope.handedOver = false;
      throw error;
    }
  }

  private runIn(
    surface: Surface,
    conversationId: string,
    user: { id: string; name: string },
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    return this.options.queue.run(surface.key, async () => {
      const context = this.options.turns.context(surface, { conversationId, user, botUserId: this.options.botUserId });
      await logic(context);
      await surface.flush();
    });
  }
}

/** Messages live in channels; a modal is no place for a post (it has no messages, only its current view). */
function assertChannel(conversationId: string): void {
  if (conversationId.startsWith(MODAL_PREFIX)) {
    throw new BotError('SLACK_NOT_A_CHANNEL', 'Slack cannot post a message into a form.', { conversationId });
  }
}
