/**
 * Drives the real bot the way Slack does, over HTTP: signed slash commands and interaction payloads POSTed to
 * `/slack/events` as given users, built from what the app last showed (the modal or message as the fake Slack
 * Web API stored it), with the inputs a person would have filled in. Every request's status and wall time is
 * recorded, so tests can hold each ack to Slack's deadline; every modal and message the app sent can be
 * validated at the end (`assertEverythingValid`).
 */
import { assertValidMessage, assertValidModal } from '../../../src/bot/slack/block-kit-validator';
import type { FakeSlackApi, FakeSlackMessage } from '../../fakes/slack-api';
import { interactionBody, postSigned, type SignedResponse, slashCommandBody } from '../../fakes/slack-signer';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as it travels on the wire
export type Json = any;

export interface SlackUser {
  id: string;
  name: string;
  tz?: string;
}

export const TEAM_ID = 'T0DEMO';
export const CHANNEL = 'C0ONCALL';
export const SECRET = 'slack-test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';
export const BOT_USER_ID = 'U0BOT';
export const BOT_ID = 'B0BOT';

/** config/demo.yaml slack section: anyone may ask in C0ONCALL; U0APPROVER and members of S0DBAS approve. */
export const USERS = {
  alice: { id: 'U0ALICE', name: 'Alice Requester', tz: 'Europe/Berlin' },
  approver: { id: 'U0APPROVER', name: 'Ada Approver', tz: 'UTC' },
  dba: { id: 'U0DBA', name: 'Dan Dba', tz: 'America/New_York' },
  stranger: { id: 'U0STRANGER', name: 'Sam Stranger' },
} satisfies Record<string, SlackUser>;
export const DBA_GROUP = 'S0DBAS';

export interface Exchange {
  kind: string;
  status: number;
  ms: number;
  body: string;
}

let actionSeq = 0;

export class SlackDriver {
  readonly exchanges: Exchange[] = [];

  constructor(
    private readonly options: {
      eventsUrl: string;
      fake: FakeSlackApi;
      /** Waits until the app's work after its acks is done. */
      idle: () => Promise<void>;
      teamId?: string;
    },
  ) {}

  get fake(): FakeSlackApi {
    return this.options.fake;
  }

  get teamId(): string {
    return this.options.teamId ?? TEAM_ID;
  }

  // ---- requests ------------------------------------------------------------------------------------------

  async send(
    kind: string,
    body: string,
    extra: { retryNum?: number; timestamp?: number } = {},
  ): Promise<SignedResponse> {
    const response = await postSigned(this.options.eventsUrl, body, {
      secret: SECRET,
      ...(extra.retryNum !== undefined ? { retryNum: extra.retryNum, retryReason: 'http_timeout' } : {}),
      ...(extra.timestamp !== undefined ? { timestamp: extra.timestamp } : {}),
    });
    this.exchanges.push({ kind, status: response.status, ms: response.ms, body: response.body });
    return response;
  }

  /** `/restore <text>`; resolves once the app's work is done. The trigger id is one the fake knows (3 s TTL). */
  async command(
    user: SlackUser,
    text: string,
    options: { channel?: string; triggerId?: string; retryNum?: number } = {},
  ): Promise<{ response: SignedResponse; triggerId: string; body: string }> {
    const triggerId = options.triggerId ?? this.fake.triggerId();
    const body = slashCommandBody({
      command: '/restore',
      text,
      team_id: this.teamId,
      channel_id: options.channel ?? CHANNEL,
      channel_name: 'oncall',
      user_id: user.id,
      user_name: user.name.split(' ')[0]!.toLowerCase(),
      trigger_id: triggerId,
      response_url: this.fake.responseUrl(),
    });
    const response = await this.send(
      'command',
      body,
      options.retryNum !== undefined ? { retryNum: options.retryNum } : {},
    );
    await this.options.idle();
    return { response, triggerId, body };
  }

  // ---- modals --------------------------------------------------------------------------------------------

