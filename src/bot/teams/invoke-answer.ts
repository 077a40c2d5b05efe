/**
 * The body of an `adaptiveCard/action` invoke answer. Teams (and the Agents Playground) replace the clicked
 * card with a returned card for the clicker only; other people keep seeing the old card until the bot
 * updates the message for everyone (`updateActivity`).
 *
 * A notice (e.g. "You cannot approve your own request") is shown as a banner on top of the returned card,
 * not as an `application/vnd.microsoft.activity.message` answer: a card answer works the same in Teams and in
 * the playground, keeps the clicker's copy in step with the view (a click after expiry shows *Expired*), and
 * the banner is seen only by the clicker because invoke answers are private.
 */
import type { View } from '../../dialogs/views';
import type { AdaptiveCard, Container } from './card-types';
import { ADAPTIVE_CARD_CONTENT_TYPE, INVOKE_MESSAGE_CONTENT_TYPE, TEAMS_LIMITS } from './limits';
import { renderView } from './render';
import { cardText } from './text';

/** `{statusCode, type, value}`: what Teams expects as the HTTP body of the invoke answer. */
export interface InvokeAnswer {
  statusCode: number;
  type: string;
  value: unknown;
}

export function cardInvokeAnswer(view: View, notice?: string): InvokeAnswer {
  const card = renderView(view);
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: notice ? withNotice(card, notice) : card };
}

/** Plain text under the card, card unchanged (used when the answer cannot wait for the decision). */
export function messageInvokeAnswer(text: string): InvokeAnswer {
  return { statusCode: 200, type: INVOKE_MESSAGE_CONTENT_TYPE, value: text };
}

function withNotice(card: AdaptiveCard, notice: string): AdaptiveCard {
  const banner: Container = {
    type: 'Container',
    style: 'warning',
    items: [
      { type: 'TextBlock', text: cardText(notice, TEAMS_LIMITS.textBlockMaxChars), weight: 'bolder', wrap: true },
    ],
  };
  return { ...card, body: [banner, ...card.body] };
}
