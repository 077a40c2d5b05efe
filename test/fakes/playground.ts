/**
 * Drives the real Teams playground (`@microsoft/teams-app-test-tool` 0.2.28, "Microsoft 365 Agents
 * Playground") without a browser, through the HTTP + WebSocket API its own web page uses (see
 * docs/teams-testing.md §1). That API is internal to the tool, which is why the version is pinned.
 *
 * - The tool runs as a child process on a free port, with its log file in a temp dir and no telemetry.
 * - What the bot sends arrives on a WebSocket. On connect the tool first hands over what it buffered while no
 *   client was connected (not a full history: nothing is buffered while the browser page is open);
 *   `openStream` drops that, so a test only sees what happens after it started listening. The only complete
 *   server-side history is the events recording (`recordEvents`).
 * - The browser always acts as the configured current user; any other user is simulated with a custom
 *   activity (the UI's "Mock an Activity"), which the tool forwards to the bot as it is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import WebSocket from 'ws';
import { type PlaygroundFrame, sendCustomActivity, takeBufferedFrames, WS_STREAM_PATH } from '../../src/demo-approve';

export type { PlaygroundFrame, PlaygroundMessage } from '../../src/demo-approve';

export const REPO_ROOT = resolve(__dirname, '../..');
export const DEMO_PLAYGROUND_CONFIG = join(REPO_ROOT, '.m365agentsplayground.yml');

export interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId?: string;
}

/** `GET /_internal/v1/config`, the part tests read. */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  teams: { id: string; name?: string; channels: { id: string; name: string }[] }[];
}

export interface StartPlaygroundOptions {
  /** The bot's `/api/messages` URL (loopback). */
  botEndpoint: string;
  /** A `.m365agentsplayground.yml`; default: the demo's, committed at the repo root. */
  configFile?: string;
  /**
   * Also write every activity to a recording file (`--enable-events-recording`), the only server-side history
   * the tool keeps; `recordingFile` names it.
   */
  recordEvents?: boolean;
  /** Milliseconds to wait for `/_debug/ping` (the tool is ready in about 1 s). */
  readyTimeoutMs?: number;
}

