/**
 * A loopback fake of the Slack Web API and of response_urls, for driving the real Bolt app and the real
 * `@slack/web-api` client offline. Point `clientOptions.slackApiUrl` at `fake.url` and put
 * `fake.responseUrl()` into request payloads.
 *
 * It keeps state like Slack does, so journeys can assert on what a person would see: messages (with threads
 * and metadata), modal views (ids, hashes, stacks), users with time zones, user groups and channels. It also
 * fails the way Slack fails, on demand (`ok:false` errors, 429 with Retry-After, slow answers) and by itself
 * (stale view hash, used-up or expired response_url, expired or reused trigger_id, a bot outside a channel,
 * and blocks that break Block Kit's limits: every message and view is run through the project's validator,
 * like Slack's `invalid_blocks`).
 *
 * Routes: `POST /api/<method>` (form or JSON body, as the SDK sends it) and `POST /response/<id>`.
 * The Authorization header is recorded for assertions; never print it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BlockKitProblem,
  formatProblems,
  validateMessage,
  validateModal,
} from '../../src/bot/slack/block-kit-validator';
import { BLOCK_KIT_LIMITS, SLACK_TIME_LIMITS } from '../../src/bot/slack/limits';

// biome-ignore lint/suspicious/noExplicitAny: wire JSON, read by assertions
type Json = Record<string, any>;

export interface SlackApiCall {
  /** Web API method (`chat.postMessage`), or `response_url` for a POST to a response_url. */
  method: string;
  /** The arguments, with `blocks`, `view`, `metadata` and `attachments` JSON strings decoded; `token` removed. */
  args: Json;
  /** `Bearer xoxb-…` as received (or built from a `token` argument). Never print it. */
  authorization?: string;
  contentType?: string;
  /** For `response_url` calls: the id of the response_url. */
  responseId?: string;
  /** When the call arrived (ms since epoch, from the fake's clock). */
  at: number;
  /** HTTP status and body the fake answered; set once answered. */
  status?: number;
  answer?: Json;
}

export interface FakeSlackUser {
  id: string;
  name?: string;
  real_name?: string;
  /** IANA zone; `UTC` when not given. */
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
  email?: string;
}

export interface FakeSlackChannel {
  id: string;
  name?: string;
  /** Defaults to true for ids starting with `G`. */
  is_private?: boolean;
  /** Whether the bot is in it; defaults to true. Outside: public → `not_in_channel`, private → `channel_not_found`. */
  is_member?: boolean;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload?: unknown };
  user: string;
  bot_id: string;
  edited?: { user: string; ts: string };
}

export interface FakeSlackView {
  id: string;
  hash: string;
  rootId: string;
  previousId: string | null;
  /** The view as the app last sent it. */
  view: Json;
}

export interface FakeSlackApiOptions {
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  users?: FakeSlackUser[];
  channels?: FakeSlackChannel[];
  /** User group id (`S…`) → member user ids. */
  userGroups?: Record<string, string[]>;
  /** Unknown channel ids answer `channel_not_found` (default: any channel works, with the bot as a member). */
  strictChannels?: boolean;
  /** Run every message and view through the Block Kit validator, answering like Slack (default true). */
  validateBlocks?: boolean;
  /** When set, any other token answers `invalid_auth`. */
  acceptToken?: string;
  /** The fake's clock (ms), for response_url and trigger_id expiry; default `Date.now`. */
  now?: () => number;
  /** Seconds part of the first message ts (default 1732450000 → `1732450000.000100`). */
  firstTs?: number;
}

interface Fault {
  kind: 'fail' | 'rateLimit';
  error: string;
  extra?: Json;
  retryAfterSeconds?: number;
  remaining: number;
}

interface ResponseUrlState {
  issuedAt: number;
  uses: number;
  expired: boolean;
  bodies: Json[];
}

type Answer = Json & { ok: boolean };
type Handler = (args: Json) => Answer;

const fail = (error: string, extra: Json = {}): Answer => ({ ok: false, error, ...extra });
const truthy = (value: unknown) => value === true || value === 'true' || value === '1' || value === 1;
const JSON_ARGS = ['blocks', 'view', 'metadata', 'attachments'];

