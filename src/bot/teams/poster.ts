/**
 * `Poster` for Teams: posts, thread replies and updates outside a user's turn (approval cards, expiry, job
 * progress), through the stored conversation references. A post into a channel starts a new thread with
 * `createConversationAsync` (works without an app id, unlike `TeamsInfo.sendMessageToTeamsChannel`); a chat
 * gets the message through `continueConversationAsync`. For the private wizard it opens a person's 1:1 chat
 * (`createConversationAsync` with the person as the only member) and runs turns there.
 */
import type { CloudAdapter } from 'botbuilder';
import { type Activity, type ConversationParameters, type ConversationReference, TurnContext } from 'botbuilder-core';
import type { Actor, ConversationTarget, MessageRef, Poster } from '../../dialogs/ports';
import type { View } from '../../dialogs/views';
import { BotError } from '../../errors';
import type { Logger } from '../../log';
import {
  type ConversationRefRecorder,
  type ConversationRefStore,
  refKeys,
  type StoredConversation,
  type StoredService,
  type StoredUser,
} from './conversation-refs';
import { baseConversationId, type ConversationKind, threadIdOf } from './identity';
import { cardActivity } from './view-middleware';

/**
 * botbuilder types the audience as a string, but only null/undefined selects the cloud's default token scope;
 * an empty string would ask for a token for audience "".
 */
const DEFAULT_AUDIENCE = undefined as unknown as string;

export interface TeamsPosterOptions {
  adapter: CloudAdapter;
  /** The bot's app id; empty in local mode. */
  appId: string;
  refs: ConversationRefStore;
  recorder: ConversationRefRecorder;
  logger: Logger;
}

export class TeamsPoster implements Poster {
  constructor(private readonly options: TeamsPosterOptions) {}

  async post(target: ConversationTarget, view: View): Promise<MessageRef> {
    if (target.threadId) {
      return this.reply(
        {
          channel: 'teams',
          conversationId: target.conversationId,
          messageId: target.threadId,
          threadId: target.threadId,
        },
        view,
      );
    }
    const found = await this.lookup(target.conversationId);
    if (found.kind === 'channel') return this.startThread(found, baseConversationId(target.conversationId), view);
    const messageId = await this.send(found.reference, target.conversationId, view);
    return { channel: 'teams', conversationId: target.conversationId, messageId };
  }

  async reply(thread: MessageRef, view: View): Promise<MessageRef> {
    const found = await this.lookup(thread.conversationId);
    const threadId = thread.threadId ?? threadIdOf(thread.conversationId) ?? thread.messageId;
    // In a channel the thread is part of the conversation id; chats have no threads, so it is a new message.
    const conversationId =
      found.kind === 'channel'
        ? `${baseConversationId(thread.conversationId)};messageid=${threadId}`
        : thread.conversationId;
    const messageId = await this.send(found.reference, conversationId, view);
    return {
      channel: 'teams',
      conversationId: thread.conversationId,
      messageId,
      ...(found.kind === 'channel' ? { threadId } : {}),
    };
  }

  async update(message: MessageRef, view: View): Promise<void> {
    const found = await this.lookup(message.conversationId);
    const conversationId =
      found.kind === 'channel' && message.threadId && !message.conversationId.includes(';messageid=')
        ? `${message.conversationId};messageid=${message.threadId}`
        : message.conversationId;
    await this.options.adapter.continueConversationAsync(
      this.options.appId,
      withConversation(found.reference, conversationId),
      async (context) => {
        await context.updateActivity({
          ...cardActivity(view),
          id: message.messageId,
          conversation: { ...context.activity.conversation, id: conversationId },
        } as Partial<Activity>);
      },
    );
  }

  /**
   * The person's 1:1 chat with the bot, opened if needed (`createConversation` with the user as member).
   * Undefined when it cannot be opened (the bot is not installed for the user, an unknown user, a policy).
   */
  async openPrivateChat(actor: Actor): Promise<ConversationTarget | undefined> {
    const user = await this.options.refs.get<StoredUser>(refKeys.user(actor.userId));
    if (!user) return undefined;
    if (user.personalConversationId) return { channel: 'teams', conversationId: user.personalConversationId };
    try {
      let reference: Partial<ConversationReference> | undefined;
      const member = { id: user.memberId, ...(user.name ? { name: user.name } : {}) };
      const parameters = {
        isGroup: false,
        bot: user.bot,
        members: [member],
        ...(user.tenantId ? { tenantId: user.tenantId, channelData: { tenant: { id: user.tenantId } } } : {}),
      } as ConversationParameters;
      await this.options.adapter.createConversationAsync(
        this.options.appId,
        'msteams',
        user.serviceUrl,
        DEFAULT_AUDIENCE,
        parameters,
        async (context) => {
          reference = TurnContext.getConversationReference(context.activity);
        },
      );
      if (!reference?.conversation?.id) return undefined;
      // The created conversation's reference names no user; turns the bot starts there must come "from" the
      // member, as their own messages will, so that per-user dialog state is the same in both.
      const stored = {
        ...reference,
        activityId: undefined,
        user: { id: user.memberId, name: user.name ?? '' },
        conversation: { ...reference.conversation, conversationType: 'personal' },
      };
      await this.options.recorder.rememberPersonalChat(actor.userId, user, stored);
      return { channel: 'teams', conversationId: reference.conversation.id };
    } catch (error) {
      this.options.logger.warn('could not open a 1:1 chat', { userId: actor.userId, error });
      return undefined;
    }
  }