export class Playground {
  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly workDir: string,
    private readonly logFile: string,
    /** Where `recordEvents` writes (absent until the first activity, or when recording is off). */
    readonly recordingFile: string,
  ) {}

  static async start(options: StartPlaygroundOptions): Promise<Playground> {
    const workDir = await mkdtemp(join(tmpdir(), 'restore-bot-playground-'));
    // The tool reads ./.m365agentsplayground.yml and writes ./devTools/ in its working directory.
    await copyFile(options.configFile ?? DEMO_PLAYGROUND_CONFIG, join(workDir, '.m365agentsplayground.yml'));
    const logFile = join(workDir, 'playground.log');
    const recordingFile = join(workDir, 'events.log');
    const port = await freeLoopbackPort();
    const cli = join(dirname(require.resolve('@microsoft/teams-app-test-tool/package.json')), 'cli.js');
    const args = [cli, 'start', '--disable-telemetry', '-p', String(port)];
    if (options.recordEvents) args.push('--enable-events-recording');
    const child = spawn(process.execPath, args, {
      cwd: workDir,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        BOT_ENDPOINT: options.botEndpoint,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(workDir, '.m365agentsplayground.yml'),
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
        M365_AGENTS_PLAYGROUND_RECORDING_FILE: recordingFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The tool falls back to a random port when ours was taken meanwhile: trust what it prints.
    let actualPort = port;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const match = /Listening on (\d+)/.exec(chunk);
      if (match) actualPort = Number(match[1]);
    });
    child.stderr?.resume();
    const playground = () =>
      new Playground(`http://127.0.0.1:${actualPort}`, actualPort, child, workDir, logFile, recordingFile);
    try {
      await waitUntilReady(() => actualPort, child, options.readyTimeoutMs ?? 20_000);
    } catch (error) {
      // A bad config file still prints "Listening", then exits; the reason is only in the log file.
      const log = await readFile(logFile, 'utf8').catch(() => '(no log file)');
      await playground().stop();
      throw new Error(`${(error as Error).message}\nplayground log (tail):\n${log.slice(-2000)}`);
    }
    return playground();
  }

  async config(): Promise<PlaygroundConfig> {
    const body = (await this.request('GET', '/_internal/v1/config')) as { config: PlaygroundConfig };
    return body.config;
  }

  /** A typed message as a user of the conversation (the tool refuses users who are not members). */
  async sendMessage(conversationId: string, text: string, fromId = 'user-id-0'): Promise<{ messageId: string }> {
    return (await this.request(
      'POST',
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        from: { id: fromId },
        text,
        textFormat: 'plain',
      },
    )) as { messageId: string };
  }

  /** An `Action.Submit` click on a card: the bot gets a message whose `value` is the data plus inputs. */
  async submit(conversationId: string, cardMessageId: string, value: Record<string, string>, fromId = 'user-id-0') {
    await this.request('POST', '/_conversation/v1/submit', {
      conversation: { id: conversationId },
      from: { id: fromId },
      replyToId: cardMessageId,
      value,
    });
  }

  /**
   * An `Action.Execute` click as the current user, answered synchronously with the bot's invoke response
   * (`{type, value}`); the tool does not broadcast that answer on the WebSocket.
   */
  async execute(
    conversationId: string,
    cardMessageId: string,
    action: { verb: string; title: string; data: Record<string, unknown> },
    fromId = 'user-id-0',
  ): Promise<{ type: string; value: unknown }> {
    return (await this.request('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', ...action }, trigger: 'manual' },
      from: { id: fromId },
      conversation: { id: conversationId },
      replyToId: cardMessageId,
    })) as { type: string; value: unknown };
  }

  /** Any activity, forwarded to the bot as it is (fire and forget: the bot's answer is not returned). */
  async customActivity(activity: Record<string, unknown>): Promise<void> {
    await sendCustomActivity(this.url, activity);
  }

  /** What the tool buffered while no WebSocket client was connected (taking it: it is handed over once). */
  async history(): Promise<PlaygroundFrame[]> {
    return takeBufferedFrames(this.url);
  }

  /** Live bot messages from now on (history dropped). Close it when done. */
  async openStream(): Promise<MessageStream> {
    const stream = new MessageStream(`ws://127.0.0.1:${this.port}${WS_STREAM_PATH}`);
    await stream.ready();
    return stream;
  }

  async logTail(chars = 4000): Promise<string> {
    const log = await readFile(this.logFile, 'utf8').catch(() => '');
    return log.slice(-chars);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.workDir, { recursive: true, force: true });
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`playground ${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** How long after connecting the tool may still be handing over buffered frames (it sends them at once). */
const BUFFERED_FRAMES_MS = 300;

/** Bot messages from the playground's WebSocket, with a way to wait for one. */
export class MessageStream {
  readonly frames: PlaygroundFrame[] = [];
  private readonly socket: WebSocket;
  private live = false;
  private waiters: { test: (f: PlaygroundFrame) => boolean; resolve: (f: PlaygroundFrame) => void }[] = [];

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (raw) => {
      if (!this.live) return;
      const frame = JSON.parse(String(raw)) as PlaygroundFrame;
      if (frame.action !== 'createMessage' && frame.action !== 'updateMessage') return;
      this.frames.push(frame);
      for (const waiter of this.waiters.filter((w) => w.test(frame))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    });
  }

  async ready(): Promise<void> {
    await once(this.socket, 'open');
    await new Promise((done) => setTimeout(done, BUFFERED_FRAMES_MS));
    this.live = true;
  }

  /** The first frame (already received or still to come) that passes `test`. */
  next(test: (frame: PlaygroundFrame) => boolean, what: string, timeoutMs = 15_000): Promise<PlaygroundFrame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no playground frame within ${timeoutMs} ms: ${what}\nseen: ${this.describe()}`));
      }, timeoutMs);
      const done = (frame: PlaygroundFrame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push({ test, resolve: done });
    });
  }

  /** Forgets what was received so far, so `next` only sees later frames. */
  clear(): void {
    this.frames.length = 0;
  }

  describe(): string {
    return JSON.stringify(
      this.frames.map((f) => ({ action: f.action, conversation: f.actionConversationId, id: f.message.messageId })),
    );
  }

  close(): void {
    this.socket.close();
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((done) => server.close(done));
  return port;
}

async function waitUntilReady(port: () => number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the playground exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port()}/_debug/ping`);
      if (response.ok && (await response.text()) === 'pong') return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the playground did not answer /_debug/ping within ${timeoutMs} ms`);
}
