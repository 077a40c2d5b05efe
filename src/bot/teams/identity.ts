/**
 * Who said it and where, read from a Teams activity. Only fields Teams authenticates (inside the signed
 * activity) are used; display names are for showing, never for deciding.
 */
import { type Activity, TurnContext } from 'botbuilder-core';
import type { Actor, Place } from '../../dialogs/ports';

export function actorFrom(activity: Partial<Activity>): Actor {
  const from = activity.from ?? { id: '', name: '' };
  const actor: Actor = {
    channel: 'teams',
    userId: from.aadObjectId || from.id,
    displayName: from.name || from.id,
    tenantOrTeamId: tenantOf(activity) ?? '',
  };
  const timeZone = timeZoneOf(activity);
  if (timeZone) actor.timeZone = timeZone;
  return actor;
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  const data = activity.channelData as { tenant?: { id?: string } } | undefined;
  return data?.tenant?.id || activity.conversation?.tenantId || undefined;
}

/** Teams channel id (19:…) when the activity comes from a channel, else undefined. */
export function teamsChannelIdOf(activity: Partial<Activity>): string | undefined {
  const data = activity.channelData as { channel?: { id?: string } } | undefined;
  return data?.channel?.id || undefined;
}

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export function conversationKindOf(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel' || (!type && teamsChannelIdOf(activity))) return 'channel';
  if (type === 'groupChat' || (!type && activity.conversation?.isGroup)) return 'groupChat';
  return 'personal';
}

export function placeFrom(activity: Partial<Activity>): Place {
  const kind = conversationKindOf(activity);
  const place: Place = { conversationId: activity.conversation?.id ?? '' };
  const channelId = teamsChannelIdOf(activity);
  if (kind === 'channel' && channelId) place.channelId = channelId;
  if (kind === 'personal') place.personal = true;
  return place;
}

/** The part of a Teams conversation id before `;messageid=`: the channel or chat itself. */
export function baseConversationId(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

/** The thread (root message id) encoded in a channel conversation id, if any. */
export function threadIdOf(conversationId: string): string | undefined {
  const match = /;messageid=([^;]+)/.exec(conversationId);
  return match?.[1];
}

/**
 * Removes the bot's @mention and one leading slash, so `@Restore Bot /restore jobs`, `/restore jobs` and
 * `restore jobs` read the same. Changes `activity.text` in place: the dialogs read the cleaned text.
 */
export function cleanCommandText(activity: Partial<Activity>): string {
  let text = activity.text ?? '';
  if (activity.recipient?.id && activity.entities?.some((e) => e.type === 'mention')) {
    text = TurnContext.removeRecipientMention(activity) ?? text;
  }
  text = text
    .replace(/&nbsp;/g, ' ')
    .trim()
    .replace(/^\/(?=\S)/, '');
  activity.text = text;
  return text;
}

/** IANA time zone from `localTimezone` or a `clientInfo` entity; ignored when Node does not know it. */
function timeZoneOf(activity: Partial<Activity>): string | undefined {
  const fromEntity = activity.entities?.find((e) => e.type === 'clientInfo') as { timezone?: unknown } | undefined;
  const candidates = [activity.localTimezone, fromEntity?.timezone];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate && isKnownTimeZone(candidate)) return candidate;
  }
  return undefined;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