  /** The modal opened by the last views.open (the current content of that view). */
  lastModalId(): string {
    const opened = this.fake.callsTo('views.open').filter((c) => c.status === 200 && c.answer?.ok);
    const last = opened[opened.length - 1];
    if (!last) throw new Error(`no modal was opened; calls: ${this.fake.describe()}`);
    return last.answer!.view.id;
  }

  modal(viewId: string): Json {
    const view = this.fake.view(viewId);
    if (!view) throw new Error(`no view ${viewId}`);
    return view.view;
  }

  /** The modal's header texts, in order (a merged modal has one per view). */
  headers(viewId: string): string[] {
    return headersOf(this.modal(viewId).blocks);
  }

  text(viewId: string): string {
    return visibleText(this.modal(viewId).blocks);
  }

  /** Picks `label` (a prefix of the option text) in the modal's pick list `inputId`; one click answers. */
  async pick(
    user: SlackUser,
    viewId: string,
    inputId: string,
    option: { label?: string; value?: string },
  ): Promise<SignedResponse> {
    const modal = this.modal(viewId);
    const block = inputBlock(modal.blocks, 'c', inputId);
    const selected =
      option.value !== undefined
        ? { text: { type: 'plain_text', text: option.value }, value: option.value }
        : findOption(block.element.options ?? [], option.label ?? '');
    const payload = this.viewPayload('block_actions', user, viewId, { [inputId]: selected });
    payload.actions = [
      {
        type: block.element.type,
        action_id: block.element.action_id,
        block_id: block.block_id,
        selected_option: selected,
        action_ts: nextActionTs(),
      },
    ];
    const response = await this.send('block_actions', interactionBody(payload));
    await this.options.idle();
    return response;
  }

  /** Clicks the button labelled `label` in a modal, with `inputs` typed into its text inputs. */
  async clickInModal(user: SlackUser, viewId: string, label: string, inputs: Record<string, string> = {}) {
    const modal = this.modal(viewId);
    const button = findButton(modal.blocks, label);
    const payload = this.viewPayload('block_actions', user, viewId, inputs);
    payload.actions = [
      {
        type: 'button',
        action_id: button.action_id,
        value: button.value,
        text: button.text,
        action_ts: nextActionTs(),
      },
    ];
    const response = await this.send('block_actions', interactionBody(payload));
    await this.options.idle();
    return response;
  }

  /** Presses the modal's submit button with `inputs` (input id → typed text or chosen option value). */
  async submit(
    user: SlackUser,
    viewId: string,
    inputs: Record<string, string | { value: string; text?: string }> = {},
  ) {
    const payload = this.viewPayload('view_submission', user, viewId, inputs);
    const response = await this.send('view_submission', interactionBody(payload));
    await this.options.idle();
    return response;
  }

  /** Slack asks for the options of the modal's searchable list `inputId` as the person types `query`. */
  async loadOptions(
    user: SlackUser,
    viewId: string,
    inputId: string,
    query: string,
  ): Promise<{ response: SignedResponse; options: Json[] }> {
    const modal = this.modal(viewId);
    const block = inputBlock(modal.blocks, 'c', inputId);
    const payload = this.viewPayload('block_suggestion', user, viewId, {});
    payload.action_id = block.element.action_id;
    payload.block_id = block.block_id;
    payload.value = query;
    const response = await this.send('block_suggestion', interactionBody(payload));
    const options = response.status === 200 && response.body ? JSON.parse(response.body).options : [];
    return { response, options };
  }

  private viewPayload(type: string, user: SlackUser, viewId: string, inputs: Record<string, unknown>): Json {
    const stored = this.fake.view(viewId)!;
    const modal = stored.view;
    return {
      type,
      team: { id: this.teamId, domain: 'demo' },
      user: { id: user.id, username: user.name.split(' ')[0]!.toLowerCase(), name: user.name, team_id: this.teamId },
      api_app_id: 'A0RESTORE',
      token: 'legacy-verification-token',
      trigger_id: this.fake.triggerId(viewId),
      container: { type: 'view', view_id: viewId },
      view: {
        id: viewId,
        hash: stored.hash,
        type: 'modal',
        callback_id: modal.callback_id,
        private_metadata: modal.private_metadata ?? '',
        blocks: modal.blocks,
        state: { values: stateValues(modal.blocks, inputs) },
        root_view_id: stored.rootId,
        app_id: 'A0RESTORE',
        team_id: this.teamId,
      },
    };
  }

