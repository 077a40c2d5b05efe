/**
 * The Slack turn, between Bolt and the conversation. Every listener acks first (an empty 200, or the modal's
 * validation errors computed from the payload alone), then does its work in the background: store, Azure and
 * Slack calls never stand between a request and its ack.
 *
 * - `/restore …`: a loading modal opens at once (a trigger_id lives 3 s), then the conversation's turn runs;
 *   what it says fills that modal. The modal is the requester's private place: the wizard moves into it
 *   (`openPrivateChat`), and later clicks and submits from it are turns in `modal:<view id>`. When no modal can
 *   be opened, the turn answers with ephemeral messages in the channel.
 * - A pick list that searches as the person types asks the conversation for options (options load).
 * - Approve / Reject on an approval message: `onExecute`; a refusal is an ephemeral notice to the clicker, a
 *   decision updates the message for everyone; Reject first asks for the reason in a small modal.
 * - Redeliveries (`X-Slack-Retry-Num`) and repeated payloads are claimed once and otherwise ignored.
 */
import type { App } from '@slack/bolt';
import type { TurnContext } from 'botbuilder-core';
import type { Actor, ConversationApp, ExecuteClick, MessageRef, Place } from '../../dialogs/ports';
import type { View } from '../../dialogs/views';
import { asBotError, isBotError } from '../../errors';
import type { Logger } from '../../log';
import type { MetricsRegistry } from '../../metrics';
import type { SlackApi } from './api';
import type { BackgroundWork, KeyedQueue } from './background';
import { DELIVERY_TTL_MS, type DeliveryClaims } from './idempotency';
import type { SlackPeople } from './people';
import { commandScope, modalConversationId, type SlackPoster } from './poster';
import { ASK_CALLBACK, askModal, loadingModal, renderOptions, WIZARD_CALLBACK } from './render';
import {
  EphemeralSurface,
  isChannelError,
  ModalSurface,
  type SlackTurns,
  type Surface,
  type TurnInput,
} from './surfaces';
import { SLACK_TEXT } from './texts';
import {
  type ActionPayload,
  parseButtonValue,
  parseDispatchBlockId,
  parseElementId,
  parseMetadata,
  readInputs,
} from './wire';

/** An options load must be answered within Slack's 3 s; past this budget it answers with nothing. */
const SUGGEST_BUDGET_MS = 2_500;
/** At most this many options in one options-load answer (Slack's limit). */
const SUGGEST_LIMIT = 100;

export interface InteractionDeps {
  app: ConversationApp;
  api: SlackApi;
  people: SlackPeople;
  poster: SlackPoster;
  turns: SlackTurns;
  queue: KeyedQueue;
  claims: DeliveryClaims;
  background: BackgroundWork;
  botUserId: string;
  metrics: MetricsRegistry;
  logger: Logger;
}

type Respond = (message: Record<string, unknown>) => Promise<unknown>;

/** The parts of interaction payloads read here (Bolt's own types are unions too wide to be useful). */
interface Payload {
  type?: string;
  trigger_id?: string;
  user?: { id?: string; name?: string; username?: string; team_id?: string };
  team?: { id?: string } | null;
  channel?: { id?: string };
  container?: { type?: string; view_id?: string; message_ts?: string; channel_id?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string };
  view?: { id?: string; hash?: string; private_metadata?: string; state?: { values?: unknown }; callback_id?: string };
  state?: { values?: unknown };
  actions?: {
    action_id?: string;
    block_id?: string;
    value?: string;
    action_ts?: string;
    selected_option?: { value?: string };
    text?: { text?: string };
  }[];
  action_id?: string;
  value?: string;
}

export class SlackInteractions {
  private readonly acks;
  private readonly turnSeconds;
  private readonly requests;

  constructor(private readonly deps: InteractionDeps) {
    this.acks = deps.metrics.histogram('restore_bot_ack_seconds', 'Time from a channel request to its ack.');
    this.turnSeconds = deps.metrics.histogram(
      'restore_bot_turn_seconds',
      'Time to answer a channel request, by channel and kind.',
    );
    this.requests = deps.metrics.counter('restore_bot_requests_total', 'Requests handled, by channel and outcome.');
  }

