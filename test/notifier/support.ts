/**
 * What the in-process notifier tests share: the real emulator over HTTP, the real client, a real PGlite store,
 * and a double of the channel at its port (`Poster`) that records the thread replies and answers `findReply`
 * the way Slack (it can look) or Teams (it cannot) would. Whole-bot tests over HTTP live in *journey* files.
 */
import type { DataProtectionClient } from '../../src/azure';
import type { Actor, ConversationTarget, FoundReply, MessageRef, Poster, ReplyOptions } from '../../src/dialogs/ports';
import type { View } from '../../src/dialogs/views';
import { createLogger, type Logger } from '../../src/log';
import { Notifier, type NotifierDeps, type NotifierSettings } from '../../src/notifier';
import { type AuditRecord, exportAudit } from '../../src/restore';
import type { Store } from '../../src/store';
import { admin, emulatorClient } from '../restore/service/support';

export interface Reply {
  thread: MessageRef;
  view: View;
  key?: string;
  message: MessageRef;
}

/** How the double answers `findReply`: Slack reads message metadata back; Teams (no Graph) cannot look. */
export type LookupMode = 'slack' | 'teams';

export class ThreadRecorder implements Poster {
  readonly replies: Reply[] = [];
  readonly updates: { message: MessageRef; view: View }[] = [];
  /** Conversations that answer every post with Teams' 404 ConversationNotFound. */
  readonly gone = new Set<string>();
  /** The next this many replies fail with a 503 (nothing posted). */
  failNext = 0;
  private next = 1;

  constructor(lookup: LookupMode = 'slack') {
    if (lookup === 'teams') this.findReply = async () => ({ found: 'unknown' });
  }

  async reply(thread: MessageRef, view: View, options?: ReplyOptions): Promise<MessageRef> {
    if (this.gone.has(thread.conversationId)) {
      throw Object.assign(new Error('Conversation not found.'), { statusCode: 404, code: 'ConversationNotFound' });
    }
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('Service Unavailable'), { statusCode: 503, code: 'ServiceUnavailable' });
    }
    const message: MessageRef = { ...thread, messageId: `reply-${this.next++}`, threadId: thread.messageId };
    this.replies.push({ thread, view, ...(options?.key ? { key: options.key } : {}), message });
    return message;
  }

  findReply?: (thread: MessageRef, key: string) => Promise<FoundReply> = async (thread, key) => {
    const found = this.replies.find((r) => r.key === key && r.thread.messageId === thread.messageId);
    return found ? { found: true, message: found.message } : { found: false };
  };

  async update(message: MessageRef, view: View): Promise<void> {
    this.updates.push({ message, view });
  }

  async post(target: ConversationTarget, _view: View): Promise<MessageRef> {
    return { channel: target.channel, conversationId: target.conversationId, messageId: `post-${this.next++}` };
  }

  async openPrivateChat(_actor: Actor): Promise<ConversationTarget | undefined> {
    return undefined;
  }

  async continueIn(): Promise<void> {
    throw new Error('not used by the notifier');
  }

  /** Replies in one request's thread, in order. */
  inThread(thread: MessageRef): Reply[] {
    return this.replies.filter((r) => r.thread.messageId === thread.messageId);
  }

  /** Replies with this idempotency key (e.g. `R-XXXX:end`). */
  withKey(key: string): Reply[] {
    return this.replies.filter((r) => r.key === key);
  }
}

/** Short intervals for tests: polls every 20–80 ms, leases of 2 s. Tests move the emulator's clock, not ours. */
export const FAST: Partial<NotifierSettings> = {
  minIntervalMs: 20,
  maxIntervalMs: 80,
  doublingMs: 1_000,
  jitter: 0.2,
  leaseMs: 2_000,
};

export function fastClient(url: string): DataProtectionClient {
  // Like main's notifier client: little retrying, Retry-After beyond 2 s is the schedule's business.
  return emulatorClient(url, { retry: { maxRetries: 1, baseDelayMs: 20, maxDelayMs: 2_000 } });
}

export function notifierFor(
  deps: Pick<NotifierDeps, 'store' | 'poster'> & Partial<NotifierDeps> & { emulatorUrl: string },
): Notifier {
  const { emulatorUrl, ...rest } = deps;
  return new Notifier({
    azure: fastClient(emulatorUrl),
    service: { expireDue: async () => [] },
    settings: FAST,
    ...rest,
  });
}

/** Runs cycles until `done` says so (a few ms apart), or fails after `timeoutMs`. */
export async function cycleUntil(
  notifiers: Notifier | Notifier[],
  done: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<number> {
  const list = Array.isArray(notifiers) ? notifiers : [notifiers];
  const until = Date.now() + timeoutMs;
  let cycles = 0;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`not done after ${cycles} cycles (${timeoutMs} ms)`);
    await Promise.all(list.map((n) => n.runOnce()));
    cycles++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return cycles;
}

export async function advanceEmulator(url: string, seconds: number): Promise<void> {
  await admin(url, 'POST', 'clock', { advanceSeconds: seconds });
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export async function emulatorRequests(url: string): Promise<LoggedRequest[]> {
  return ((await admin(url, 'GET', 'requests')) as { requests: LoggedRequest[] }).requests;
}

export async function clearEmulatorRequests(url: string): Promise<void> {
  await admin(url, 'DELETE', 'requests');
}

/** A logger that keeps its JSON lines, to read what the notifier said and why. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))), lines };
}

export function factOf(view: View, label: string): string | undefined {
  return view.facts?.find((f) => f.label === label)?.value;
}

export async function openWatches(store: Store): Promise<number> {
  return (await store.watches.listOpen(1000)).length;
}

/** The whole audit log, parsed (exportAudit's JSON lines). */
export async function auditEvents(store: Store): Promise<AuditRecord[]> {
  const events: AuditRecord[] = [];
  await exportAudit(store, (line) => {
    events.push(JSON.parse(line) as AuditRecord);
  });
  return events;
}
