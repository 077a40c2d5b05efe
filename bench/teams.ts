/**
 * `restore-bot bench teams`: the whole bot (as `startBot` builds it, on a fresh in-memory PGlite store and the
 * demo policy) under 200 concurrent Teams conversations against the Azure emulator (demo preset, 0 ms latency,
 * in a child process so that its memory is not counted), each a few turns over HTTP: `help`, `restore` (the
 * vault step, which reads Azure) and one click (pick the vault). Approval clicks (`adaptiveCard/action`
 * invokes) run during the same load. Then a minimal botbuilder echo bot on the same CloudAdapter + restify
 * setup takes the same load, and the ratio is printed. Targets are printed beside the figures; nothing fails
 * on a number.
 *
 * Activities go to `/api/messages` with `serviceUrl` pointing at a small loopback connector in this process
 * that answers like the Bot Connector and hands each turn's cards back to the conversation that asked.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ActivityHandler } from 'botbuilder-core';
import * as restify from 'restify';
import { createTeamsAdapter } from '../src/bot/teams/adapter';
import { readEnv } from '../src/config';
import { demoEnv } from '../src/demo';
import { silentLogger } from '../src/log';
import { type RunningBot, startBot } from '../src/main';
import { EmulatorProcess } from './emulator-process';
import type { Benchmark } from './run';

const CONVERSATIONS = 200;
/** Approval clicks in each phase (each on its own request). */
const APPROVAL_CLICKS = 40;
const WARMUP_CONVERSATIONS = 5;
/**
 * The paced phase: people read a card before they click, so each conversation waits about this long between
 * turns, and the conversations start spread over the same time.
 */
const THINK_MS = 8_000;
const TARGET_INVOKE_P99_MS = 1_000;
const TARGET_RATIO = 3;
const TARGET_STATE_BYTES = 20 * 1024;