  // ---- messages ------------------------------------------------------------------------------------------

  /** Clicks a button of a channel message as `user`; `retryNum` redelivers the same payload. */
  async clickMessage(
    user: SlackUser,
    message: FakeSlackMessage,
    label: string,
    options: { retryNum?: number; payload?: Json } = {},
  ): Promise<{ response: SignedResponse; payload: Json }> {
    const payload = options.payload ?? this.messagePayload(user, message, label);
    const response = await this.send(
      'block_actions',
      interactionBody(payload),
      options.retryNum !== undefined ? { retryNum: options.retryNum } : {},
    );
    await this.options.idle();
    return { response, payload };
  }

  messagePayload(user: SlackUser, message: FakeSlackMessage, label: string): Json {
    const button = findButton(message.blocks as Json[], label);
    return {
      type: 'block_actions',
      team: { id: this.teamId, domain: 'demo' },
      user: { id: user.id, username: user.name.split(' ')[0]!.toLowerCase(), name: user.name, team_id: this.teamId },
      api_app_id: 'A0RESTORE',
      token: 'legacy-verification-token',
      trigger_id: this.fake.triggerId(),
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      channel: { id: message.channel, name: 'oncall' },
      message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks, user: BOT_USER_ID },
      response_url: this.fake.responseUrl(),
      state: { values: {} },
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          value: button.value,
          text: button.text,
          action_ts: nextActionTs(),
        },
      ],
    };
  }

  /** Picks `label` in the pick list `inputId` of an ephemeral message (the wizard's fallback without a modal). */
  async pickInMessage(user: SlackUser, message: { channel: string; blocks: Json[] }, inputId: string, label: string) {
    const block = inputBlock(message.blocks, 'c', inputId);
    const selected = findOption(block.element.options ?? [], label);
    const payload = {
      type: 'block_actions',
      team: { id: this.teamId, domain: 'demo' },
      user: { id: user.id, username: user.name.split(' ')[0]!.toLowerCase(), name: user.name, team_id: this.teamId },
      api_app_id: 'A0RESTORE',
      trigger_id: this.fake.triggerId(),
      container: { type: 'message', message_ts: '1732450000.999999', channel_id: message.channel, is_ephemeral: true },
      channel: { id: message.channel, name: 'oncall' },
      response_url: this.fake.responseUrl(),
      state: { values: {} },
      actions: [
        {
          type: block.element.type,
          action_id: block.element.action_id,
          block_id: block.block_id,
          selected_option: selected,
          action_ts: nextActionTs(),
        },
      ],
    };
    const response = await this.send('block_actions', interactionBody(payload));
    await this.options.idle();
    return response;
  }

  /** The approval request message the bot posted (the newest top-level message in `channel`). */
  approvalMessage(channel = CHANNEL): FakeSlackMessage {
    const top = this.fake.messages.filter((m) => m.channel === channel && !m.thread_ts);
    const last = top[top.length - 1];
    if (!last) throw new Error(`no message in ${channel}; calls: ${this.fake.describe()}`);
    return this.fake.message(channel, last.ts)!;
  }

  /** Ephemeral messages to `user` since call index `since`: their text. */
  ephemeralsTo(user: SlackUser, since = 0): string[] {
    return this.fake.calls
      .slice(since)
      .filter((c) => c.method === 'chat.postEphemeral' && c.args.user === user.id && c.status === 200 && c.answer?.ok)
      .map((c) => [c.args.text, visibleText(c.args.blocks ?? [])].filter(Boolean).join('\n'));
  }

  /** Every modal and message the app sent (views.open/update, postMessage, postEphemeral, update), validated. */
  assertEverythingValid(): number {
    let checked = 0;
    for (const call of this.fake.calls) {
      if (call.method === 'views.open' || call.method === 'views.update') {
        assertValidModal(call.args.view);
        checked++;
      } else if (['chat.postMessage', 'chat.postEphemeral', 'chat.update'].includes(call.method)) {
        assertValidMessage({ text: call.args.text, blocks: call.args.blocks });
        checked++;
      }
    }
    for (const exchange of this.exchanges) {
      if (exchange.body.startsWith('{') && exchange.body.includes('"response_action":"update"')) {
        assertValidModal(JSON.parse(exchange.body).view);
        checked++;
      }
    }
    return checked;
  }
}