  register(bolt: App): void {
    bolt.command(/.*/, async ({ command, ack, respond, context }) => {
      const started = performance.now();
      await ack();
      this.acked('command', started);
      this.deps.background.run('slash command', () =>
        this.onCommand(command as unknown as SlashCommand, respond as unknown as Respond, context.retryNum),
      );
    });

    bolt.action(/.*/, async ({ body, ack, respond, context }) => {
      const started = performance.now();
      await ack();
      this.acked('block_actions', started);
      this.deps.background.run('block action', () =>
        this.onBlockAction(body as unknown as Payload, respond as unknown as Respond, context.retryNum),
      );
    });

    bolt.view(WIZARD_CALLBACK, async ({ body, ack }) => {
      const started = performance.now();
      const payload = body as unknown as Payload;
      const answer = this.readSubmission(payload);
      if ('errors' in answer) {
        await ack({ response_action: 'errors', errors: answer.errors });
        this.acked('view_submission', started, 'invalid');
        return;
      }
      await ack({ response_action: 'update', view: loadingModal(SLACK_TEXT.working) });
      this.acked('view_submission', started);
      this.deps.background.run('modal submit', () => this.onWizardSubmit(payload, answer.value));
    });

    bolt.view(ASK_CALLBACK, async ({ body, ack }) => {
      const started = performance.now();
      const payload = body as unknown as Payload;
      const answer = this.readSubmission(payload);
      if ('errors' in answer) {
        await ack({ response_action: 'errors', errors: answer.errors });
        this.acked('view_submission', started, 'invalid');
        return;
      }
      await ack();
      this.acked('view_submission', started);
      this.deps.background.run('asked inputs', () => this.onAskSubmit(payload, answer.inputs));
    });

    bolt.options(/.*/, async ({ body, ack }) => {
      const started = performance.now();
      const options = await this.suggest(body as unknown as Payload);
      await ack({ options: renderOptions(options) });
      this.acked('block_suggestion', started);
    });

    bolt.error(async (error) => {
      this.deps.logger.error('Slack request failed inside Bolt', { error: asBotError(error) });
    });
  }

  private acked(kind: string, started: number, outcome = 'ok'): void {
    this.acks.observe({ channel: 'slack', kind }, (performance.now() - started) / 1_000);
    this.requests.inc({ channel: 'slack', outcome });
  }

  // ---- slash command -------------------------------------------------------------------------------------

  private async onCommand(command: SlashCommand, respond: Respond, retryNum?: number): Promise<void> {
    if (!(await this.firstDelivery(`command:${command.team_id}:${command.trigger_id}`, retryNum))) return;
    let modal: { viewId: string } | undefined;
    try {
      modal = { viewId: (await this.deps.api.openView(command.trigger_id, loadingModal())).id };
    } catch (error) {
      this.deps.logger.warn(
        'could not open a modal for the command; answering with ephemeral messages in the channel',
        {
          code: asBotError(error).code,
          channel: command.channel_id,
        },
      );
    }
    const actor = await this.deps.people.actor({
      id: command.user_id,
      name: command.user_name,
      teamId: command.team_id,
    });
    const direct = command.channel_id.startsWith('D') || command.channel_name === 'directmessage';
    const place: Place = direct
      ? { conversationId: command.channel_id, personal: true }
      : { conversationId: command.channel_id, channelId: command.channel_id };
    const askedIn = direct ? undefined : command.channel_id;
    const scope = {
      userId: actor.userId,
      userName: actor.displayName,
      ...(modal ? { modal } : {}),
      ...(askedIn ? { askedIn } : {}),
      handedOver: false,
    };
    const surface: Surface = modal
      ? new ModalSurface(this.deps.api, modal.viewId, this.deps.logger, {
          handedOver: () => scope.handedOver,
          ...(askedIn ? { askedIn } : {}),
        })
      : this.ephemeral(command.channel_id, actor.userId, undefined, respond);
    const text = `restore ${command.text ?? ''}`.trim();
    // Not queued on the modal: the wizard's own turn in it (continueIn) queues there while this one runs.
    await commandScope.run(scope, () =>
      this.turn(surface, { conversationId: command.channel_id, user: nameOf(actor), text }, (context) =>
        this.deps.app.onTurn(context, actor, place),
      ),
    );
  }

  // ---- clicks --------------------------------------------------------------------------------------------

