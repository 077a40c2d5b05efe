/**
 * `npm run bench -- slack` (issue 5): how fast the Slack channel acks while Azure is slow. The whole bot
 * (`startBot` with the demo's configuration, a fresh in-memory PGlite store, Slack over HTTP) gets signed
 * requests while the emulator answers every ARM call 300 ms late, and a bare Bolt app on the same receiver and
 * client settings, whose listeners only ack, gets the same requests in the same run; ratios are printed beside
 * the absolute figures. Two loads:
 * - burst: 500 `/restore` commands, then 500 vault picks (block_actions on the static_select of the modal each
 *   command opened), 50 in flight at every moment (each answer sends the next request). The bare app's picks
 *   are built from the bot's own modals, so both get the same bodies.
 * - paced: 50 people at once, each 5 times: `/restore`, wait for the modal's vault step and read it, pick a
 *   vault, pause. The bare app then gets the very same requests at the same moments (a replay).
 * BENCH_DATABASE_URL=postgres://… runs the bot on PostgreSQL instead (a schema of its own, dropped after), to
 * see what the embedded database, which runs its SQL on the bot's event loop, costs the acks.
 *
 * Two processes besides this one, so that the bot's process is measured alone:
 * - the emulator (`--child emulator`);
 * - "Slack" (`--child slack`): the fake Slack Web API that the bot calls, and the client that signs and sends
 *   the requests and times each one to its full answer (Slack's ack deadline measures that). Both play the
 *   part of Slack, and the fake mints the trigger ids the commands carry, so they share a process; its CPU and
 *   event-loop delay are printed, the latter being the error it may add to a latency.
 * Parent and children talk in JSON lines over stdin/stdout. Targets are printed beside the figures; nothing
 * fails on a number.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { App } from '@slack/bolt';
import { boltLogger, SLACK_EVENTS_PATH, SlackHttpReceiver, webClientOptions } from '../src/bot/slack';
import { readEnv } from '../src/config';
import { demoEnv } from '../src/demo';
import { silentLogger } from '../src/log';
import { type RunningBot, startBot } from '../src/main';
// The identities the test driver signs and sends as (config/demo.yaml's workspace T0DEMO and channel C0ONCALL).
import { BOT_ID, BOT_TOKEN, BOT_USER_ID, CHANNEL, SECRET, TEAM_ID } from '../test/bot/slack/slack-driver';
import type { Benchmark } from './run';

const COMMANDS = 500;
const PICKS = 500;
const CONCURRENCY = 50;
const ARM_LATENCY_MS = 300;
/** Unmeasured requests that load code, JIT and connections before each measured phase. */
const WARMUP = 10;
/** Distinct people sending the commands (each command's pick is sent by whoever opened that modal). */
const PEOPLE = 50;
const TARGET_P99_MS = 100;
const TARGET_RATIO = 2;
const SLOW_MS = 1_000;
/** The paced run: this many people, each this many times: `/restore`, read the modal, pick a vault. */
const PACED_PEOPLE = 50;
const PACED_CYCLES = 5;
/** What a person takes to read a modal before clicking (and between two commands): uniform in this range. */
const THINK_MS: [number, number] = [500, 2_000];
/** How long the bot may take to fill the modals of one phase before the benchmark gives up on the rest. */
const MODALS_TIMEOUT_MS = 60_000;

const VAULT_STEP = 'Restore: pick a Backup vault';

// biome-ignore lint/suspicious/noExplicitAny: JSON lines between the processes
type Json = any;

/** What the Slack child answers for a batch of requests: each one's wall time to its full answer. */
interface Timed {
  ms: number[];
  /** The kind of each request, parallel to `ms` (`command`, `block_actions`). */
  kinds: string[];
  /** HTTP status → count. */
  statuses: Record<string, number>;
  wallMs: number;
  /** CPU time of the Slack process during the batch (fake Web API + load generator). */
  cpuMs: number;
  /** Event-loop delay of the Slack process during the batch: how late it may have read an answer. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Paced run: commands whose modal never showed the vault step (so no pick followed). */
  missed?: number;
}

// ---- children ---------------------------------------------------------------------------------------------