// ---- reading Block Kit -----------------------------------------------------------------------------------

export function headersOf(blocks: Json[]): string[] {
  return blocks.filter((b) => b.type === 'header').map((b) => b.text.text);
}

/** Every text a person sees in blocks, one line per piece (mrkdwn entities decoded). */
export function visibleText(blocks: Json[]): string {
  const lines: string[] = [];
  const add = (t?: Json) => {
    if (t && typeof t.text === 'string')
      lines.push(t.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  };
  for (const block of blocks ?? []) {
    add(block.text);
    for (const field of block.fields ?? []) add(field);
    for (const element of block.elements ?? []) {
      add(element.type === 'button' ? element.text : element);
    }
    if (block.label) add(block.label);
  }
  return lines.join('\n');
}

export function buttonsOf(blocks: Json[]): Json[] {
  return (blocks ?? []).flatMap((b: Json) =>
    b.type === 'actions' ? b.elements.filter((e: Json) => e.type === 'button') : [],
  );
}

export function buttonLabels(blocks: Json[]): string[] {
  return buttonsOf(blocks).map((b) => b.text.text);
}

/** A fact's value from section fields (`*Label*\nvalue`). */
export function factOf(blocks: Json[], label: string): string | undefined {
  for (const block of blocks ?? []) {
    for (const field of block.fields ?? []) {
      const [head, ...rest] = String(field.text).split('\n');
      if (head === `*${label}*`)
        return rest.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    }
  }
  return undefined;
}

function findButton(blocks: Json[], label: string): Json {
  const button = buttonsOf(blocks).find((b) => b.text.text === label);
  if (!button) throw new Error(`no button "${label}"; buttons: ${JSON.stringify(buttonLabels(blocks))}`);
  return button;
}

function inputBlock(blocks: Json[], kind: string, inputId: string): Json {
  const block = blocks.find(
    (b: Json) =>
      (b.type === 'input' || b.type === 'actions') &&
      [b.element, ...(b.elements ?? [])].some((e: Json) => e?.action_id?.startsWith(`${kind}:${inputId}:`)),
  );
  if (!block) throw new Error(`no ${kind}:${inputId} element in ${JSON.stringify(blocks.map((b: Json) => b.type))}`);
  if (block.type === 'actions')
    return { ...block, element: block.elements.find((e: Json) => e.action_id.startsWith(`${kind}:${inputId}:`)) };
  return block;
}

function findOption(options: Json[], label: string): Json {
  const found = options.find((o) => o.text.text.startsWith(label));
  if (!found) throw new Error(`no option "${label}" in ${JSON.stringify(options.map((o) => o.text.text))}`);
  return found;
}

/** `view.state.values` as Slack builds it from what the person entered, by input id. */
function stateValues(blocks: Json[], inputs: Record<string, unknown>): Json {
  const values: Json = {};
  for (const block of blocks ?? []) {
    if (block.type !== 'input') continue;
    const element = block.element;
    const id = String(element.action_id).split(':')[1]!;
    const given = inputs[id];
    const state: Json = { type: element.type };
    if (element.type === 'plain_text_input') state.value = typeof given === 'string' ? given : null;
    else if (given === undefined) state.selected_option = null;
    else if (typeof given === 'string')
      state.selected_option = { text: { type: 'plain_text', text: given }, value: given };
    else state.selected_option = given;
    values[block.block_id] = { [element.action_id]: state };
  }
  return values;
}

function nextActionTs(): string {
  actionSeq += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(actionSeq).padStart(6, '0')}`;
}
