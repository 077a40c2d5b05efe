import { isBotError } from '../errors';

/**
 * Whether a failed post means "this conversation is gone for the bot" (deleted or archived channel, bot
 * removed, thread deleted) rather than "try again later" (timeouts, 5xx, throttling). Read from the error's
 * shape, since the notifier knows no channel SDK: botbuilder's RestError (`statusCode`, `code`), Slack Web
 * API errors (`data.error`), or a BotError from our own posters.
 */

/** Bot Framework / Teams error codes that mean the bot cannot reach the conversation any more. */
const TEAMS_GONE_CODES: ReadonlySet<string> = new Set([
  'ConversationNotFound',
  'BotNotInConversationRoster',
  'ConversationBlockedByUser',
  'BotDisabledByAdmin',
  'NotFound',
]);

/** Slack Web API `error` values that mean the channel or thread cannot be posted to again. */
const SLACK_GONE_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'thread_not_found',
  'account_inactive',
  'team_access_not_granted',
  'restricted_action',
]);

/**
 * Our posters' codes for a conversation that is gone. (TEAMS_UNKNOWN_CONVERSATION is not one: the bot may
 * simply not have heard from the tenant yet since its store was reset; like any failing post, it is given up
 * only after the unknown limit.)
 */
const BOT_GONE_CODES: ReadonlySet<string> = new Set([
  'CONVERSATION_GONE',
  'SLACK_CHANNEL_NOT_FOUND',
  'SLACK_CHANNEL_GONE',
]);

export function isConversationGone(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  if (isBotError(error) && BOT_GONE_CODES.has(error.code)) return true;
  const e = error as {
    statusCode?: unknown;
    status?: unknown;
    code?: unknown;
    data?: { error?: unknown };
    details?: { slackError?: unknown };
    cause?: unknown;
  };
  const slackError = e.data?.error ?? e.details?.slackError;
  if (typeof slackError === 'string' && SLACK_GONE_ERRORS.has(slackError)) return true;
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (status === 404) return true;
  if (status === 403 && code !== undefined && TEAMS_GONE_CODES.has(code)) return true;
  return isConversationGone(e.cause, depth + 1);
}

/** A short code for logs and the audit log. */
export function postErrorCode(error: unknown): string {
  if (isBotError(error)) return error.code;
  const e = error as { code?: unknown; statusCode?: unknown; data?: { error?: unknown } } | undefined;
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.statusCode === 'number') return `HTTP_${e.statusCode}`;
  return 'POST_FAILED';
}