/** A child process of this file, answering one JSON line per JSON line it is sent. */
class Child {
  private readonly pending: ((line: string) => void)[] = [];

  private constructor(
    readonly hello: Json,
    private readonly child: ChildProcess,
  ) {}

  static async start(role: 'emulator' | 'slack'): Promise<Child> {
    const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), __filename, '--child', role], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const hello = await new Promise<Json>((resolve, reject) => {
      lines.once('line', (line) => {
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`the ${role} child printed something that is not JSON: ${line.slice(0, 200)}`));
        }
      });
      child.once('exit', (code) => reject(new Error(`the ${role} child exited with code ${code} before reporting`)));
      child.once('error', reject);
    });
    const started = new Child(hello, child);
    lines.on('line', (line) => started.pending.shift()?.(line));
    return started;
  }

  /** Sends one request; its answer is the next line (requests to one child are sent one at a time). */
  ask<T = Json>(request: Json): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push((line) => {
        const answer = JSON.parse(line);
        if (answer?.error) reject(new Error(`child: ${answer.error}`));
        else resolve(answer as T);
      });
      this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    await exited;
  }
}

/** Serves requests from stdin, one JSON line each, until stdin ends. */
function serveLines(handle: (request: Json) => Promise<Json>, close: () => Promise<void>): void {
  const lines = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      const answer = await handle(JSON.parse(line)).catch((error: unknown) => ({
        error: error instanceof Error ? error.message : String(error),
      }));
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    });
  });
  lines.on('close', () => {
    void queue.then(close).finally(() => process.exit(0));
  });
}

const cpuOf = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function runEmulatorChild(): Promise<void> {
  // Loaded only here, so that the bench process never holds the emulator's world.
  const { startEmulator } = require('../src/emulator') as typeof import('../src/emulator');
  const emulator = await startEmulator({ port: 0, preset: 'demo' });
  const started = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
  serveLines(
    async () => ({ cpuMs: cpuOf(started) }),
    () => emulator.close(),
  );
}