export class FakeSlackApi {
  readonly calls: SlackApiCall[] = [];
  /** `http://127.0.0.1:<port>/api/`: pass as `slackApiUrl`. */
  url = '';
  /** `http://127.0.0.1:<port>/`. */
  baseUrl = '';

  private server?: Server;
  private closed = false;
  private readonly now: () => number;
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly channels = new Map<string, FakeSlackChannel>();
  private readonly userGroups = new Map<string, string[]>();
  private readonly messageStore = new Map<string, FakeSlackMessage>();
  private readonly viewStore = new Map<string, FakeSlackView>();
  private readonly stacks = new Map<string, string[]>();
  private readonly externalIds = new Map<string, string>();
  private readonly mintedTriggers = new Map<string, { issuedAt: number; viewId?: string }>();
  private readonly usedTriggers = new Set<string>();
  private readonly openedDms = new Set<string>();
  private readonly responseUrls = new Map<string, ResponseUrlState>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly delays = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: { method: string; predicate: (c: SlackApiCall) => boolean; settle: (c?: SlackApiCall) => void }[] =
    [];
  private lastRootViewId?: string;
  private tsCounter = 0;
  private viewCounter = 0;
  private hashCounter = 0;
  private responseCounter = 0;
  private triggerCounter = 0;
  private readonly handlers: Record<string, Handler>;