  private async onBlockAction(body: Payload, respond: Respond, retryNum?: number): Promise<void> {
    const action = body.actions?.[0];
    const parsed = action?.action_id ? parseElementId(action.action_id) : undefined;
    const userId = body.user?.id;
    if (!action || !parsed || !userId) {
      this.deps.logger.debug('ignoring a block action the app did not render', { actionId: action?.action_id });
      return;
    }
    const where = body.view?.id ?? body.container?.message_ts ?? body.message?.ts ?? '';
    if (!(await this.firstDelivery(`action:${where}:${action.action_ts ?? ''}:${action.action_id}`, retryNum))) return;

    if (parsed.kind === 'x') return this.onExecuteClick(body, action, respond);

    const answer = answerOf(parsed, action);
    if (!answer) {
      this.deps.logger.warn('a block action carried a value the app cannot read; ignoring it', {
        actionId: action.action_id,
      });
      return;
    }
    const values = body.view?.state?.values ?? body.state?.values;
    const value = { ...readInputs(values).inputs, ...answer };
    const actor = await this.actorOf(body);
    if (body.container?.type === 'view' && body.view?.id) {
      return this.modalTurn(body.view.id, actor, value, parseMetadata(body.view.private_metadata).askedIn);
    }
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return;
    const threadTs = body.container?.thread_ts ?? body.message?.thread_ts;
    const surface = this.ephemeral(channel, actor.userId, threadTs, respond);
    const place: Place = { conversationId: channel, channelId: channel };
    await this.deps.queue.run(surface.key, () =>
      this.turn(surface, { conversationId: channel, user: nameOf(actor), value }, (context) =>
        this.deps.app.onTurn(context, actor, place),
      ),
    );
  }

  /**
   * A turn in a modal: private to the person (`personal`), and asked in the channel whose command opened the
   * modal (`channelId`), so that what is requested from it is approved there.
   */
  private modalTurn(viewId: string, actor: Actor, value: Record<string, string>, askedIn?: string): Promise<void> {
    const surface = new ModalSurface(this.deps.api, viewId, this.deps.logger, askedIn ? { askedIn } : {});
    const conversationId = modalConversationId(viewId);
    const place: Place = { conversationId, personal: true, ...(askedIn ? { channelId: askedIn } : {}) };
    return this.deps.queue.run(surface.key, () =>
      this.turn(surface, { conversationId, user: nameOf(actor), value }, (context) =>
        this.deps.app.onTurn(context, actor, place),
      ),
    );
  }

  /** Approve / Reject: Reject (an action that needs inputs) asks for them in a small modal first. */
  private async onExecuteClick(body: Payload, action: NonNullable<Payload['actions']>[number], respond: Respond) {
    const button = parseButtonValue(action.value);
    const message = messageRefOf(body);
    if (!button || !message) {
      this.deps.logger.warn('an approval button without a readable value or message; ignoring it', {
        actionId: action.action_id,
      });
      return;
    }
    if (button.ask.length) {
      const label = action.text?.text ?? button.payload.action;
      const execute = {
        payload: button.payload,
        channel: message.conversationId,
        ts: message.messageId,
        ...(message.threadId ? { threadTs: message.threadId } : {}),
      };
      try {
        await this.deps.api.openView(
          body.trigger_id ?? '',
          askModal(label, button.ask, execute, button.payload.requestId),
        );
      } catch (error) {
        const code = asBotError(error).code;
        this.deps.logger.warn('could not open the modal asking for inputs', { code, action: button.payload.action });
        await this.tell(body.user?.id ?? '', message, SLACK_TEXT.turnFailed(code), respond);
      }
      return;
    }
    await this.execute(await this.actorOf(body), message, button.payload, {}, respond);
  }

  private async onAskSubmit(body: Payload, inputs: Record<string, string>): Promise<void> {
    const execute = parseMetadata(body.view?.private_metadata).execute;
    if (!execute) return;
    if (!(await this.firstDelivery(`submit:${body.view?.id}:${body.view?.hash}`))) return;
    const message: MessageRef = {
      channel: 'slack',
      conversationId: execute.channel,
      messageId: execute.ts,
      threadId: execute.threadTs ?? execute.ts,
    };
    await this.execute(await this.actorOf(body), message, execute.payload, inputs);
  }