async function runSlackChild(): Promise<void> {
  // Test code, loaded only in this child: the fake Slack Web API and the driver that signs requests like Slack.
  const { FakeSlackApi } = require('../test/fakes/slack-api') as typeof import('../test/fakes/slack-api');
  const { SlackDriver, headersOf } =
    require('../test/bot/slack/slack-driver') as typeof import('../test/bot/slack/slack-driver');
  const people = Array.from({ length: PEOPLE }, (_, i) => ({
    id: `U0BENCH${String(i).padStart(3, '0')}`,
    name: `Bench Person ${i}`,
    tz: 'UTC',
  }));
  const fake = await FakeSlackApi.start({
    teamId: TEAM_ID,
    botUserId: BOT_USER_ID,
    botId: BOT_ID,
    acceptToken: BOT_TOKEN,
    users: people.map((p) => ({ id: p.id, name: p.name, real_name: p.name, tz: p.tz })),
    channels: [{ id: CHANNEL, name: 'oncall' }],
    userGroups: { S0DBAS: [] },
  });
  const drivers = new Map<string, InstanceType<typeof SlackDriver>>();
  const driverFor = (eventsUrl: string) => {
    let driver = drivers.get(eventsUrl);
    if (!driver) {
      // The driver's "wait until the app is idle" is the bench's business, not the driver's.
      driver = new SlackDriver({ eventsUrl, fake, idle: async () => {} });
      drivers.set(eventsUrl, driver);
    }
    return driver;
  };
  /** The modals each batch of commands asked for: trigger id and who asked. */
  const batches = new Map<string, { triggerId: string; person: (typeof people)[number] }[]>();
  const viewOf = (triggerId: string): string | undefined =>
    fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId && c.answer?.ok)?.answer?.view.id;
  const headersNow = (viewId: string) => headersOf(fake.view(viewId)?.view.blocks ?? []);
  /** The modal a command opened, once it shows the vault step; undefined when Slack refused to open it. */
  const vaultStepOf = async (triggerId: string): Promise<string | undefined> => {
    const opened = await fake.waitFor('views.open', (c) => c.args.trigger_id === triggerId, MODALS_TIMEOUT_MS);
    if (!opened.answer?.ok) return undefined;
    const viewId: string = opened.answer.view.id;
    const shows = (c: { args: Json; answer?: Json }) =>
      c.args.view_id === viewId && c.answer?.ok && headersOf(c.args.view?.blocks ?? [])[0] === VAULT_STEP;
    await fake.waitFor('views.update', shows, MODALS_TIMEOUT_MS);
    return viewId;
  };
  let schedule: { at: number; kind: string; body: string }[] = [];

  const timed = async (
    eventsUrl: string,
    count: number,
    concurrency: number,
    send: (driver: InstanceType<typeof SlackDriver>, i: number) => Promise<unknown>,
  ): Promise<Timed> => {
    const driver = driverFor(eventsUrl);
    const mark = driver.exchanges.length;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const cpu = process.cpuUsage();
    loop.enable();
    const started = performance.now();
    await pool(count, concurrency, (i) => send(driver, i));
    const wallMs = performance.now() - started;
    loop.disable();
    const exchanges = driver.exchanges.slice(mark);
    const statuses: Record<string, number> = {};
    for (const e of exchanges) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
    return {
      ms: exchanges.map((e) => e.ms),
      kinds: exchanges.map((e) => e.kind),
      statuses,
      wallMs,
      cpuMs: cpuOf(cpu),
      ...loopFigures(loop),
    };
  };

  const handle = async (request: Json): Promise<Json> => {
    switch (request.op) {
      case 'commands': {
        const batch: { triggerId: string; person: (typeof people)[number] }[] = [];
        batches.set(request.batch, batch);
        return timed(request.eventsUrl, request.count, request.concurrency, async (driver, i) => {
          const person = people[i % people.length]!;
          const { triggerId } = await driver.command(person, '');
          batch.push({ triggerId, person });
        });
      }
      case 'modals': {
        // Until every modal of the batch shows the vault step (or the time is up); what Slack refused is counted.
        const batch = batches.get(request.batch) ?? [];
        const deadline = performance.now() + request.timeoutMs;
        const ready = () => batch.filter((b) => headersNow(viewOf(b.triggerId) ?? '')[0] === VAULT_STEP).length;
        // A modal Slack refused to open (its trigger id expired) will never show anything: not waited for.
        const settled = () => {
          const refused = new Set(
            fake
              .callsTo('views.open')
              .filter((c) => c.status !== undefined && !c.answer?.ok)
              .map((c) => c.args.trigger_id),
          );
          return ready() + batch.filter((b) => refused.has(b.triggerId)).length;
        };
        while (settled() < batch.length && performance.now() < deadline) await sleep(100);
        return { asked: batch.length, ready: ready(), refused: refusals(fake.calls) };
      }
      case 'picks': {
        // The i-th pick goes to the i-th modal of the batch that shows the vault step, by the person who opened
        // it; the vaults are picked in turn, so every kind of vault (and of next step) is asked for.
        const batch = (batches.get(request.batch) ?? [])
          .map((b) => ({ ...b, viewId: viewOf(b.triggerId) }))
          .filter((b): b is typeof b & { viewId: string } => !!b.viewId && headersNow(b.viewId)[0] === VAULT_STEP);
        const count = Math.min(request.count, batch.length);
        return timed(request.eventsUrl, count, request.concurrency, async (driver, i) => {
          const target = batch[request.offset + i]!;
          const options = vaultOptions(driver.modal(target.viewId));
          const label = options[i % options.length].text.text;
          await driver.pick(target.person, target.viewId, 'vault', { label });
        });
      }
      case 'paced': {
        // People at a human pace: each sends `/restore`, waits until the modal shows the vault step and reads it,
        // picks a vault, and after a while starts again. Every request's send time is kept for the replay.
        const driver = driverFor(request.eventsUrl);
        const send = driver.send.bind(driver);
        const started = performance.now();
        schedule = [];
        driver.send = (kind, body, extra) => {
          schedule.push({ at: performance.now() - started, kind, body });
          return send(kind, body, extra);
        };
        let missed = 0;
        try {
          return {
            ...(await timed(request.eventsUrl, request.people, request.people, async (_, i) => {
              const person = people[i % people.length]!;
              for (let cycle = 0; cycle < request.cycles; cycle++) {
                await sleep(think(request.thinkMs));
                const { triggerId } = await driver.command(person, '');
                const viewId = await vaultStepOf(triggerId);
                if (!viewId) {
                  missed++;
                  continue;
                }
                await sleep(think(request.thinkMs));
                const options = vaultOptions(driver.modal(viewId));
                await driver.pick(person, viewId, 'vault', { label: options[(i + cycle) % options.length].text.text });
              }
            })),
            missed,
          };
        } finally {
          driver.send = send;
        }
      }
      case 'replay': {
        // The paced run's requests, re-signed, each sent at the moment it was sent then.
        const started = performance.now();
        const recorded = schedule;
        return timed(request.eventsUrl, recorded.length, recorded.length, async (driver, i) => {
          const entry = recorded[i]!;
          await sleep(entry.at - (performance.now() - started));
          await driver.send(entry.kind, entry.body);
        });
      }
      case 'advanced': {
        // After the bot's picks: how many of the batch's modals went on past the vault step.
        const batch = batches.get(request.batch) ?? [];
        const deadline = performance.now() + request.timeoutMs;
        const moved = () =>
          batch.filter((b) => {
            const headers = headersNow(viewOf(b.triggerId) ?? '');
            return headers.length > 0 && headers[0] !== VAULT_STEP;
          }).length;
        while (moved() < request.expected && performance.now() < deadline) await sleep(100);
        return { moved: moved(), refused: refusals(fake.calls), calls: fake.calls.length };
      }
      default:
        throw new Error(`unknown op ${request.op}`);
    }
  };
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
  serveLines(handle, () => fake.close());
}

