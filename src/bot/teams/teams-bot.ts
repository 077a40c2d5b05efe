/**
 * The Teams turn, between botbuilder and the conversation: who and where (Actor, Place), the command text
 * without @mention or slash, the conversation reference for later posts, then `app.onTurn` for messages and
 * submits, `app.onExecute` for `Action.Execute` clicks, answered within the invoke budget.
 */
import { ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder-core';
import type { ConversationApp, ExecuteClick, ExecuteResult, MessageRef } from '../../dialogs/ports';
import type { Logger } from '../../log';
import { type BackgroundTasks, runAfterResponse } from './after-response';
import type { ConversationRefRecorder } from './conversation-refs';
import { actorFrom, cleanCommandText, placeFrom, threadIdOf } from './identity';
import { cardInvokeAnswer, messageInvokeAnswer } from './invoke-answer';
import { TEAMS_LIMITS } from './limits';
import { TEAMS_TEXT } from './texts';

export interface TeamsBotOptions {
  app: ConversationApp;
  recorder: ConversationRefRecorder;
  background: BackgroundTasks;
  logger: Logger;
  /** How long a click may take before it is answered with "still working" (default TEAMS_LIMITS). */
  invokeDeadlineMs?: number;
  /** For a click whose result came after the deadline: puts the result on the card for everyone. */
  onLateResult?: (message: MessageRef | undefined, result: ExecuteResult) => Promise<void>;
}

export class TeamsBot extends ActivityHandler {
  constructor(private readonly options: TeamsBotOptions) {
    super();
    this.onTurn(async (context, next) => {
      await this.recordReference(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      // Submits (activity.value) keep their text empty; typed messages lose the @mention and the slash.
      cleanCommandText(context.activity);
      await options.app.onTurn(context, actorFrom(context.activity), placeFrom(context.activity));
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const click = executeClickFrom(context);
    if (!click) return { status: 200, body: messageInvokeAnswer(TEAMS_TEXT.notAnAction) };

    const started = Date.now();
    const pending = this.options.app.onExecute(click);
    const outcome = await withDeadline(pending, this.options.invokeDeadlineMs ?? TEAMS_LIMITS.invokeHardDeadlineMs);
    const elapsed = Date.now() - started;
    if (outcome === TIMED_OUT) {
      this.options.logger.warn('click not decided within the invoke deadline; answering "still working"', {
        verb: click.actionId,
        elapsedMs: elapsed,
      });
      this.options.background.run('late click result', async () => {
        const result = await pending;
        await this.options.onLateResult?.(click.message, result);
        await result.afterResponse?.();
      });
      return { status: 200, body: messageInvokeAnswer(TEAMS_TEXT.stillWorking) };
    }
    if (elapsed > TEAMS_LIMITS.invokeAnswerBudgetMs) {
      this.options.logger.warn('click answered over the invoke budget', { verb: click.actionId, elapsedMs: elapsed });
    }
    if (outcome.afterResponse) {
      runAfterResponse(context, this.options.background, `after ${click.actionId}`, outcome.afterResponse);
    }
    return { status: 200, body: cardInvokeAnswer(outcome.view, outcome.notice) };
  }

  private async recordReference(context: TurnContext): Promise<void> {
    try {
      await this.options.recorder.record(context.activity, actorFrom(context.activity).userId);
    } catch (error) {
      // A lost reference only costs a later proactive post its shortcut; the user's turn goes on.
      this.options.logger.warn('could not store the conversation reference', { error });
    }
  }
}

/** Reads an `Action.Execute` invoke; undefined when it is not one (no verb, wrong action type). */
export function executeClickFrom(context: TurnContext): ExecuteClick | undefined {
  const activity = context.activity;
  const action = (activity.value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined)
    ?.action;
  if (action?.type !== 'Action.Execute' || typeof action.verb !== 'string' || !action.verb) return undefined;
  const data = isRecord(action.data) ? action.data : {};
  // Teams merges the card's input values into the action data: every string value is offered as an input too.
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) if (typeof value === 'string') inputs[key] = value;
  const click: ExecuteClick = {
    actor: actorFrom(activity),
    place: placeFrom(activity),
    actionId: action.verb,
    data,
    inputs,
  };
  const conversationId = activity.conversation?.id;
  if (activity.replyToId && conversationId) {
    const threadId = threadIdOf(conversationId);
    click.message = {
      channel: 'teams',
      conversationId,
      messageId: activity.replyToId,
      ...(threadId ? { threadId } : {}),
    };
  }
  return click;
}

const TIMED_OUT = Symbol('timed out');

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
