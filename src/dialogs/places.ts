import type { Place as PolicyPlace, Requester } from '../restore';
import type { Clicker } from '../restore/service';
import type { Actor, Place } from './ports';

/** Who is acting and where, for one turn. */
export interface Who {
  actor: Actor;
  place: Place;
}

/**
 * The policy's idea of a place: the channel id when in a channel, else the conversation. A private place that
 * belongs to a channel (a Slack modal opened by a slash command there) is that channel: what is asked in it is
 * approved in the channel, as a wizard that moved to a private chat is.
 */
export function policyPlace(place: Place): PolicyPlace {
  if (place.channelId) return { conversationId: place.channelId };
  return { conversationId: place.conversationId, ...(place.personal ? { personal: true } : {}) };
}

export function requesterOf(actor: Actor): Requester {
  return {
    channel: actor.channel,
    userId: actor.userId,
    displayName: actor.displayName,
    tenantOrTeamId: actor.tenantOrTeamId,
  };
}

export function clickerOf(actor: Actor): Clicker {
  return requesterOf(actor);
}
