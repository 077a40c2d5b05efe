import type { Place as PolicyPlace, Requester } from '../restore';
import type { Clicker } from '../restore/service';
import type { Actor, Place } from './ports';

/** Who is acting and where, for one turn. */
export interface Who {
  actor: Actor;
  place: Place;
}

/** The policy's idea of a place: the Teams channel id when in a channel, else the conversation. */
export function policyPlace(place: Place): PolicyPlace {
  return { conversationId: place.channelId ?? place.conversationId, ...(place.personal ? { personal: true } : {}) };
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