  private async execute(
    actor: Actor,
    message: MessageRef,
    payload: ActionPayload,
    inputs: Record<string, string>,
    respond?: Respond,
  ): Promise<void> {
    const { action, ...data } = payload;
    const click: ExecuteClick = {
      actor,
      place: { conversationId: message.conversationId, channelId: message.conversationId },
      actionId: action,
      data,
      inputs,
      message,
    };
    const result = await this.deps.app.onExecute(click);
    if (result.notice) {
      // A refusal (or "1 of 2 approvals"): only the clicker hears it; the message is as it stands.
      await this.tell(actor.userId, message, result.notice, respond);
    } else {
      try {
        await this.deps.poster.update(message, result.view);
      } catch (error) {
        this.deps.logger.warn('could not update the approval message after a click', {
          code: asBotError(error).code,
          channel: message.conversationId,
        });
      }
    }
    await result.afterResponse?.();
  }

  /** An ephemeral notice to one person next to a message; the response_url when the channel refuses. */
  private async tell(user: string, message: MessageRef, text: string, respond?: Respond): Promise<void> {
    try {
      await this.deps.api.postEphemeral({
        channel: message.conversationId,
        user,
        text,
        ...(message.threadId && message.threadId !== message.messageId ? { threadTs: message.threadId } : {}),
      });
    } catch (error) {
      const code = asBotError(error).code;
      this.deps.logger.warn('could not post an ephemeral notice', { code, channel: message.conversationId });
      if (respond && isChannelError(error)) {
        await respond({ response_type: 'ephemeral', replace_original: false, text }).catch((e: unknown) =>
          this.deps.logger.warn('could not answer through the response_url either', { error: e }),
        );
      }
    }
  }

  // ---- modal submits -------------------------------------------------------------------------------------

  /** The submit's answer, or the errors to ack with: required inputs come from the modal's own metadata. */
  private readSubmission(
    body: Payload,
  ): { value: Record<string, string>; inputs: Record<string, string> } | { errors: Record<string, string> } {
    const metadata = parseMetadata(body.view?.private_metadata);
    const { inputs } = readInputs(body.view?.state?.values);
    const errors: Record<string, string> = {};
    for (const [id, blockId] of Object.entries(metadata.required ?? {})) {
      if (inputs[id] === undefined) errors[blockId] = SLACK_TEXT.required;
    }
    if (Object.keys(errors).length) return { errors };
    return { value: { ...inputs, ...(metadata.submit ?? {}) }, inputs };
  }

  private async onWizardSubmit(body: Payload, value: Record<string, string>): Promise<void> {
    const viewId = body.view?.id;
    if (!viewId || !value.action) return;
    if (!(await this.firstDelivery(`submit:${viewId}:${body.view?.hash}`))) return;
    await this.modalTurn(viewId, await this.actorOf(body), value, parseMetadata(body.view?.private_metadata).askedIn);
  }

  // ---- options load --------------------------------------------------------------------------------------

  private async suggest(body: Payload) {
    const parsed = body.action_id ? parseElementId(body.action_id) : undefined;
    const userId = body.user?.id;
    const suggestFn = this.deps.app.onSuggest?.bind(this.deps.app);
    if (parsed?.kind !== 'c' || !userId || !suggestFn) return [];
    const viewId = body.view?.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const conversationId = viewId ? modalConversationId(viewId) : channel;
    if (!conversationId) return [];
    const place: Place = viewId ? { conversationId, personal: true } : { conversationId, channelId: conversationId };
    const key = viewId ? `modal:${viewId}` : `ephemeral:${channel}:${userId}`;
    const work = (async () => {
      const actor = await this.actorOf(body);
      return this.deps.queue.run(key, async () => {
        const context = this.deps.turns.context(new SilentSurface(this.deps.logger), {
          conversationId,
          user: nameOf(actor),
          botUserId: this.deps.botUserId,
        });
        return suggestFn(context, actor, place, { input: parsed.id, query: body.value ?? '', limit: SUGGEST_LIMIT });
      });
    })();
    const outcome = await withDeadline(work, SUGGEST_BUDGET_MS).catch((error: unknown) => {
      this.deps.logger.warn('could not load options for a search list', { code: asBotError(error).code });
      return [];
    });
    if (outcome === TIMED_OUT) {
      this.deps.logger.warn("options were not ready within Slack's time limit; answered with none", {
        budgetMs: SUGGEST_BUDGET_MS,
      });
      return [];
    }
    return outcome;
  }

