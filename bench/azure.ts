/**
 * `npm run bench -- azure`: what reading recovery points costs through our client, against the emulator's
 * `scale` preset. Listing everything is linear in the number of points; the newest page must not be (one ARM
 * call, under 50 ms, whatever the count). Also: what the client adds per call over a raw HTTP round trip.
 *
 * The emulator runs in a child process so its memory is not ours, and every measured phase runs in a child of
 * its own so each phase's peak RSS is its own. This file is both the parent (the registered benchmark) and,
 * when started with `--child <role>`, those children.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, get as httpGet } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createCredential, DataProtectionClient } from '../src/azure';
import type { Benchmark } from './run';

const TARGET_NEWEST_MS = 50;
const TARGET_OVERHEAD_MS = 1;
const OVERHEAD_CALLS = 300;
const OVERHEAD_WARMUP = 30;

type Role = 'emulator' | 'list-all' | 'first-page' | 'newest' | 'overhead';

interface PhaseInput {
  url: string;
  instanceId: string;
  vaultId: string;
}

interface PhaseResult {
  wallMs: number;
  items: number;
  /** RSS when the phase started (after module loading and one warm-up call). */
  rssBeforeKb: number;
  /** process.resourceUsage().maxRSS at the end: the phase's peak. */
  peakRssKb: number;
  /** Per-call latencies for the overhead phase. */
  raw?: number[];
  /** The same GET over node:http with a keep-alive Agent: the stack the client itself sends through. */
  rawNodeHttp?: number[];
  client?: number[];
}

// ---- children ---------------------------------------------------------------------------------------------

function clientFor(url: string): DataProtectionClient {
  return new DataProtectionClient({ endpoint: url, credential: createCredential('emulator', url) });
}

async function runEmulatorChild(): Promise<void> {
  // Loaded here so that phase children never load the emulator: their RSS is the client's alone. (require, not
  // import(): a dynamic import of a .ts file does not go through tsx's CommonJS hook.)
  const { startEmulator } = require('../src/emulator') as typeof import('../src/emulator');
  const emulator = await startEmulator({ port: 0, preset: 'demo' });
  process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
  const stop = () => emulator.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

async function runPhaseChild(role: Exclude<Role, 'emulator'>, input: PhaseInput): Promise<PhaseResult> {
  const client = clientFor(input.url);
  // One call outside the measurement: connection, pipeline and token are ready, as in a running bot.
  await client.getBackupInstance(input.instanceId);
  const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);
  const started = performance.now();
  let items = 0;
  let latencies: Pick<PhaseResult, 'raw' | 'rawNodeHttp' | 'client'> = {};
  if (role === 'list-all') {
    for await (const page of client.listRecoveryPoints(input.instanceId).byPage()) items += page.items.length;
  } else if (role === 'first-page') {
    items = (await client.listRecoveryPoints(input.instanceId).firstPage()).items.length;
  } else if (role === 'newest') {
    items = (await client.newestRecoveryPoint(input.instanceId)) ? 1 : 0;
  } else {
    latencies = await measureOverhead(client, input);
    items = OVERHEAD_CALLS * 3;
  }
  const wallMs = performance.now() - started;
  return { wallMs, items, rssBeforeKb, peakRssKb: process.resourceUsage().maxRSS, ...latencies };
}

/**
 * The same GET of one vault by raw fetch (undici, keep-alive), by raw node:http (keep-alive Agent) and by the
 * client, interleaved, after a warm-up of each. Both raw sides read and parse the JSON body, as the client does.
 */
async function measureOverhead(client: DataProtectionClient, input: PhaseInput) {
  const url = `${input.url}${input.vaultId}?api-version=${client.apiVersion}`;
  const headers = { authorization: 'Bearer bench-token', accept: 'application/json' };
  const rawFetch = async () => {
    const res = await fetch(url, { headers });
    await res.json();
    if (!res.ok) throw new Error(`raw fetch answered ${res.status}`);
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const rawNodeHttp = () =>
    new Promise<void>((resolve, reject) => {
      httpGet(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode === 200) resolve();
          else reject(new Error(`raw node:http answered ${res.statusCode}`));
        });
        res.on('error', reject);
      }).on('error', reject);
    });
  const clientGet = () => client.getVault(input.vaultId);
  for (let i = 0; i < OVERHEAD_WARMUP; i++) {
    await rawFetch();
    await rawNodeHttp();
    await clientGet();
  }
  const raw: number[] = [];
  const nodeHttp: number[] = [];
  const viaClient: number[] = [];
  const time = async (call: () => Promise<unknown>, into: number[]) => {
    const t0 = performance.now();
    await call();
    into.push(performance.now() - t0);
  };
  // Interleaved so that drift (GC, CPU frequency) hits every side alike.
  for (let i = 0; i < OVERHEAD_CALLS; i++) {
    await time(rawFetch, raw);
    await time(rawNodeHttp, nodeHttp);
    await time(clientGet, viaClient);
  }
  agent.destroy();
  return { raw, rawNodeHttp: nodeHttp, client: viaClient };
}

