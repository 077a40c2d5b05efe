/**
 * The Slack Web API calls the channel makes, through one WebClient: typed results, Slack's errors turned into
 * BotErrors with stable codes and a sentence a person can act on, and a bounded retry honouring Retry-After
 * for the two calls that must land (chat.postMessage, chat.update). Every other call fails fast: rate-limited
 * calls are rejected at once (`rejectRateLimitedCalls`) rather than queued for minutes behind a click.
 */
import { type types, webApi } from '@slack/bolt';
import { BotError, isBotError } from '../../errors';
import type { Logger } from '../../log';

type Block = types.KnownBlock;
type ModalView = types.ModalView;

export interface SlackApiOptions {
  token: string;
  /** Web API base URL (SLACK_API_URL); Slack's own when absent. */
  apiUrl?: string;
  logger: Logger;
  /** Transport retries of the WebClient (tests pass `{ retries: 0 }`); default: two quick retries. */
  retryConfig?: webApi.RetryOptions;
  /** How often a rate-limited postMessage / update is tried in all (default 3), and the longest wait honoured. */
  rateLimitAttempts?: number;
  rateLimitMaxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The WebClient options every client of this app uses (the Bolt app's own client too). */
export function webClientOptions(options: Pick<SlackApiOptions, 'apiUrl' | 'retryConfig'>): webApi.WebClientOptions {
  return {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: options.retryConfig ?? { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface SlackUser {
  id: string;
  name: string;
  tz?: string;
}

export interface ThreadMessage {
  ts: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string>;
}

export class SlackApi {
  readonly client: webApi.WebClient;
  private readonly attempts: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackApiOptions) {
    this.client = new webApi.WebClient(options.token, webClientOptions(options));
    this.attempts = options.rateLimitAttempts ?? 3;
    this.maxWaitMs = options.rateLimitMaxWaitMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async postMessage(message: {
    channel: string;
    text: string;
    blocks: Block[];
    threadTs?: string;
    metadata?: MessageMetadata;
  }): Promise<PostedMessage> {
    const result = await this.mustLand('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel: message.channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        ...(message.metadata ? { metadata: message.metadata } : {}),
      }),
    );
    if (!result.ts) throw new BotError('SLACK_POST_FAILED', 'Slack did not return the posted message id.');
    return { channel: result.channel ?? message.channel, ts: result.ts };
  }

  async update(message: { channel: string; ts: string; text: string; blocks: Block[] }): Promise<void> {
    await this.mustLand('chat.update', () =>
      this.client.chat.update({ channel: message.channel, ts: message.ts, text: message.text, blocks: message.blocks }),
    );
  }

  async postEphemeral(message: {
    channel: string;
    user: string;
    text: string;
    blocks?: Block[];
    threadTs?: string;
  }): Promise<void> {
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({
        channel: message.channel,
        user: message.user,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      }),
    );
  }

  async openView(triggerId: string, view: ModalView): Promise<{ id: string; hash?: string }> {
    const result = await this.call('views.open', () => this.client.views.open({ trigger_id: triggerId, view }));
    if (!result.view?.id) throw new BotError('SLACK_VIEW_FAILED', 'Slack did not return the opened view id.');
    return { id: result.view.id, ...(result.view.hash ? { hash: result.view.hash } : {}) };
  }

  async updateView(viewId: string, view: ModalView): Promise<void> {
    await this.call('views.update', () => this.client.views.update({ view_id: viewId, view }));
  }

  async userInfo(userId: string): Promise<SlackUser> {
    const result = await this.call('users.info', () => this.client.users.info({ user: userId }));
    const user = result.user;
    const name = user?.profile?.display_name || user?.real_name || user?.profile?.real_name || user?.name || userId;
    return { id: userId, name, ...(user?.tz ? { tz: user.tz } : {}) };
  }

  async userGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.call('usergroups.users.list', () =>
      this.client.usergroups.users.list({ usergroup: groupId }),
    );
    return result.users ?? [];
  }

  /** The replies in a thread, with their metadata, page by page (oldest first, as Slack lists them). */
  async *threadReplies(channel: string, ts: string): AsyncGenerator<ThreadMessage> {
    let cursor: string | undefined;
    do {
      const page = await this.call('conversations.replies', () =>
        this.client.conversations.replies({
          channel,
          ts,
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const message of page.messages ?? []) {
        if (message.ts)
          yield {
            ts: message.ts,
            ...(message.metadata ? { metadata: message.metadata as ThreadMessage['metadata'] } : {}),
          };
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
  }

  /** Posts that must land: a rate-limited attempt waits Slack's Retry-After and tries again, a few times. */
  private async mustLand<T>(method: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call(method, run);
      } catch (error) {
        const retryAfterMs = isBotError(error, 'SLACK_RATE_LIMITED')
          ? Number(error.details.retryAfterSeconds) * 1_000
          : NaN;
        if (!Number.isFinite(retryAfterMs) || attempt >= this.attempts || retryAfterMs > this.maxWaitMs) throw error;
        this.options.logger.warn('Slack rate limited a call that must land; retrying after Retry-After', {
          method,
          attempt,
          retryAfterMs,
        });
        await this.sleep(Math.max(retryAfterMs, 0));
      }
    }
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw slackError(method, error);
    }
  }
}

/** Slack's platform error codes the channel explains to people; others keep Slack's code. */
const EXPLAINED: Record<string, (method: string) => string> = {
  channel_not_found: () =>
    'Slack says the channel does not exist or the bot cannot see it (channel_not_found): invite the bot to the channel with /invite, or fix the channel id in the policy.',
  not_in_channel: () =>
    'The bot is not a member of that channel (not_in_channel): invite it with /invite and try again.',
  is_archived: () => 'That channel is archived (is_archived): ask in another channel.',
  expired_trigger_id: () =>
    'Slack let the form expire before it could open (expired_trigger_id); the bot answers in the channel instead.',
  message_not_found: () => 'Slack no longer has that message (message_not_found).',
  cant_update_message: () => 'Slack does not let the bot edit that message (cant_update_message).',
  invalid_blocks: (m) => `Slack refused the layout of a message (invalid_blocks, ${m}).`,
  msg_blocks_too_long: (m) => `Slack refused a message as too long (msg_blocks_too_long, ${m}).`,
  view_too_large: () => 'Slack refused the form as too large (view_too_large).',
  not_authed: () => 'The Slack bot token is missing (not_authed): check SLACK_BOT_TOKEN.',
  invalid_auth: () => 'Slack does not accept the bot token (invalid_auth): check SLACK_BOT_TOKEN.',
  missing_scope: () =>
    'The Slack app lacks a permission scope it needs (missing_scope): reinstall it from the manifest.',
};

/** Any WebClient failure as a BotError: `SLACK_<CODE>` for platform errors, rate limits with their wait. */
export function slackError(method: string, error: unknown): BotError {
  if (isBotError(error)) return error;
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  if (e?.code === webApi.ErrorCode.RateLimitedError) {
    const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : 1;
    return new BotError(
      'SLACK_RATE_LIMITED',
      `Slack is rate limiting the bot (ratelimited, ${method}); try again in ${seconds} s.`,
      { method, retryAfterSeconds: seconds },
      { cause: error },
    );
  }
  if (e?.code === webApi.ErrorCode.PlatformError) {
    const slackCode = e.data?.error ?? 'unknown_error';
    if (slackCode === 'ratelimited') {
      return new BotError('SLACK_RATE_LIMITED', `Slack is rate limiting the bot (ratelimited, ${method}).`, {
        method,
        retryAfterSeconds: 1,
      });
    }
    const explain = EXPLAINED[slackCode];
    return new BotError(
      `SLACK_${slackCode.toUpperCase()}`,
      explain ? explain(method) : `Slack refused ${method} (${slackCode}).`,
      { method, slackCode },
      { cause: error },
    );
  }
  if (e?.code === webApi.ErrorCode.HTTPError) {
    return new BotError(
      'SLACK_HTTP_ERROR',
      `Slack answered ${method} with HTTP ${e.statusCode}.`,
      { method },
      { cause: error },
    );
  }
  return new BotError(
    'SLACK_UNREACHABLE',
    `The bot could not reach Slack (${method}): ${error instanceof Error ? error.message : String(error)}`,
    { method },
    { cause: error },
  );
}
