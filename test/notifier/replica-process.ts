/**
 * Bot replicas as child processes (test/notifier/bot-child.ts, run with tsx like the crash tests), sharing
 * one PostgreSQL schema: started, stopped, or SIGKILLed — no finally blocks, no released leases.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = join(__dirname, '..', '..');
const CHILD_SCRIPT = join(__dirname, 'bot-child.ts');

/** A connection string whose sessions work in `schema` (the bot's own openStore takes no schema option). */
export function urlInSchema(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export class BotReplica {
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  private constructor(
    readonly url: string,
    readonly pid: number,
    private readonly child: ChildProcess,
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {
    this.exited = exited;
  }

  static async start(env: Record<string, string>): Promise<BotReplica> {
    const { NODE_OPTIONS: _jestVmFlags, ...inherited } = process.env;
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', CHILD_SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...inherited, LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const started = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => {
        try {
          resolve(JSON.parse(line) as { url: string; pid: number });
        } catch {
          reject(new Error(`the bot replica printed something else: ${line.slice(0, 300)}`));
        }
      });
      void exited.then(({ code }) => reject(new Error(`the bot replica exited (${code}) before serving:\n${stderr}`)));
      child.once('error', reject);
    });
    const replica = new BotReplica(started.url, started.pid, child, exited);
    child.stderr!.on('data', (chunk: Buffer) => {
      replica.stderr += chunk.toString();
    });
    replica.stderr = stderr;
    return replica;
  }

  /** SIGKILL: what a power cut or an OOM kill leaves behind. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (the bot closes, giving its leases back). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin?.end();
    await this.exited;
  }
}