  async continueIn(target: ConversationTarget, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const found = await this.lookup(target.conversationId);
    const conversationId =
      found.kind === 'channel' && target.threadId
        ? `${baseConversationId(target.conversationId)};messageid=${target.threadId}`
        : target.conversationId;
    await this.options.adapter.continueConversationAsync(
      this.options.appId,
      withConversation(found.reference, conversationId),
      logic,
    );
  }

  private async startThread(found: Found, channelId: string, view: View): Promise<MessageRef> {
    const { reference, tenantId } = found;
    let created: string | undefined;
    const parameters = {
      isGroup: true,
      bot: reference.bot,
      channelData: { channel: { id: channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
      ...(tenantId ? { tenantId } : {}),
      activity: cardActivity(view),
    } as ConversationParameters;
    await this.options.adapter.createConversationAsync(
      this.options.appId,
      'msteams',
      reference.serviceUrl!,
      DEFAULT_AUDIENCE,
      parameters,
      async (context) => {
        created = context.activity.conversation?.id;
      },
    );
    // Teams answers with `<channel>;messageid=<id of the new post>`; the post is the thread's root.
    const messageId = created ? threadIdOf(created) : undefined;
    if (!messageId) {
      throw new BotError(
        'TEAMS_POST_FAILED',
        `Teams did not say which message started the new thread in ${channelId}`,
        { created },
      );
    }
    return { channel: 'teams', conversationId: channelId, messageId, threadId: messageId };
  }

  private async send(reference: Partial<ConversationReference>, conversationId: string, view: View): Promise<string> {
    let messageId: string | undefined;
    await this.options.adapter.continueConversationAsync(
      this.options.appId,
      withConversation(reference, conversationId),
      async (context) => {
        messageId = (await context.sendActivity(cardActivity(view)))?.id;
      },
    );
    if (!messageId) throw new BotError('TEAMS_POST_FAILED', `Teams did not return a message id for ${conversationId}`);
    return messageId;
  }

  /** The stored reference for a conversation; for a channel never spoken in, the tenant's service URL. */
  private async lookup(conversationId: string): Promise<Found> {
    const refs = this.options.refs;
    const stored = await refs.get<StoredConversation>(refKeys.conversation(conversationId));
    if (stored?.reference.serviceUrl) {
      return {
        kind: stored.kind,
        reference: stored.reference,
        ...(stored.tenantId ? { tenantId: stored.tenantId } : {}),
      };
    }
    const service = await refs.get<StoredService>(refKeys.service());
    const kind = guessKind(baseConversationId(conversationId));
    if (service && kind) {
      return {
        kind,
        ...(service.tenantId ? { tenantId: service.tenantId } : {}),
        reference: {
          channelId: 'msteams',
          serviceUrl: service.serviceUrl,
          bot: { id: service.bot.id, name: service.bot.name ?? '' },
          conversation: {
            id: baseConversationId(conversationId),
            conversationType: kind,
            isGroup: kind !== 'personal',
            name: '',
            ...(service.tenantId ? { tenantId: service.tenantId } : {}),
          },
        },
      };
    }
    throw new BotError(
      'TEAMS_UNKNOWN_CONVERSATION',
      `The bot has no way to reach Teams conversation ${conversationId} yet: add the bot to it and mention it once.`,
      { conversationId },
    );
  }
}

interface Found {
  kind: ConversationKind;
  tenantId?: string;
  reference: Partial<ConversationReference>;
}

function withConversation(
  reference: Partial<ConversationReference>,
  conversationId: string,
): Partial<ConversationReference> {
  return { ...reference, activityId: undefined, conversation: { ...reference.conversation!, id: conversationId } };
}

/** Teams conversation ids say what they are: `19:…@thread.tacv2|skype` channels, `@thread.v2` group chats. */
function guessKind(conversationId: string): ConversationKind | undefined {
  if (/^19:.*@thread\.(tacv2|skype)$/.test(conversationId)) return 'channel';
  if (/^19:.*@thread\.v2$/.test(conversationId)) return 'groupChat';
  if (/^a:/.test(conversationId)) return 'personal';
  return undefined;
}