function vaultOptions(modal: Json): Json[] {
  const input = modal.blocks.find((b: Json) => b.type === 'input' && /^c:vault:/.test(b.element?.action_id ?? ''));
  if (!input) throw new Error('the modal shows no vault pick list');
  return input.element.options;
}

/** Web API calls the fake refused, by method and error (expired trigger ids would show here). */
function refusals(calls: readonly { method: string; answer?: Json; status?: number }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    if (call.status === 200 && call.answer?.ok) continue;
    const key = `${call.method}: ${call.answer?.error ?? call.status ?? 'unanswered'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function loopFigures(loop: IntervalHistogram): { loopP99Ms: number; loopMaxMs: number } {
  return { loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
}

/** `count` tasks, at most `concurrency` at once, each started as soon as one finishes. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const think = ([min, max]: [number, number]) => min + Math.random() * (max - min);

// ---- the bare Bolt app ------------------------------------------------------------------------------------

/** The smallest Bolt app on our receiver and client settings: every command and action is acked, nothing else. */
async function startBareBolt(apiUrl: string): Promise<{ eventsUrl: string; stop(): Promise<void> }> {
  const app = new App({
    token: BOT_TOKEN,
    receiver: new SlackHttpReceiver({ signingSecret: SECRET, logger: silentLogger }),
    tokenVerificationEnabled: false,
    botId: BOT_ID,
    botUserId: BOT_USER_ID,
    clientOptions: webClientOptions({ apiUrl, retryConfig: { retries: 0 } }),
    logger: boltLogger(silentLogger),
  });
  app.command(/.*/, async ({ ack }) => {
    await ack();
  });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
  return {
    eventsUrl: `http://127.0.0.1:${server.address().port}${SLACK_EVENTS_PATH}`,
    stop: async () => {
      await app.stop();
    },
  };
}

// ---- figures ----------------------------------------------------------------------------------------------

function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number) => value.toFixed(1);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const out = (line = '') => process.stdout.write(`${line}\n`);

/** The bot process's own CPU and event-loop delay over a phase. */
class ProcessWatch {
  private readonly loop = monitorEventLoopDelay({ resolution: 5 });
  private readonly cpu = process.cpuUsage();
  constructor() {
    this.loop.enable();
  }
  stop(): { cpuMs: number; loopP99Ms: number; loopMaxMs: number } {
    this.loop.disable();
    return { cpuMs: cpuOf(this.cpu), ...loopFigures(this.loop) };
  }
}

interface Phase {
  name: string;
  timed: Timed;
  app: { cpuMs: number; loopP99Ms: number; loopMaxMs: number };
}

