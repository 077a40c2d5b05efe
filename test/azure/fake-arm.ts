import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A scriptable stand-in for Azure Resource Manager on 127.0.0.1 (not the emulator): each test decides what
 * every request gets, and every request is recorded so tests can count calls and inspect what was sent.
 */
export interface RecordedRequest {
  method: string;
  /** Path as received, without the query (not decoded). */
  path: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  delayMs?: number;
  /** Drop the connection without answering (a network failure). */
  destroy?: boolean;
}

export type Handler = (req: RecordedRequest, arm: FakeArm) => Reply | Promise<Reply>;

export interface FakeArm {
  url: string;
  requests: RecordedRequest[];
  setHandler(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeArm(
  initial: Handler = () => ({
    status: 404,
    body: { error: { code: 'ResourceNotFound', message: 'nothing scripted' } },
  }),
): Promise<FakeArm> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const delays = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: undefined as unknown as NodeJS.Timeout,
        done: () => {
          delays.delete(entry);
          resolve();
        },
      };
      entry.timer = setTimeout(entry.done, ms);
      delays.add(entry);
    });
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body: text ? safeJson(text) : undefined,
    };
    requests.push(recorded);
    let reply: Reply;
    try {
      reply = await handler(recorded, arm);
    } catch (error) {
      reply = { status: 500, body: { error: { code: 'TestHandlerError', message: String(error) } } };
    }
    if (reply.delayMs) await wait(reply.delayMs);
    if (reply.destroy) {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    const payload = reply.rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, {
      ...(reply.rawBody === undefined && payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...reply.headers,
    });
    res.end(payload);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const arm: FakeArm = {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const d of delays) {
          clearTimeout(d.timer);
          d.done();
        }
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return arm;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const EXAMPLES = join(__dirname, '..', '..', '..', 'shared', 'azure-dataprotection-spec', 'examples');

export interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

/** An official example from /work/shared/azure-dataprotection-spec/examples. */
export function loadExample(relativePath: string): Example {
  return JSON.parse(readFileSync(join(EXAMPLES, relativePath), 'utf8')) as Example;
}

/** The example's URL served by the fake instead of management.azure.com (same path and query, byte for byte). */
export function rebase(url: string, base: string): string {
  return url.replace(/^https:\/\/management\.azure\.com/, base);
}

export function pathOf(url: string): string {
  return url.replace(/^https?:\/\/[^/]+/, '').split('?')[0];
}