// ---- parent -----------------------------------------------------------------------------------------------

function childArgs(role: Role, input?: PhaseInput): string[] {
  return ['-r', require.resolve('tsx/cjs'), __filename, '--child', role, ...(input ? [JSON.stringify(input)] : [])];
}

/** Starts a child and resolves with the first JSON line it prints. */
function firstJsonLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let done = false;
    lines.once('line', (line) => {
      done = true;
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${what} printed something that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    child.once('exit', (code) => {
      if (!done) reject(new Error(`${what} exited with code ${code} before reporting`));
    });
    child.once('error', reject);
  });
}

async function runPhase(role: Exclude<Role, 'emulator'>, input: PhaseInput): Promise<PhaseResult> {
  const child = spawn(process.execPath, childArgs(role, input), { stdio: ['ignore', 'pipe', 'inherit'] });
  return firstJsonLine<PhaseResult>(child, `bench phase ${role}`);
}

class EmulatorProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<EmulatorProcess> {
    const child = spawn(process.execPath, childArgs('emulator'), { stdio: ['pipe', 'pipe', 'inherit'] });
    const { url } = await firstJsonLine<{ url: string }>(child, 'the emulator');
    return new EmulatorProcess(url, child);
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} /_emulator/${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** ARM calls since the last clear whose path contains `pathPart`. */
  async armCalls(pathPart: string): Promise<number> {
    const { requests } = (await this.admin('GET', 'requests')) as { requests: Array<{ path: string }> };
    return requests.filter((r) => r.path.includes(pathPart)).length;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    await exited;
  }
}

/** A scale world with one instance holding `points` recovery points; returns that instance and its vault. */
async function scaleWorld(emulator: EmulatorProcess, points: number): Promise<PhaseInput> {
  await emulator.admin('POST', 'reset', {
    preset: 'scale',
    subscriptions: 1,
    vaultsPerSubscription: 1,
    instancesPerVault: 1,
    recoveryPointsPerInstance: points,
  });
  const client = clientFor(emulator.url);
  const [subscription] = await client.listSubscriptions().toArray(1);
  const [vault] = await client.listVaultsInSubscription(subscription!.subscriptionId).toArray(1);
  const [instance] = await client.listBackupInstances(vault!.id).toArray(1);
  return { url: emulator.url, vaultId: vault!.id, instanceId: instance!.id };
}

interface Row {
  label: string;
  points: number;
  result: PhaseResult;
  calls: number;
}

async function measure(
  emulator: EmulatorProcess,
  label: string,
  role: 'list-all' | 'first-page' | 'newest',
  input: PhaseInput,
  points: number,
): Promise<Row> {
  await emulator.admin('DELETE', 'requests');
  const result = await runPhase(role, input);
  return { label, points, result, calls: await emulator.armCalls('/recoveryPoints') };
}