function describePhase(phase: Phase): void {
  const { timed, app } = phase;
  const slow = timed.ms.filter((t) => t > SLOW_MS).length;
  const statuses = Object.entries(timed.statuses)
    .map(([status, n]) => `${n}×${status}`)
    .join(' ');
  out(
    `${phase.name.padEnd(24)} ${String(timed.ms.length).padStart(4)} in ${ms(timed.wallMs).padStart(7)} ms ` +
      `(${(timed.ms.length / (timed.wallMs / 1000)).toFixed(0).padStart(4)}/s): ` +
      `p50 ${ms(percentile(timed.ms, 50)).padStart(6)}  p99 ${ms(percentile(timed.ms, 99)).padStart(6)}  ` +
      `max ${ms(Math.max(...timed.ms)).padStart(6)} ms, over 1 s: ${slow}, ${statuses}`,
  );
  out(
    `${''.padEnd(24)} app process: CPU ${ms(app.cpuMs)} ms (${ms(app.cpuMs / Math.max(1, timed.ms.length))} per request), event-loop delay p99 ${ms(app.loopP99Ms)} / max ` +
      `${ms(app.loopMaxMs)} ms; Slack process: CPU ${ms(timed.cpuMs)} ms, event-loop delay p99 ` +
      `${ms(timed.loopP99Ms)} / max ${ms(timed.loopMaxMs)} ms`,
  );
}

/** restore-bot's latencies against the bare app's: printed, and the figures the targets are read from. */
function compare(ours: number[], theirs: number[]): { p99: number; ratio: number; slow: number } {
  const p50 = percentile(ours, 50);
  const p99 = percentile(ours, 99);
  const bareP50 = percentile(theirs, 50);
  const bareP99 = percentile(theirs, 99);
  const slow = ours.filter((t) => t > SLOW_MS).length;
  out(
    `${''.padEnd(24)} restore-bot ${ours.length} requests: p50 ${ms(p50)}, p99 ${ms(p99)}, max ` +
      `${ms(Math.max(...ours))} ms; bare Bolt: p50 ${ms(bareP50)}, p99 ${ms(bareP99)}, max ` +
      `${ms(Math.max(...theirs))} ms`,
  );
  out(
    `${''.padEnd(24)} ratio p50 ${(p50 / bareP50).toFixed(2)}x, p99 ${(p99 / bareP99).toFixed(2)}x; difference p50 ` +
      `${ms(p50 - bareP50)} ms, p99 ${ms(p99 - bareP99)} ms (a baseline of a few ms makes the ratio noisy)`,
  );
  return { p99, ratio: p99 / bareP99, slow };
}

/**
 * The bot's store: PGlite in memory (the embedded default, which runs its SQL on the bot's own event loop), or,
 * when BENCH_DATABASE_URL is set, PostgreSQL in a schema of its own (created here, dropped afterwards), to see
 * what the embedded database costs the acks.
 */
async function benchStore(): Promise<{ databaseUrl?: string; label: string; drop(): Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL?.trim();
  if (!base) return { label: 'fresh PGlite memory store', drop: async () => {} };
  const { Client } = require('pg') as typeof import('pg');
  const schema = `bench_slack_${process.pid}`;
  const run = async (sql: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: url.toString(),
    label: `PostgreSQL (BENCH_DATABASE_URL, schema ${schema})`,
    drop: () => run(`DROP SCHEMA ${schema} CASCADE`),
  };
}

/** Anything but 200 means the requests were not what the app accepts (a bench bug): stop before waiting on it. */
function refuseUnanswered(phase: Phase): void {
  const other = Object.entries(phase.timed.statuses).filter(([status]) => status !== '200');
  if (other.length) throw new Error(`${phase.name} were answered ${JSON.stringify(phase.timed.statuses)}`);
}

// ---- the benchmark ----------------------------------------------------------------------------------------