  // ---- shared --------------------------------------------------------------------------------------------

  /**
   * Runs one conversation turn on a surface and shows what it said. A failure inside the turn is shown there
   * as an error view with its code (the details go to the log); a surface that cannot be reached is logged.
   */
  private async turn(
    surface: Surface,
    input: Omit<TurnInput, 'botUserId'>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const context = this.deps.turns.context(surface, { ...input, botUserId: this.deps.botUserId });
    const stop = this.turnSeconds.startTimer({ channel: 'slack', kind: input.value ? 'answer' : 'command' });
    try {
      await logic(context);
    } catch (error) {
      const botError = asBotError(error);
      this.deps.logger.error('slack turn failed', { code: botError.code, error: botError, cause: botError.cause });
      surface.add(turnFailedView(error));
    }
    try {
      await surface.flush();
    } catch (error) {
      this.deps.logger.warn('could not show the answer to a Slack turn', {
        code: asBotError(error).code,
        surface: surface.key,
      });
    }
    stop();
  }

  private ephemeral(channel: string, user: string, threadTs: string | undefined, respond?: Respond): EphemeralSurface {
    return new EphemeralSurface(
      this.deps.api,
      { channel, user, ...(threadTs ? { threadTs } : {}) },
      this.deps.logger,
      respond
        ? async (message) => {
            await respond({ response_type: 'ephemeral', replace_original: false, ...message });
          }
        : undefined,
    );
  }

  private actorOf(body: Payload): Promise<Actor> {
    const user = body.user ?? {};
    return this.deps.people.actor({
      id: user.id ?? '',
      name: user.name ?? user.username ?? '',
      teamId: body.team?.id ?? user.team_id ?? '',
    });
  }

  /** False (and a log line) when this delivery or payload was handled already. */
  private async firstDelivery(key: string, retryNum?: number): Promise<boolean> {
    if (await this.deps.claims.claim(`slack:${key}`, DELIVERY_TTL_MS)) return true;
    this.deps.logger.info('Slack delivered a request that was handled already; ignoring it', { key, retryNum });
    this.requests.inc({ channel: 'slack', outcome: 'duplicate' });
    return false;
  }
}

interface SlashCommand {
  command: string;
  text?: string;
  team_id: string;
  channel_id: string;
  channel_name?: string;
  user_id: string;
  user_name?: string;
  trigger_id: string;
}

/** A surface for turns that must not say anything (options loads): anything sent is logged and dropped. */
class SilentSurface implements Surface {
  readonly key = 'silent';
  constructor(private readonly logger: Logger) {}
  add(view: View): void {
    this.logger.debug('an options load tried to send a view; dropped', { title: view.title });
  }
  async flush(): Promise<void> {}
}

function nameOf(actor: Actor): { id: string; name: string } {
  return { id: actor.userId, name: actor.displayName };
}

/** What a click or a pick answers with: `{ action, ...data }` plus the picked or typed value. */
function answerOf(
  parsed: { kind: string; id: string },
  action: NonNullable<Payload['actions']>[number],
): Record<string, string> | undefined {
  if (parsed.kind === 's') return parseButtonValue(action.value)?.payload;
  const dispatch = parseDispatchBlockId(action.block_id);
  if (!dispatch) return undefined;
  const picked = parsed.kind === 'c' ? action.selected_option?.value : action.value;
  return { ...dispatch, ...(picked ? { [parsed.id]: picked } : {}) };
}

function messageRefOf(body: Payload): MessageRef | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (!channel || !ts) return undefined;
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts ?? ts;
  return { channel: 'slack', conversationId: channel, messageId: ts, threadId: threadTs };
}

function turnFailedView(error: unknown): View {
  const botError = asBotError(error);
  // A BotError's message is written for people; anything else could contain internals, so only its code shows.
  const message = isBotError(error) ? error.message : SLACK_TEXT.turnFailed(botError.code);
  return { kind: 'error', title: SLACK_TEXT.turnFailedTitle, error: { code: botError.code, message } };
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
