/**
 * The conversation sends neutral views (attachments of type VIEW_CONTENT_TYPE); this middleware turns each
 * into an Adaptive Card attachment on the way out, for sends and updates alike, so `src/dialogs` never
 * builds a card and every card Teams receives went through the one renderer.
 */
import type { Activity, Attachment, Middleware, TurnContext } from 'botbuilder-core';
import { VIEW_CONTENT_TYPE, type View } from '../../dialogs/views';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './limits';
import { renderView } from './render';

export function cardAttachment(view: View): Attachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderView(view) };
}

/** A message activity carrying the rendered view (for the Poster and invoke answers). */
export function cardActivity(view: View): Partial<Activity> {
  return { type: 'message', attachments: [cardAttachment(view)] };
}

export function renderViewAttachments(activity: Partial<Activity>): void {
  if (!activity.attachments?.some((a) => a.contentType === VIEW_CONTENT_TYPE)) return;
  activity.attachments = activity.attachments.map((a) =>
    a.contentType === VIEW_CONTENT_TYPE ? cardAttachment(a.content as View) : a,
  );
}

export class ViewRenderingMiddleware implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (_ctx, activities, nextSend) => {
      for (const activity of activities) renderViewAttachments(activity);
      return nextSend();
    });
    context.onUpdateActivity(async (_ctx, activity, nextUpdate) => {
      renderViewAttachments(activity);
      return nextUpdate();
    });
    await next();
  }
}