async function runSlackBenchmark(): Promise<void> {
  const benchStarted = performance.now();
  const emulator = await Child.start('emulator');
  const slack = await Child.start('slack');
  const emulatorUrl: string = emulator.hello.url;
  const apiUrl: string = slack.hello.url;
  const store = await benchStore();
  let bot: RunningBot | undefined;
  let bare: Awaited<ReturnType<typeof startBareBolt>> | undefined;
  try {
    const faults = await fetch(`${emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ latencyMs: ARM_LATENCY_MS }] }),
    });
    if (!faults.ok) throw new Error(`the emulator refused the latency rule: ${faults.status}`);
    out(
      `setup: restore-bot (startBot, ${store.label}, config/demo.yaml, Slack over HTTP) and a bare Bolt ` +
        `app (same SlackHttpReceiver and client settings, listeners that only ack), both in this process on 127.0.0.1; ` +
        `the emulator (demo, every ARM call ${ARM_LATENCY_MS} ms late) and "Slack" (fake Web API + signed-request ` +
        `load) each in a child process`,
    );
    out(
      `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the start (other work on the machine shows in every figure)`,
    );
    out(
      `load: ${COMMANDS} signed "/restore" commands, then ${PICKS} vault picks (block_actions, static_select) in the ` +
        `modals those commands opened, ${CONCURRENCY} in flight; latency = send to full answer, as Slack's 3 s ack ` +
        `deadline counts it`,
    );
    out();

    const env = demoEnv(
      readEnv({
        PORT: '0',
        DATA_DIR: 'memory://',
        ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
        LOG_LEVEL: 'error',
        SLACK_PORT: '0',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: apiUrl,
        SLACK_BOT_USER_ID: BOT_USER_ID,
        SLACK_BOT_ID: BOT_ID,
      }),
      emulatorUrl,
    );
    const running = await startBot(env, silentLogger);
    bot = running;
    if (!running.slack) throw new Error('startBot did not start Slack although both Slack secrets are set');
    const botEvents = `${running.slack.url}${SLACK_EVENTS_PATH}`;
    bare = await startBareBolt(apiUrl);
    const bareEvents = bare.eventsUrl;
    const settle = () => running.slack!.idle();

    const phase = async (name: string, request: Json): Promise<Phase> => {
      const watch = new ProcessWatch();
      const timed = await slack.ask<Timed>(request);
      return { name, timed, app: watch.stop() };
    };
    const modals = async (batch: string) => {
      const answer = await slack.ask({ op: 'modals', batch, timeoutMs: MODALS_TIMEOUT_MS });
      await settle();
      return answer as { asked: number; ready: number; refused: Record<string, number> };
    };

    // Warm-up of the bot: a few commands and picks, at a lower concurrency, unmeasured.
    await slack.ask({ op: 'commands', batch: 'warm', eventsUrl: botEvents, count: WARMUP, concurrency: 5 });
    await modals('warm');
    await slack.ask({ op: 'picks', batch: 'warm', eventsUrl: botEvents, count: WARMUP, offset: 0, concurrency: 5 });
    await settle();

    // The bot: commands. Each one's turn (views.open, Azure reads, views.update) runs after its ack.
    const botCommands = await phase('restore-bot commands', {
      op: 'commands',
      batch: 'load',
      eventsUrl: botEvents,
      count: COMMANDS,
      concurrency: CONCURRENCY,
    });
    refuseUnanswered(botCommands);
    const shown = await modals('load');

    // The bare app: the same commands, then picks built from the bot's modals (still at the vault step).
    await slack.ask({ op: 'commands', batch: 'bare-warm', eventsUrl: bareEvents, count: WARMUP, concurrency: 5 });
    await slack.ask({ op: 'picks', batch: 'load', eventsUrl: bareEvents, count: WARMUP, offset: 0, concurrency: 5 });
    const bareCommands = await phase('bare Bolt commands', {
      op: 'commands',
      batch: 'bare',
      eventsUrl: bareEvents,
      count: COMMANDS,
      concurrency: CONCURRENCY,
    });
    const picks = Math.min(PICKS, shown.ready);
    const barePicks = await phase('bare Bolt picks', {
      op: 'picks',
      batch: 'load',
      eventsUrl: bareEvents,
      count: picks,
      offset: 0,
      concurrency: CONCURRENCY,
    });

    // The bot: the picks. Each one's wizard turn (Azure reads, views.update) runs after its ack.
    const botPicks = await phase('restore-bot picks', {
      op: 'picks',
      batch: 'load',
      eventsUrl: botEvents,
      count: picks,
      offset: 0,
      concurrency: CONCURRENCY,
    });
    const afterStarted = performance.now();
    const advanced = await slack.ask({ op: 'advanced', batch: 'load', expected: picks, timeoutMs: MODALS_TIMEOUT_MS });
    await settle();
    const afterMs = performance.now() - afterStarted;

    // Paced: the same kinds of requests from people who read what they get before clicking; then the same
    // requests, at the same moments, to the bare app.
    const paced = await phase('restore-bot paced', {
      op: 'paced',
      eventsUrl: botEvents,
      people: PACED_PEOPLE,
      cycles: PACED_CYCLES,
      thinkMs: THINK_MS,
    });
    await settle();
    const replayed = await phase('bare Bolt, same arrivals', { op: 'replay', eventsUrl: bareEvents });
    const emulatorCpu = await emulator.ask<{ cpuMs: number }>({ op: 'cpu' });

    out(`burst: ${CONCURRENCY} requests in flight at every moment (each answer sends the next)`);
    for (const p of [botCommands, botPicks, bareCommands, barePicks]) describePhase(p);
    out(
      `${''.padEnd(24)} background: ${shown.ready}/${shown.asked} modals showed the vault step after the commands; ` +
        `${advanced.moved}/${picks} went on past it after the picks (${ms(afterMs)} ms after the last ack); ` +
        `Web API refusals: ${JSON.stringify(advanced.refused)}`,
    );
    const burst = compare(
      [...botCommands.timed.ms, ...botPicks.timed.ms],
      [...bareCommands.timed.ms, ...barePicks.timed.ms],
    );
    out();
    out(
      `paced: ${PACED_PEOPLE} people at once, each ${PACED_CYCLES} times: /restore, read the modal ` +
        `(${THINK_MS[0] / 1000}-${THINK_MS[1] / 1000} s), pick a vault, a pause; the bare app gets the same requests ` +
        `at the same moments`,
    );
    describePhase(paced);
    describePhase(replayed);
    out(
      `${''.padEnd(24)} by kind: ${['command', 'block_actions']
        .map((kind) => {
          const of = paced.timed.ms.filter((_, i) => paced.timed.kinds[i] === kind);
          return `${kind} p50 ${ms(percentile(of, 50))} / p99 ${ms(percentile(of, 99))} ms`;
        })
        .join(', ')}; modals that never showed the vault step: ${paced.timed.missed ?? 0}`,
    );
    const steady = compare(paced.timed.ms, replayed.timed.ms);
    out();
    out(`emulator CPU over the whole run: ${ms(emulatorCpu.cpuMs)} ms`);
    out(`targets (p99 < ${TARGET_P99_MS} ms, ratio < ${TARGET_RATIO}x, nothing over ${SLOW_MS} ms):`);
    for (const [name, figures] of [
      ['burst', burst],
      ['paced', steady],
    ] as const) {
      out(
        `  ${name.padEnd(6)} p99 ${verdict(figures.p99 < TARGET_P99_MS)}, ratio ${verdict(figures.ratio < TARGET_RATIO)}, ` +
          `over ${SLOW_MS} ms ${verdict(figures.slow === 0)} (${figures.slow})`,
      );
    }
    out(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    out(`bench wall time: ${ms((performance.now() - benchStarted) / 1000)} s`);
  } finally {
    await bare?.stop();
    await bot?.close();
    await slack.stop();
    await emulator.stop();
    await store.drop();
  }
}

export const slackBenchmark: Benchmark = {
  name: 'slack',
  description: `Slack ack latency, ARM ${ARM_LATENCY_MS} ms late: ${COMMANDS} /restore commands and ${PICKS} vault picks ${CONCURRENCY} in flight, then ${PACED_PEOPLE} people at a human pace; vs a bare Bolt app`,
  run: runSlackBenchmark,
};

if (require.main === module && process.argv[2] === '--child') {
  const role = process.argv[3];
  const run = role === 'emulator' ? runEmulatorChild : role === 'slack' ? runSlackChild : undefined;
  if (!run) {
    process.stderr.write(`unknown bench child: ${role}\n`);
    process.exit(2);
  }
  run().catch((error: unknown) => {
    process.stderr.write(`bench ${role} child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