const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const fmtMb = (kb: number) => (kb / 1024).toFixed(1);

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function runAzureBenchmark(): Promise<void> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const emulator = await EmulatorProcess.start();
  try {
    const world10k = await scaleWorld(emulator, 10_000);
    const all = await measure(emulator, 'list all points', 'list-all', world10k, 10_000);
    const first10k = await measure(emulator, 'newest page (firstPage)', 'first-page', world10k, 10_000);
    const newest10k = await measure(emulator, 'newestRecoveryPoint', 'newest', world10k, 10_000);
    await emulator.admin('DELETE', 'requests');
    const overhead = await runPhase('overhead', world10k);

    const world100k = await scaleWorld(emulator, 100_000);
    const first100k = await measure(emulator, 'newest page (firstPage)', 'first-page', world100k, 100_000);
    const newest100k = await measure(emulator, 'newestRecoveryPoint', 'newest', world100k, 100_000);

    out(`emulator: ${emulator.url} (own process); every phase below ran in a fresh child process`);
    out('');
    const rows = [all, first10k, newest10k, first100k, newest100k];
    out(
      table(
        ['phase', 'points', 'items', 'wall ms', 'ARM calls', 'RSS start MB', 'peak RSS MB'],
        rows.map((r) => [
          r.label,
          r.points.toLocaleString('en-US'),
          String(r.result.items),
          fmtMs(r.result.wallMs),
          String(r.calls),
          fmtMb(r.result.rssBeforeKb),
          fmtMb(r.result.peakRssKb),
        ]),
      ),
    );
    out('');
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    for (const r of [first10k, first100k]) {
      const ok = r.calls === 1 && r.result.wallMs < TARGET_NEWEST_MS;
      out(
        `target newest page @${r.points.toLocaleString('en-US')}: 1 ARM call and < ${TARGET_NEWEST_MS} ms -> ` +
          `${r.calls} call(s), ${fmtMs(r.result.wallMs)} ms: ${verdict(ok)}`,
      );
    }
    out(
      `ratio newest page / all (10,000 points): wall ${(first10k.result.wallMs / all.result.wallMs).toFixed(4)}, ` +
        `ARM calls ${first10k.calls}/${all.calls} = ${(first10k.calls / all.calls).toFixed(4)}, ` +
        `peak RSS ${(first10k.result.peakRssKb / all.result.peakRssKb).toFixed(2)}`,
    );
    out(
      `independence of the count: newest page 100,000 vs 10,000 points: wall ${(first100k.result.wallMs / first10k.result.wallMs).toFixed(2)}x, ` +
        `ARM calls ${first100k.calls} vs ${first10k.calls}`,
    );
    out(
      "note: scale points are hourly, so newestRecoveryPoint's first 8-day window spans 192 points (2 pages); " +
        'with weekly PG Flexible Server backups it is one call.',
    );
    out('');

    const raw = summary(overhead.raw ?? []);
    const nodeHttp = summary(overhead.rawNodeHttp ?? []);
    const viaClient = summary(overhead.client ?? []);
    // The client's cost is measured against the faster raw round trip, so it is never flattered.
    const baseline = nodeHttp.mean <= raw.mean ? nodeHttp : raw;
    const baselineName = baseline === nodeHttp ? 'raw node:http' : 'raw fetch';
    const row = (name: string, s: { mean: number; p50: number; p99: number }) => [
      name,
      fmtMs(s.mean),
      fmtMs(s.p50),
      fmtMs(s.p99),
    ];
    out(
      `client overhead: ${OVERHEAD_CALLS} interleaved sequential GETs of one vault each way, after ${OVERHEAD_WARMUP} warm-ups`,
    );
    out(
      table(
        ['per call', 'mean ms', 'p50 ms', 'p99 ms'],
        [
          row('raw fetch (keep-alive)', raw),
          row('raw node:http (keep-alive)', nodeHttp),
          row('client.getVault', viaClient),
          row(`client - ${baselineName}`, {
            mean: viaClient.mean - baseline.mean,
            p50: viaClient.p50 - baseline.p50,
            p99: viaClient.p99 - baseline.p99,
          }),
        ],
      ),
    );
    const added = viaClient.mean - baseline.mean;
    out(
      `target client overhead < ${TARGET_OVERHEAD_MS} ms per call (vs ${baselineName}) -> ${fmtMs(added)} ms (mean): ${verdict(added < TARGET_OVERHEAD_MS)}`,
    );
    out(`overhead phase peak RSS: ${fmtMb(overhead.peakRssKb)} MB`);
  } finally {
    await emulator.stop();
  }
}

export const azureBenchmark: Benchmark = {
  name: 'azure',
  description: 'recovery points at scale through the client against the emulator (scale preset), and client overhead',
  run: runAzureBenchmark,
};

// ---- child entry point ------------------------------------------------------------------------------------

if (require.main === module && process.argv[2] === '--child') {
  const role = process.argv[3] as Role;
  const work =
    role === 'emulator'
      ? runEmulatorChild()
      : runPhaseChild(role, JSON.parse(process.argv[4] ?? '{}') as PhaseInput).then((result) => {
          // Exit at once: keep-alive sockets would otherwise hold the child open for seconds.
          process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
        });
  work.catch((error: unknown) => {
    process.stderr.write(`bench child ${role} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