  private constructor(private readonly options: FakeSlackApiOptions) {
    this.now = options.now ?? Date.now;
    for (const user of options.users ?? []) this.setUser(user);
    for (const channel of options.channels ?? []) this.setChannel(channel);
    for (const [id, members] of Object.entries(options.userGroups ?? {})) this.setUserGroup(id, members);
    this.handlers = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.update': (a) => this.update(a),
      'chat.getPermalink': (a) => this.permalink(a),
      'views.open': (a) => this.openView(a),
      'views.update': (a) => this.updateView(a),
      'views.push': (a) => this.pushView(a),
      'users.info': (a) => this.userInfo(a),
      'usergroups.users.list': (a) => this.userGroupMembers(a),
      'conversations.info': (a) => this.conversationInfo(a),
      'conversations.replies': (a) => this.replies(a),
      'conversations.open': (a) => this.openConversation(a),
    };
  }

  static async start(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
    const fake = new FakeSlackApi(options);
    fake.server = createServer((req, res) => {
      fake.route(req, res).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/`;
    fake.url = `${fake.baseUrl}api/`;
    return fake;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter.settle();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Forgets calls, faults, delays, messages, views and response_urls; keeps users, channels and groups. */
  reset(): void {
    this.calls.length = 0;
    for (const store of [this.faults, this.delays, this.messageStore, this.viewStore, this.stacks, this.externalIds]) {
      store.clear();
    }
    this.mintedTriggers.clear();
    this.usedTriggers.clear();
    this.openedDms.clear();
    this.responseUrls.clear();
    this.lastRootViewId = undefined;
  }

  // ---- seeding -------------------------------------------------------------------------------------------

  setUser(user: FakeSlackUser): void {
    // Fails here, not inside a request, when a test seeds a zone that does not exist.
    tzOffsetSeconds(user.tz ?? 'UTC', this.now());
    this.users.set(user.id, user);
  }

  setChannel(channel: FakeSlackChannel): void {
    this.channels.set(channel.id, channel);
  }

  setUserGroup(id: string, members: string[]): void {
    this.userGroups.set(id, [...members]);
  }

  // ---- fault injection -----------------------------------------------------------------------------------

  /** The next `times` (default 1; `Infinity` for all) calls to `method` (`*` = any) answer `{ok:false, error}`. */
  fail(method: string, fault: { error: string; times?: number; extra?: Json }): void {
    this.addFault(method, { kind: 'fail', error: fault.error, extra: fault.extra, remaining: fault.times ?? 1 });
  }

  /** The next `times` (default 1) calls to `method` (`*` = any) answer HTTP 429 with `Retry-After`. */
  rateLimit(method: string, limit: { retryAfterSeconds: number; times?: number }): void {
    this.addFault(method, {
      kind: 'rateLimit',
      error: 'ratelimited',
      retryAfterSeconds: limit.retryAfterSeconds,
      remaining: limit.times ?? 1,
    });
  }

  /** Every call to `method` (`*` = any) is answered `ms` later; 0 removes the delay. */
  delay(method: string, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  // ---- response_url and trigger_id -----------------------------------------------------------------------

  /** A loopback response_url served by the fake: 5 uses within 30 minutes, like Slack's. */
  responseUrl(id = `r${++this.responseCounter}`): string {
    this.responseState(id);
    return `${this.baseUrl}response/${encodeURIComponent(id)}`;
  }

  /** What was accepted at a response_url, oldest first. */
  responses(id: string): Json[] {
    return [...(this.responseUrls.get(id)?.bodies ?? [])];
  }

  /** Makes a response_url answer 404 from now on, as an expired one does. */
  expire(id: string): void {
    this.responseState(id).expired = true;
  }

  /**
   * A trigger id the fake knows: it expires 3 s (fake clock) after minting, like Slack's. With `viewId`,
   * `views.push` with it stacks onto that view's modal (otherwise onto the modal opened last).
   */
  triggerId(viewId?: string): string {
    const id = `${++this.triggerCounter}.${this.now()}.fake`;
    this.mintedTriggers.set(id, { issuedAt: this.now(), ...(viewId ? { viewId } : {}) });
    return id;
  }

  // ---- reading state -------------------------------------------------------------------------------------

  callsTo(method: string): SlackApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first answered call to `method` (already made or future) that matches. */
  waitFor(
    method: string,
    predicate: (c: SlackApiCall) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<SlackApiCall> {
    const seen = this.calls.find((c) => c.method === method && c.status !== undefined && predicate(c));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching ${method} call within ${timeoutMs} ms; saw ${this.describe()}`));
      }, timeoutMs);
      const waiter = {
        method,
        predicate,
        settle: (call?: SlackApiCall) => {
          clearTimeout(timer);
          if (call) resolve(call);
          else reject(new Error(`fake Slack API closed while waiting for ${method}`));
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Method names of the calls so far, in order (safe to print: no headers). */
  describe(): string {
    return JSON.stringify(this.calls.map((c) => `${c.method}${c.status === 200 ? '' : ` → ${c.status}`}`));
  }

  /** Messages the bot posted (not ephemeral ones), oldest first. */
  get messages(): FakeSlackMessage[] {
    return [...this.messageStore.values()];
  }

  message(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.messageStore.get(messageKey(this.channelId(channel), ts));
  }

  /** A thread: its parent and replies, oldest first (`ts` may be the parent's or a reply's). */
  thread(channel: string, ts: string): FakeSlackMessage[] {
    const id = this.channelId(channel);
    const root = this.messageStore.get(messageKey(id, ts));
    if (!root) return [];
    const rootTs = root.thread_ts ?? root.ts;
    return this.messages.filter((m) => m.channel === id && (m.ts === rootTs || m.thread_ts === rootTs));
  }

  /** A view by id or external_id, as Slack would describe it. */
  view(idOrExternalId: string): FakeSlackView | undefined {
    return this.viewStore.get(this.externalIds.get(idOrExternalId) ?? idOrExternalId);
  }

  get views(): FakeSlackView[] {
    return [...this.viewStore.values()];
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) return this.apiCall(url.pathname.slice(5), url, req, raw, res);
    if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      return this.responsePost(decodeURIComponent(url.pathname.slice(10)), req, raw, res);
    }
    send(res, 404, fail('not_found'));
  }

  private async apiCall(method: string, url: URL, req: IncomingMessage, raw: string, res: ServerResponse) {
    const contentType = req.headers['content-type'];
    const args = parseArgs(raw, contentType, url.searchParams);
    let authorization = req.headers.authorization;
    if (args.token !== undefined) {
      authorization ??= `Bearer ${args.token}`;
      delete args.token;
    }
    const call: SlackApiCall = { method, args, at: this.now() };
    if (authorization) call.authorization = authorization;
    if (contentType) call.contentType = contentType;
    this.calls.push(call);

    const fault = this.takeFault(method);
    await this.sleep(this.delays.get(method) ?? this.delays.get('*') ?? 0);
    if (this.closed) return;
    if (fault?.kind === 'rateLimit') {
      return this.answer(call, res, 429, fail(fault.error), { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault) return this.answer(call, res, 200, fail(fault.error, fault.extra));
    return this.answer(call, res, 200, this.dispatch(method, args, authorization));
  }

  private dispatch(method: string, args: Json, authorization: string | undefined): Answer {
    const token = authorization?.replace(/^Bearer\s+/i, '');
    if (!token) return fail('not_authed');
    if (this.options.acceptToken !== undefined && token !== this.options.acceptToken) return fail('invalid_auth');
    const handler = this.handlers[method];
    return handler ? handler(args) : fail('unknown_method');
  }

  private answer(call: SlackApiCall, res: ServerResponse, status: number, body: Answer, headers: Json = {}): void {
    call.status = status;
    call.answer = body;
    send(res, status, body, headers);
    for (const waiter of this.waiters.filter((w) => w.method === call.method && w.predicate(call))) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.settle(call);
    }
  }

  private async responsePost(id: string, req: IncomingMessage, raw: string, res: ServerResponse) {
    const contentType = req.headers['content-type'];
    const body = parseArgs(raw, contentType, new URLSearchParams());
    const call: SlackApiCall = { method: 'response_url', args: body, responseId: id, at: this.now() };
    if (contentType) call.contentType = contentType;
    this.calls.push(call);
    const state = this.responseState(id);
    const expired = state.expired || this.now() - state.issuedAt > SLACK_TIME_LIMITS.responseUrlTtlMs;
    if (expired) return this.answer(call, res, 404, fail('expired_url'));
    if (state.uses >= SLACK_TIME_LIMITS.responseUrlMaxUses) return this.answer(call, res, 404, fail('used_url'));
    const problem = body.delete_original ? undefined : this.messageProblem(body);
    if (problem) return this.answer(call, res, 400, problem);
    state.uses++;
    state.bodies.push(body);
    this.answer(call, res, 200, { ok: true });
  }

  // ---- methods -------------------------------------------------------------------------------------------

  private get team() {
    return { id: this.options.teamId ?? 'T0FAKE', domain: this.options.teamDomain ?? 'fake-team' };
  }

  private get bot() {
    return {
      userId: this.options.botUserId ?? 'U0BOT',
      botId: this.options.botId ?? 'B0BOT',
      appId: this.options.appId ?? 'A0RESTORE',
    };
  }

  private authTest(): Answer {
    return {
      ok: true,
      url: `https://${this.team.domain}.slack.com/`,
      team: 'Fake Team',
      user: 'restore-bot',
      team_id: this.team.id,
      user_id: this.bot.userId,
      bot_id: this.bot.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Json): Answer {
    const channel = this.writableChannel(args.channel);
    if (typeof channel !== 'string') return channel;
    const problem = this.messageProblem(args) ?? metadataProblem(args.metadata);
    if (problem) return problem;
    const message: FakeSlackMessage = {
      channel,
      ts: this.nextTs(),
      text: args.text ?? '',
      user: this.bot.userId,
      bot_id: this.bot.botId,
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
      ...(args.metadata ? { metadata: args.metadata } : {}),
    };
    this.messageStore.set(messageKey(channel, message.ts), message);
    return { ok: true, channel, ts: message.ts, message: this.wireMessage(message, true) };
  }

  private postEphemeral(args: Json): Answer {
    const channel = this.writableChannel(args.channel);
    if (typeof channel !== 'string') return channel;
    if (!args.user) return fail('user_not_found');
    const problem = this.messageProblem(args);
    if (problem) return problem;
    return { ok: true, message_ts: this.nextTs() };
  }

  private update(args: Json): Answer {
    const channel = this.channelId(args.channel ?? '');
    const message = this.messageStore.get(messageKey(channel, String(args.ts ?? '')));
    if (!message) return fail('message_not_found');
    const hasContent = args.text !== undefined || args.blocks !== undefined;
    const problem = (hasContent ? this.messageProblem(args) : undefined) ?? metadataProblem(args.metadata);
    if (problem) return problem;
    if (args.text !== undefined) message.text = args.text;
    if (args.blocks !== undefined) message.blocks = args.blocks;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.edited = { user: this.bot.userId, ts: this.nextTs() };
    return { ok: true, channel, ts: message.ts, text: message.text, message: this.wireMessage(message, true) };
  }

  private permalink(args: Json): Answer {
    const channel = this.channelId(args.channel ?? '');
    const message = this.messageStore.get(messageKey(channel, String(args.message_ts ?? '')));
    if (!message) return fail('message_not_found');
    const base = `https://${this.team.domain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    const thread = message.thread_ts ? `?thread_ts=${message.thread_ts}&cid=${channel}` : '';
    return { ok: true, channel, permalink: base + thread };
  }

  private openView(args: Json): Answer {
    const trigger = this.exchangeTrigger(args.trigger_id);
    if (trigger.error) return trigger.error;
    const problem = this.viewProblem(args.view);
    if (problem) return problem;
    const view = this.storeView(args.view, null);
    this.stacks.set(view.id, [view.id]);
    this.lastRootViewId = view.id;
    return { ok: true, view: this.wireView(view) };
  }

  private pushView(args: Json): Answer {
    const trigger = this.exchangeTrigger(args.trigger_id);
    if (trigger.error) return trigger.error;
    const rootId = trigger.viewId ? this.viewStore.get(trigger.viewId)?.rootId : this.lastRootViewId;
    const stack = rootId ? this.stacks.get(rootId) : undefined;
    if (!rootId || !stack) return fail('not_found');
    if (stack.length >= BLOCK_KIT_LIMITS.modalViewStack) return fail('push_limit_reached');
    const problem = this.viewProblem(args.view);
    if (problem) return problem;
    const view = this.storeView(args.view, stack[stack.length - 1]!, rootId);
    stack.push(view.id);
    return { ok: true, view: this.wireView(view) };
  }

  private updateView(args: Json): Answer {
    if (!args.view_id && !args.external_id) return fail('invalid_arguments');
    const stored = this.view(args.view_id ?? args.external_id);
    if (!stored) return fail('not_found');
    if (args.hash !== undefined && args.hash !== stored.hash) return fail('hash_conflict');
    const problem = this.viewProblem(args.view);
    if (problem) return problem;
    stored.view = args.view;
    stored.hash = this.nextHash();
    if (typeof args.view.external_id === 'string') this.externalIds.set(args.view.external_id, stored.id);
    return { ok: true, view: this.wireView(stored) };
  }

  private userInfo(args: Json): Answer {
    const id = String(args.user ?? '');
    if (!/^[UW][A-Z0-9]+$/.test(id)) return fail('user_not_found');
    const user = this.users.get(id) ?? { id };
    const tz = user.tz ?? 'UTC';
    const name = user.name ?? id.toLowerCase();
    return {
      ok: true,
      user: {
        id,
        team_id: this.team.id,
        name,
        real_name: user.real_name ?? name,
        deleted: user.deleted ?? false,
        is_bot: user.is_bot ?? false,
        tz,
        tz_label: tz,
        tz_offset: tzOffsetSeconds(tz, this.now()),
        profile: {
          real_name: user.real_name ?? name,
          display_name: name,
          ...(user.email ? { email: user.email } : {}),
        },
      },
    };
  }

  private userGroupMembers(args: Json): Answer {
    const members = this.userGroups.get(String(args.usergroup ?? ''));
    return members ? { ok: true, users: [...members] } : fail('no_such_subteam');
  }

  private conversationInfo(args: Json): Answer {
    const id = String(args.channel ?? '');
    if (id.startsWith('D')) {
      return { ok: true, channel: { id, is_im: true, is_channel: false, is_private: true, is_member: true } };
    }
    const channel = this.knownChannel(id);
    if (!channel || (channel.is_private && !channel.is_member)) return fail('channel_not_found');
    return {
      ok: true,
      channel: {
        id,
        name: channel.name,
        is_channel: !channel.is_private,
        is_group: false,
        is_im: false,
        is_private: channel.is_private,
        is_archived: false,
        is_member: channel.is_member,
      },
    };
  }

  private replies(args: Json): Answer {
    const id = this.channelId(String(args.channel ?? ''));
    const access = this.readableChannel(id);
    if (access) return access;
    const thread = this.thread(id, String(args.ts ?? ''));
    if (thread.length === 0) return fail('thread_not_found');
    const limit = Math.min(Math.max(Number(args.limit ?? 1000) || 1000, 1), 1000);
    const offset = Number(String(args.cursor ?? '').replace(/^offset:/, '')) || 0;
    const page = thread.slice(offset, offset + limit);
    const withMetadata = truthy(args.include_all_metadata);
    const hasMore = offset + limit < thread.length;
    return {
      ok: true,
      messages: page.map((m) => this.wireMessage(m, withMetadata)),
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? `offset:${offset + limit}` : '' },
    };
  }

  private openConversation(args: Json): Answer {
    const users = String(args.users ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length === 0) return fail('users_list_not_supplied');
    if (users.length > 1) return fail('fake_unsupported', { detail: 'the fake opens 1:1 conversations only' });
    const id = dmId(users[0]!);
    const alreadyOpen = this.openedDms.has(id);
    this.openedDms.add(id);
    return { ok: true, ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id } };
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private addFault(method: string, fault: Fault): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), fault]);
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method, '*']) {
      const queue = this.faults.get(key);
      const fault = queue?.find((f) => f.remaining > 0);
      if (!fault) continue;
      fault.remaining--;
      if (fault.remaining <= 0) queue!.splice(queue!.indexOf(fault), 1);
      return fault;
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private responseState(id: string): ResponseUrlState {
    let state = this.responseUrls.get(id);
    if (!state) {
      state = { issuedAt: this.now(), uses: 0, expired: false, bodies: [] };
      this.responseUrls.set(id, state);
    }
    return state;
  }

  private exchangeTrigger(triggerId: unknown): { error?: Answer; viewId?: string } {
    if (typeof triggerId !== 'string' || !triggerId) return { error: fail('invalid_arguments') };
    if (this.usedTriggers.has(triggerId)) return { error: fail('trigger_exchanged') };
    const minted = this.mintedTriggers.get(triggerId);
    if (minted && this.now() - minted.issuedAt > SLACK_TIME_LIMITS.triggerIdTtlMs) {
      return { error: fail('expired_trigger_id') };
    }
    this.usedTriggers.add(triggerId);
    return minted?.viewId ? { viewId: minted.viewId } : {};
  }

  /** `U…` is posted to as the bot's DM with that user, as Slack does. */
  private channelId(channel: string): string {
    return /^[UW]/.test(channel) ? dmId(channel) : channel;
  }

  private knownChannel(id: string): Required<FakeSlackChannel> | undefined {
    const seeded = this.channels.get(id);
    if (!seeded && this.options.strictChannels) return undefined;
    return {
      id,
      name: seeded?.name ?? id.toLowerCase(),
      is_private: seeded?.is_private ?? id.startsWith('G'),
      is_member: seeded?.is_member ?? true,
    };
  }

  /** The channel id to post into, or Slack's error for it. */
  private writableChannel(channel: unknown): string | Answer {
    if (typeof channel !== 'string' || !channel) return fail('channel_not_found');
    const id = this.channelId(channel);
    if (id.startsWith('D')) return id;
    return this.readableChannel(id) ?? id;
  }

  private readableChannel(id: string): Answer | undefined {
    if (id.startsWith('D')) return undefined;
    const channel = this.knownChannel(id);
    if (!channel) return fail('channel_not_found');
    if (!channel.is_member) return fail(channel.is_private ? 'channel_not_found' : 'not_in_channel');
    return undefined;
  }

  private messageProblem(args: Json): Answer | undefined {
    if (args.blocks !== undefined && !Array.isArray(args.blocks)) return fail('invalid_blocks_format');
    if (args.text === undefined && !(args.blocks?.length > 0)) return fail('no_text');
    if (this.options.validateBlocks === false) return undefined;
    const problems = validateMessage({ text: args.text, blocks: args.blocks });
    if (problems.length === 0) return undefined;
    if (problems.some((p) => p.path.startsWith('blocks'))) return fail('invalid_blocks', slackErrors(problems));
    return fail('msg_too_long', slackErrors(problems));
  }

  private viewProblem(view: unknown): Answer | undefined {
    if (typeof view !== 'object' || view === null) return fail('invalid_arguments');
    if (this.options.validateBlocks === false) return undefined;
    const problems = validateModal(view);
    return problems.length ? fail('invalid_arguments', slackErrors(problems)) : undefined;
  }

  private storeView(view: Json, previousId: string | null, rootId?: string): FakeSlackView {
    const id = `V${String(++this.viewCounter).padStart(10, '0')}`;
    const stored: FakeSlackView = { id, hash: this.nextHash(), rootId: rootId ?? id, previousId, view };
    this.viewStore.set(id, stored);
    if (typeof view.external_id === 'string') this.externalIds.set(view.external_id, id);
    return stored;
  }

  private wireView(stored: FakeSlackView): Json {
    return {
      id: stored.id,
      team_id: this.team.id,
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      submit_disabled: false,
      ...stored.view,
      state: { values: {} },
      hash: stored.hash,
      root_view_id: stored.rootId,
      previous_view_id: stored.previousId,
      app_id: this.bot.appId,
      app_installed_team_id: this.team.id,
      bot_id: this.bot.botId,
    };
  }

  private wireMessage(message: FakeSlackMessage, withMetadata: boolean): Json {
    const replies = this.messages.filter((m) => m.channel === message.channel && m.thread_ts === message.ts);
    return {
      type: 'message',
      user: message.user,
      bot_id: message.bot_id,
      app_id: this.bot.appId,
      text: message.text,
      ts: message.ts,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.thread_ts ? { thread_ts: message.thread_ts, parent_user_id: this.bot.userId } : {}),
      ...(replies.length
        ? { thread_ts: message.ts, reply_count: replies.length, latest_reply: replies[replies.length - 1]!.ts }
        : {}),
      ...(message.edited ? { edited: message.edited } : {}),
      ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
    };
  }

  /** Increasing, Slack-shaped message timestamps: `1732450000.000100`, `1732450000.000200`, … */
  private nextTs(): string {
    const micros = (this.options.firstTs ?? 1_732_450_000) * 1_000_000 + ++this.tsCounter * 100;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private nextHash(): string {
    return `${Math.floor(this.now() / 1000)}.${String(++this.hashCounter).padStart(8, '0')}`;
  }
}

function messageKey(channel: string, ts: string): string {
  return `${channel}/${ts}`;
}

function dmId(user: string): string {
  return `D${user.slice(1)}`;
}

function metadataProblem(metadata: unknown): Answer | undefined {
  if (metadata === undefined) return undefined;
  const ok = typeof metadata === 'object' && metadata !== null && typeof (metadata as Json).event_type === 'string';
  return ok ? undefined : fail('invalid_metadata_format');
}

/** Slack's error detail shape for refused blocks: `errors` plus `response_metadata.messages`. */
function slackErrors(problems: BlockKitProblem[]): Json {
  const lines = formatProblems(problems).split('\n');
  return { errors: lines, response_metadata: { messages: lines.map((l) => `[ERROR] ${l}`) } };
}

/** UTC offset of an IANA zone at an instant, in seconds (what Slack's `tz_offset` holds). */
function tzOffsetSeconds(timeZone: string, at: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

function parseArgs(raw: string, contentType: string | undefined, query: URLSearchParams): Json {
  const args: Json = Object.fromEntries(query);
  if (contentType?.startsWith('application/json')) {
    Object.assign(args, raw ? JSON.parse(raw) : {});
  } else {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  }
  for (const key of JSON_ARGS) {
    if (typeof args[key] !== 'string') continue;
    try {
      args[key] = JSON.parse(args[key]);
    } catch {
      // Left as the string: the method answers Slack's "invalid format" error for it.
    }
  }
  return args;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: Json, headers: Json = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