const TENANT = '00000000-0000-0000-0000-0000000000001';
const APPROVERS = [
  { id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-00000000a001' },
  { id: 'user-id-2', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-00000000a002' },
];
const CARD = 'application/vnd.microsoft.card.adaptive';

// biome-ignore lint/suspicious/noExplicitAny: activity and card JSON as they travel on the wire
type Json = any;

interface User {
  id: string;
  name: string;
  aadObjectId: string;
}

// ---- the Bot Connector side --------------------------------------------------------------------------------

/**
 * Answers like the Bot Connector (`{id}` for sends and replies, `{id, activityId}` for a new channel thread)
 * and keeps only what a waiting conversation will pick up: the cards replied to one incoming activity, and
 * the approval cards that opened threads. Nothing else is kept, so its memory does not grow with the load.
 */
class SinkConnector {
  serviceUrl = '';
  calls = 0;
  readonly threads: { messageId: string; card: Json }[] = [];
  private readonly replies = new Map<string, Json[]>();
  private server?: Server;
  private counter = 0;

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = await readJson(req);
      this.calls++;
      const id = `m-${++this.counter}`;
      const segments = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
      let answer: Json = { id };
      if (req.method === 'POST' && segments.length === 2) {
        const channel = body?.channelData?.channel?.id;
        answer = channel ? { id: `${channel};messageid=${id}`, activityId: id } : { id: `a:bench-${id}` };
        const card = cardOf(body?.activity);
        if (channel && card) this.threads.push({ messageId: id, card });
      } else if (req.method === 'POST' && segments[3] === 'activities' && segments[4]) {
        const card = cardOf(body);
        if (card) {
          const list = this.replies.get(segments[4]) ?? [];
          list.push(card);
          this.replies.set(segments[4], list);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.serviceUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  /** The cards replied to one incoming activity (taken: the connector forgets them). */
  take(activityId: string): Json[] {
    const cards = this.replies.get(activityId) ?? [];
    this.replies.delete(activityId);
    return cards;
  }

  /** Replies nobody picked up (proactive posts, the echo bot's texts) would only pile up here. */
  clear(): void {
    this.replies.clear();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

function cardOf(activity: Json): Json | undefined {
  return activity?.attachments?.find((a: Json) => a.contentType === CARD)?.content;
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

// ---- the Teams side: activities as Teams sends them ---------------------------------------------------------

let activitySeq = 0;

class TeamsClient {
  constructor(
    private readonly botUrl: string,
    private readonly connector: SinkConnector,
  ) {}

  envelope(user: User, conversation: Json): Json {
    return {
      id: `bench-${++activitySeq}`,
      channelId: 'msteams',
      serviceUrl: this.connector.serviceUrl,
      from: user,
      recipient: { id: '28:restore-bot', name: 'restore-bot' },
      conversation: { ...conversation, tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    };
  }

  /** One message turn in a 1:1 chat; resolves with its latency and the cards it produced. */
  async turn(user: User, fields: { text?: string; value?: Json }): Promise<{ ms: number; cards: Json[] }> {
    const activity = {
      ...this.envelope(user, { id: `a:bench-${user.id}`, conversationType: 'personal' }),
      type: 'message',
      text: fields.text ?? '',
      ...(fields.value ? { value: fields.value } : {}),
    };
    const started = performance.now();
    const res = await this.post(activity);
    await res.arrayBuffer();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`turn answered ${res.status}`);
    return { ms, cards: this.connector.take(activity.id) };
  }

  /** An approval click on a card that opened a thread in the approvals channel. */
  async approve(user: User, thread: { messageId: string; card: Json }): Promise<{ ms: number; body: Json }> {
    const button = nodesOf(thread.card).find((n) => n.type === 'Action.Execute' && n.verb === 'approve');
    if (!button) throw new Error('the approval card has no Approve button');
    const channel = '19:restore-approvals@thread.tacv2';
    const activity = {
      ...this.envelope(user, {
        id: `${channel};messageid=${thread.messageId}`,
        conversationType: 'channel',
        isGroup: true,
      }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: thread.messageId,
      channelData: { tenant: { id: TENANT }, channel: { id: channel } },
      value: { action: { type: 'Action.Execute', verb: 'approve', data: button.data }, trigger: 'manual' },
    };
    const started = performance.now();
    const res = await this.post(activity);
    const body = await res.json();
    return { ms: performance.now() - started, body };
  }

  private post(activity: Json): Promise<Response> {
    return fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  }
}

function nodesOf(card: Json): Json[] {
  const found: Json[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const node = value as Json;
      if (typeof node.type === 'string') found.push(node);
      for (const [key, child] of Object.entries(node)) if (key !== 'data') visit(child);
    }
  };
  visit(card);
  return found;
}

/** The submit value of picking the first choice of the card's list and clicking its `choose` button. */
function pickFirstChoice(card: Json): Json {
  const list = nodesOf(card).find((n) => n.type === 'Input.ChoiceSet');
  const button = nodesOf(card).find((n) => n.type === 'Action.Submit' && n.data?.action === 'choose');
  if (!list || !button) throw new Error('the vault step card has no choice list or no Next button');
  return { ...button.data, [list.id]: list.choices[0].value };
}

/** Who talks in each part of the run; the prefix keeps their stored state apart (see dialogStateBytes). */
type Cohort = 'load' | 'warm' | 'prep' | 'paced';

const loadUser = (cohort: Cohort, i: number): User => ({
  id: `bench-${cohort}-${i}`,
  name: `Bench User ${i}`,
  aadObjectId: `bench-aad-${cohort}-${i}`,
});

// ---- the load -----------------------------------------------------------------------------------------------

interface LoadResult {
  turns: number;
  wallMs: number;
  latencies: number[];
  /** The same latencies by turn: help, restore, click. */
  byTurn: [number[], number[], number[]];
}

/**
 * `count` conversations at once, each `help`, `restore`, then a click on the vault step's first vault. The
 * echo bot gets the same three activities (the click as the same kind of submit value).
 */
async function conversationLoad(
  client: TeamsClient,
  count: number,
  cohort: Cohort,
  echo: boolean,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const byTurn: LoadResult['byTurn'] = [[], [], []];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = loadUser(cohort, i);
      const help = await client.turn(user, { text: 'help' });
      const restore = await client.turn(user, { text: 'restore' });
      const value = echo ? { action: 'choose', vault: 'v:bench' } : pickFirstChoice(restore.cards[0]);
      const click = await client.turn(user, { value });
      latencies.push(help.ms, restore.ms, click.ms);
      byTurn[0].push(help.ms);
      byTurn[1].push(restore.ms);
      byTurn[2].push(click.ms);
    }),
  );
  return { turns: latencies.length, wallMs: performance.now() - started, latencies, byTurn };
}

/**
 * The same conversations at a human pace: each starts at a random moment within THINK_MS and waits about
 * THINK_MS (±50 %) between its turns. Meanwhile one approval click per thread is spread evenly over the phase.
 */
async function pacedLoad(
  client: TeamsClient,
  count: number,
  threads: { messageId: string; card: Json }[],
): Promise<{ load: LoadResult; invokes: Invokes }> {
  const latencies: number[] = [];
  const byTurn: LoadResult['byTurn'] = [[], [], []];
  const think = () => sleep(THINK_MS * (0.5 + Math.random()));
  const started = performance.now();
  const conversations = Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = loadUser('paced', i);
      await sleep(Math.random() * THINK_MS);
      const help = await client.turn(user, { text: 'help' });
      await think();
      const restore = await client.turn(user, { text: 'restore' });
      await think();
      const click = await client.turn(user, { value: pickFirstChoice(restore.cards[0]) });
      latencies.push(help.ms, restore.ms, click.ms);
      byTurn[0].push(help.ms);
      byTurn[1].push(restore.ms);
      byTurn[2].push(click.ms);
    }),
  );
  const invokes = clickSpread(client, threads, (THINK_MS * 3) / threads.length);
  await conversations;
  return {
    load: { turns: latencies.length, wallMs: performance.now() - started, latencies, byTurn },
    invokes: await invokes,
  };
}

interface Invokes {
  ms: number[];
  /** Clicks answered with a card (the decided approval card), as opposed to a plain text answer. */
  cards: number;
}

/** One approval click per thread, the i-th after i × `everyMs`, alternating between the approvers. */
async function clickSpread(
  client: TeamsClient,
  threads: { messageId: string; card: Json }[],
  everyMs: number,
): Promise<Invokes> {
  const result: Invokes = { ms: [], cards: 0 };
  await Promise.all(
    threads.map(async (thread, i) => {
      await sleep(i * everyMs);
      const click = await client.approve(APPROVERS[i % APPROVERS.length]!, thread);
      result.ms.push(click.ms);
      if (click.body?.type === CARD) result.cards++;
    }),
  );
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the emulator's clock ahead while `work` runs: its validations are operations that take 2 s of emulated
 * time, which need not be 2 s of ours while preparing.
 */
async function withFastEmulatorClock<T>(emulatorUrl: string, work: () => Promise<T>): Promise<T> {
  let running = true;
  const ticking = (async () => {
    while (running) {
      await fetch(`${emulatorUrl}/_emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 1 }),
      }).then(
        (res) => res.arrayBuffer(),
        () => undefined,
      );
      await sleep(100);
    }
  })();
  try {
    return await work();
  } finally {
    running = false;
    await ticking;
  }
}

/** Approval requests to click on later: the shortcut to the review, then Request approval. */
async function openApprovalRequests(client: TeamsClient, connector: SinkConnector, count: number) {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = loadUser('prep', i);
      const review = await client.turn(user, { text: 'restore pg-orders-prod --latest' });
      const card = review.cards[review.cards.length - 1];
      const request = nodesOf(card).find((n) => n.type === 'Action.Submit' && n.data?.action === 'request');
      if (!request) throw new Error('the shortcut did not reach a review with Request approval');
      await client.turn(user, { value: request.data });
    }),
  );
  return connector.threads.splice(0);
}

// ---- the echo bot ---------------------------------------------------------------------------------------------

/** The smallest botbuilder bot on the same adapter and restify setup as ours: it answers every message. */
async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = createTeamsAdapter({}, silentLogger);
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`echo: ${context.activity.text || JSON.stringify(context.activity.value)}`);
    await next();
  });
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

// ---- figures ----------------------------------------------------------------------------------------------------

/** A full collection when the engine allows it (steadier RSS readings); a no-op otherwise. */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

function memoryNow(): { rss: number; heap: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number) => value.toFixed(1);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const out = (line: string) => process.stdout.write(`${line}\n`);

function describeLoad(name: string, load: LoadResult) {
  const tps = load.turns / (load.wallMs / 1000);
  out(
    `${name.padEnd(12)} ${String(load.turns).padStart(5)} turns in ${ms(load.wallMs).padStart(8)} ms: ` +
      `${tps.toFixed(1).padStart(7)} turns/s, p50 ${ms(percentile(load.latencies, 50)).padStart(7)} ms, ` +
      `p99 ${ms(percentile(load.latencies, 99)).padStart(7)} ms`,
  );
  const kinds = ['help', 'restore', 'click'] as const;
  out(
    `${''.padEnd(12)} by turn: ${kinds
      .map(
        (kind, i) =>
          `${kind} p50 ${ms(percentile(load.byTurn[i]!, 50))} / p99 ${ms(percentile(load.byTurn[i]!, 99))} ms`,
      )
      .join(', ')}`,
  );
  return { tps, p50: percentile(load.latencies, 50), p99: percentile(load.latencies, 99) };
}

function describeInvokes(name: string, invokes: Invokes): number {
  const p99 = percentile(invokes.ms, 99);
  out(
    `invokes ${name}: ${invokes.ms.length} clicks (${invokes.cards} answered with the decided card), ` +
      `p50 ${ms(percentile(invokes.ms, 50))} ms, p99 ${ms(p99)} ms, max ${ms(Math.max(...invokes.ms))} ms`,
  );
  return p99;
}

/** Bytes of the dialog-state rows of the load's conversations (key, JSON value and eTag, as stored). */
async function dialogStateBytes(bot: RunningBot): Promise<{ rows: number; bytes: number; jsonBytes: number }> {
  const { rows } = await bot.store.query<{ rows: string; bytes: string | null; json_bytes: string | null }>(
    `SELECT count(*)::text AS rows, sum(pg_column_size(d.*))::text AS bytes,
            sum(octet_length(d.key) + octet_length(d.value::text) + octet_length(d.etag))::text AS json_bytes
     FROM dialog_state d WHERE d.key LIKE '%a:bench-bench-load-%'`,
  );
  const row = rows[0]!;
  return { rows: Number(row.rows), bytes: Number(row.bytes ?? 0), jsonBytes: Number(row.json_bytes ?? 0) };
}

// ---- the benchmark ----------------------------------------------------------------------------------------------

async function runTeamsBenchmark(): Promise<void> {
  const emulator = await EmulatorProcess.start();
  const connector = await new SinkConnector().start();
  try {
    const env = demoEnv(readEnv({ PORT: '0', DATA_DIR: 'memory://', LOG_LEVEL: 'error' }), emulator.url);
    out(
      `setup: restore-bot (startBot, fresh PGlite memory store, config/demo.yaml) and an echo bot, each on ` +
        `CloudAdapter + restify on 127.0.0.1; emulator (demo, 0 ms latency) in a child process`,
    );
    out(
      `load: ${CONVERSATIONS} concurrent 1:1 conversations x 3 turns (help, restore, click the first vault); ` +
        `${APPROVAL_CLICKS} approval clicks (invokes) during it; then the same at a human pace`,
    );
    out('');

    // ---- restore-bot
    const bot = await startBot(env, silentLogger);
    let ours: ReturnType<typeof describeLoad>;
    let burstInvokes: Invokes;
    let paced: { load: LoadResult; invokes: Invokes };
    let aloneMs: number;
    let before: { rss: number; heap: number };
    let after: { rss: number; heap: number };
    let state: Awaited<ReturnType<typeof dialogStateBytes>>;
    try {
      const client = new TeamsClient(bot.teams.url, connector);
      await conversationLoad(client, WARMUP_CONVERSATIONS, 'warm', false);
      const prepStarted = performance.now();
      const threads = await withFastEmulatorClock(emulator.url, async () => {
        const opened = await openApprovalRequests(client, connector, APPROVAL_CLICKS * 2 + 1);
        await bot.teams.idle();
        return opened;
      });
      out(`prepared ${threads.length} approval requests in ${ms(performance.now() - prepStarted)} ms (not measured)`);
      connector.clear();
      aloneMs = (await client.approve(APPROVERS[0]!, threads.pop()!)).ms;
      await withFastEmulatorClock(emulator.url, () => bot.teams.idle());
      before = memoryNow();

      // Burst: every conversation starts at once; the clicks come during the first 600 ms, into the queue.
      const clicks = clickSpread(client, threads.splice(0, APPROVAL_CLICKS), 600 / APPROVAL_CLICKS);
      const load = await conversationLoad(client, CONVERSATIONS, 'load', false);
      burstInvokes = await clicks;
      ours = describeLoad('restore-bot', load);
      after = memoryNow();
      state = await dialogStateBytes(bot);
      // Restores started by the clicks finish their Azure calls before the next phase.
      await withFastEmulatorClock(emulator.url, () => bot.teams.idle());

      paced = await pacedLoad(client, CONVERSATIONS, threads.splice(0, APPROVAL_CLICKS));
      await withFastEmulatorClock(emulator.url, () => bot.teams.idle());
    } finally {
      await bot.close();
    }
    connector.clear();

    // ---- the echo bot under the same load
    const echo = await startEchoBot();
    let theirs: ReturnType<typeof describeLoad>;
    try {
      const client = new TeamsClient(echo.url, connector);
      await conversationLoad(client, WARMUP_CONVERSATIONS, 'warm', true);
      theirs = describeLoad('echo bot', await conversationLoad(client, CONVERSATIONS, 'load', true));
    } finally {
      await echo.close();
    }
    out('');

    const ratio = theirs.tps / ours.tps;
    const p99Ratio = ours.p99 / theirs.p99;
    out(
      `ratio restore-bot / echo bot: ${ratio.toFixed(2)}x slower in turns/s, p50 ${(ours.p50 / theirs.p50).toFixed(2)}x, ` +
        `p99 ${p99Ratio.toFixed(2)}x   (target < ${TARGET_RATIO}x: ${verdict(ratio < TARGET_RATIO)})`,
    );
    out('');
    out(`approval clicks (invokes), alone: ${ms(aloneMs)} ms`);
    const burstP99 = describeInvokes('during the burst', burstInvokes);
    out(
      `${''.padEnd(12)} (they queue behind the ${CONVERSATIONS} first turns sent at the same moment, as every turn does)`,
    );
    out('');
    out(
      `paced: the same ${CONVERSATIONS} conversations with ~${THINK_MS / 1000} s between a person's turns, ` +
        `${APPROVAL_CLICKS} approval clicks spread over them`,
    );
    describeLoad('restore-bot', paced.load);
    const pacedP99 = describeInvokes('during paced load', paced.invokes);
    out(
      `target invoke p99 < ${TARGET_INVOKE_P99_MS} ms: burst ${verdict(burstP99 < TARGET_INVOKE_P99_MS)}, ` +
        `paced ${verdict(pacedP99 < TARGET_INVOKE_P99_MS)}`,
    );
    out('');
    const rssPer = (after.rss - before.rss) / CONVERSATIONS;
    const heapPer = (after.heap - before.heap) / CONVERSATIONS;
    out(
      `memory per active conversation: RSS ${kb(rssPer)} KB, heap ${kb(heapPer)} KB ` +
        `(RSS ${kb(before.rss / 1024)} -> ${kb(after.rss / 1024)} MB over ${CONVERSATIONS} conversations; ` +
        `includes the in-memory PGlite database and this process's load generator and connector)`,
    );
    const perConversation = state.bytes / CONVERSATIONS;
    out(
      `stored dialog state per conversation: ${kb(perConversation)} KB as stored (pg_column_size), ` +
        `${kb(state.jsonBytes / CONVERSATIONS)} KB as JSON text, ${state.rows} rows for ${CONVERSATIONS} conversations` +
        `   (target < ${kb(TARGET_STATE_BYTES)} KB: ${verdict(perConversation < TARGET_STATE_BYTES)})`,
    );
    out(`connector calls: ${connector.calls}`);
  } finally {
    await connector.stop();
    await emulator.stop();
  }
}

export const teamsBenchmark: Benchmark = {
  name: 'teams',
  description: `${CONVERSATIONS} concurrent Teams conversations and approval clicks vs a botbuilder echo bot`,
  run: runTeamsBenchmark,
};
