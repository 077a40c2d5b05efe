/**
 * Where the views of one turn go, and the botbuilder glue that lets the conversation send them: the
 * conversation sends activities through a `TurnContext` (its dialogs need one); the Slack turn adapter hands
 * each view to the turn's surface, which collects them and sends them once the turn is over:
 *
 * - a modal: everything the turn said becomes one `views.update` (one modal, at most 100 blocks);
 * - ephemeral messages in a channel (the wizard's fallback when no modal could be opened): one per view;
 * - channel messages (a turn the bot starts in a channel): one `chat.postMessage` per view.
 */
import {
  type Activity,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder-core';
import { VIEW_CONTENT_TYPE, type View } from '../../dialogs/views';
import { BotError, isBotError } from '../../errors';
import type { Logger } from '../../log';
import type { SlackApi } from './api';
import { renderMessage, renderModal } from './render';

export interface Surface {
  /** Turns on one surface run one at a time (see KeyedQueue). */
  readonly key: string;
  add(view: View): void;
  /** Sends what the turn said; a surface that cannot be reached rejects. */
  flush(): Promise<void>;
}

const SURFACE_KEY = Symbol('restore-bot.slack.surface');

/** The views an activity carries; plain text (e.g. an error said by botbuilder) becomes a notice. */
export function viewsOf(activity: Partial<Activity>): View[] {
  if (activity.type && activity.type !== 'message') return [];
  const views = (activity.attachments ?? [])
    .filter((a) => a.contentType === VIEW_CONTENT_TYPE)
    .map((a) => a.content as View);
  if (views.length) return views;
  return activity.text ? [{ kind: 'notice', title: activity.text }] : [];
}

/** Sends go to the turn's surface; Slack turns never edit or delete through botbuilder. */
class SlackTurnAdapter extends BotAdapter {
  private sequence = 0;

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const surface = context.turnState.get(SURFACE_KEY) as Surface | undefined;
    if (!surface) throw new Error('a Slack turn must have a surface');
    return activities.map((activity) => {
      for (const view of viewsOf(activity)) surface.add(view);
      this.sequence += 1;
      return { id: `slack-turn-${this.sequence}` };
    });
  }

  async updateActivity(): Promise<void> {
    throw new BotError('SLACK_UNSUPPORTED', 'Slack turns do not edit messages through botbuilder; the poster does.');
  }

  async deleteActivity(): Promise<void> {
    throw new BotError('SLACK_UNSUPPORTED', 'Slack turns do not delete messages.');
  }

  async continueConversation(
    _reference: Partial<ConversationReference>,
    _logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    throw new BotError('SLACK_UNSUPPORTED', 'Slack turns are started by the Slack poster, not by botbuilder.');
  }
}

/** What a Slack turn's activity says: who, in which conversation, and what they typed or clicked. */
export interface TurnInput {
  /** `C…` / `D…` for a channel or DM, `modal:<view id>` for a modal. */
  conversationId: string;
  user: { id: string; name: string };
  botUserId: string;
  /** Typed text (slash command arguments). */
  text?: string;
  /** A click or submit: `{ action, ...data, ...inputs }`. */
  value?: Record<string, string>;
}

export class SlackTurns {
  private readonly adapter = new SlackTurnAdapter();

  /**
   * A turn context whose sends go to `surface`. Dialog state is keyed by channel id `slack`, the
   * conversation id and the user id, so a modal's turns find the same private state every time.
   */
  context(surface: Surface, input: TurnInput): TurnContext {
    const activity: Partial<Activity> = {
      type: 'message',
      channelId: 'slack',
      id: `slack-${Date.now()}`,
      timestamp: new Date(),
      serviceUrl: '',
      conversation: { id: input.conversationId, isGroup: false, conversationType: 'slack', name: '' },
      from: { id: input.user.id, name: input.user.name },
      recipient: { id: input.botUserId, name: 'restore-bot' },
      text: input.text ?? '',
      ...(input.value ? { value: input.value } : {}),
    };
    const context = new TurnContext(this.adapter, activity);
    context.turnState.set(SURFACE_KEY, surface);
    return context;
  }
}

/** A modal: the turn's views become one modal, replacing what it showed. */
export class ModalSurface implements Surface {
  readonly key: string;
  private readonly views: View[] = [];

  constructor(
    private readonly api: Pick<SlackApi, 'updateView'>,
    readonly viewId: string,
    private readonly logger: Logger,
    private readonly options: {
      /** True when another turn took this modal over (the wizard moved into it): this turn then shows nothing. */
      handedOver?: () => boolean;
      /** The channel whose slash command opened the modal; kept in every view of it (see ModalMetadata). */
      askedIn?: string;
    } = {},
  ) {
    this.key = `modal:${viewId}`;
  }

  add(view: View): void {
    this.views.push(view);
  }

  async flush(): Promise<void> {
    const views = this.views.splice(0);
    if (!views.length) return;
    if (this.options.handedOver?.()) {
      this.logger.debug('the modal now belongs to the private wizard; not showing the asking turn there', {
        viewId: this.viewId,
        titles: views.map((v) => v.title),
      });
      return;
    }
    await this.api.updateView(
      this.viewId,
      renderModal(views, this.options.askedIn ? { askedIn: this.options.askedIn } : {}),
    );
  }
}

/** Ephemeral messages to one person in a channel; a response_url is the way in when the bot is not a member. */
export class EphemeralSurface implements Surface {
  readonly key: string;
  private readonly views: View[] = [];

  constructor(
    private readonly api: Pick<SlackApi, 'postEphemeral'>,
    private readonly target: { channel: string; user: string; threadTs?: string },
    private readonly logger: Logger,
    private readonly respond?: (message: { text: string; blocks: unknown[] }) => Promise<void>,
  ) {
    this.key = `ephemeral:${target.channel}:${target.user}`;
  }

  add(view: View): void {
    this.views.push(view);
  }

  async flush(): Promise<void> {
    for (const view of this.views.splice(0)) {
      const message = renderMessage(view);
      try {
        await this.api.postEphemeral({ ...this.target, ...message });
      } catch (error) {
        if (!this.respond || !isChannelError(error)) throw error;
        this.logger.warn('could not post an ephemeral message in the channel; answering through the response_url', {
          channel: this.target.channel,
          code: (error as BotError).code,
        });
        await this.respond(message);
      }
    }
  }
}

/** New messages in a channel (or in a thread of it). */
export class ChannelSurface implements Surface {
  readonly key: string;
  private readonly views: View[] = [];

  constructor(
    private readonly api: Pick<SlackApi, 'postMessage'>,
    private readonly target: { channel: string; threadTs?: string },
  ) {
    this.key = `channel:${target.channel}:${target.threadTs ?? ''}`;
  }

  add(view: View): void {
    this.views.push(view);
  }

  async flush(): Promise<void> {
    for (const view of this.views.splice(0)) {
      await this.api.postMessage({
        channel: this.target.channel,
        ...renderMessage(view),
        ...(this.target.threadTs ? { threadTs: this.target.threadTs } : {}),
      });
    }
  }
}

export function isChannelError(error: unknown): boolean {
  return (
    isBotError(error) && ['SLACK_CHANNEL_NOT_FOUND', 'SLACK_NOT_IN_CHANNEL', 'SLACK_IS_ARCHIVED'].includes(error.code)
  );
}
