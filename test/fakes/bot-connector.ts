/**
 * A loopback fake of the Bot Connector service (the `serviceUrl` side of Teams): it records what the bot
 * sends and answers like Teams does, so tests can assert on the wire without Teams or the playground.
 *
 * Routes (conversation ids arrive URL-encoded):
 * - POST /v3/conversations                          create: a channel post (new thread) or a 1:1 chat
 * - POST /v3/conversations/{id}/activities[/{replyToId}]   send / reply
 * - PUT  /v3/conversations/{id}/activities/{activityId}    update
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  route: 'createConversation' | 'send' | 'reply' | 'update' | 'other';
  conversationId?: string;
  activityId?: string;
  // biome-ignore lint/suspicious/noExplicitAny: recorded wire JSON, read by assertions
  body: any;
  authorization?: string;
  /** What the fake answered (e.g. `{id}` of the new message), set once answered. */
  // biome-ignore lint/suspicious/noExplicitAny: recorded wire JSON, read by assertions
  answer?: any;
}

export interface FakeConnectorOptions {
  /** Answer creating a 1:1 chat with 403, as Teams does when the bot is not installed for the user. */
  refusePersonalChats?: boolean;
}

export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private counter = 0;
  private waiters: { predicate: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }[] = [];

  constructor(private readonly options: FakeConnectorOptions = {}) {}

  /** `http://127.0.0.1:<port>/`, to put in activities as `serviceUrl`. */
  serviceUrl = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = await readJson(req);
      const call = this.classify(req, body);
      this.calls.push(call);
      const { status, answer } = this.answer(call);
      call.answer = answer;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
      for (const waiter of this.waiters.filter((w) => w.predicate(call))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.serviceUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Resolves with the first recorded (or future) call that matches. */
  waitFor(predicate: (c: ConnectorCall) => boolean, timeoutMs = 5_000): Promise<ConnectorCall> {
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching connector call within ${timeoutMs} ms; saw ${this.describe()}`)),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  describe(): string {
    return JSON.stringify(this.calls.map((c) => `${c.method} ${c.path}`));
  }

  private classify(req: IncomingMessage, body: ConnectorCall['body']): ConnectorCall {
    const path = decodeURI(req.url ?? '');
    const segments = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
    const base = {
      method: req.method ?? '',
      path,
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    if (segments[0] !== 'v3' || segments[1] !== 'conversations') return { ...base, route: 'other' };
    if (segments.length === 2 && req.method === 'POST') return { ...base, route: 'createConversation' };
    const conversationId = segments[2];
    if (segments[3] === 'activities') {
      const activityId = segments[4];
      if (req.method === 'PUT') return { ...base, route: 'update', conversationId, activityId };
      if (req.method === 'POST')
        return { ...base, route: activityId ? 'reply' : 'send', conversationId, ...(activityId ? { activityId } : {}) };
    }
    return { ...base, route: 'other', conversationId };
  }

  private answer(call: ConnectorCall): { status: number; answer: unknown } {
    const id = `msg-${++this.counter}`;
    switch (call.route) {
      case 'createConversation': {
        const channel = call.body?.channelData?.channel?.id;
        if (channel) return { status: 201, answer: { id: `${channel};messageid=${id}`, activityId: id } };
        if (this.options.refusePersonalChats)
          return { status: 403, answer: { error: { code: 'Forbidden', message: 'bot not installed for user' } } };
        return { status: 201, answer: { id: `a:personal-${this.counter}` } };
      }
      case 'update':
        return { status: 200, answer: { id: call.activityId } };
      case 'send':
      case 'reply':
        return { status: 200, answer: { id } };
      default:
        return { status: 404, answer: { error: { code: 'NotFound', message: call.path } } };
    }
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
