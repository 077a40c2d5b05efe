/**
 * `npm run demo:approve -- R-XXXX [--as user-id-1]`: approves a demo request as another playground user.
 *
 * The playground's browser page always acts as its current user (Alex), and the requester can never approve
 * their own request, so a second person is simulated the way the playground's "Mock an Activity" does it:
 * an `adaptiveCard/action` invoke with another `from`, sent through `POST /_internal/v1/customActivities`.
 *
 * It talks only to the running playground, never to the bot's store (the embedded PGlite database allows one
 * process, and the demo's bot holds it). The approval card (its requestId + nonce and message id) is read from
 * what the playground itself kept:
 * - its events recording (`--enable-events-recording`, written by the demo to DEMO_RECORDING_FILE): every
 *   activity the bot sent, whether or not a browser was watching. This is the only history the tool keeps.
 * - else the WebSocket stream: on connect the tool hands over the messages it buffered while no client was
 *   connected (and nothing when the browser page is open, which already received them).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { isLoopbackUrl } from './net';

export const DEFAULT_PLAYGROUND_URL = 'http://127.0.0.1:56150';
export const WS_STREAM_PATH = '/_ws_conversation/v1/conversations/stream';
/** Megan Bowen in the committed .m365agentsplayground.yml: an approver who is not the requester. */
export const DEFAULT_APPROVER_ID = 'user-id-1';
/**
 * Where the demo's playground records events (`M365_AGENTS_PLAYGROUND_RECORDING_FILE`): in its working
 * directory's devTools/, which git ignores.
 */
export const DEMO_RECORDING_FILE = join(resolve(__dirname, '..'), 'devTools', 'playground-events.log');

/** A bot message as the playground shows it (WebSocket frame `message`). */
export interface PlaygroundMessage {
  messageId: string;
  /** For the first post of a channel thread: `<channel>;messageid=<id>`, the thread's conversation id. */
  postConversationId?: string;
  from?: { id: string; name?: string };
  text?: string;
  attachments?: { contentType: string; content: unknown }[];
}

/** One WebSocket frame of the playground's conversation stream. */
export interface PlaygroundFrame {
  action: 'createMessage' | 'updateMessage' | 'typing' | string;
  actionConversationId: string;
  message: PlaygroundMessage;
}

interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId?: string;
}

interface PlaygroundConfigBody {
  config: {
    tenantId: string;
    bot: { id: string; name: string };
    currentUser: PlaygroundUser;
    users: PlaygroundUser[];
    teams?: { id: string; channels?: { id: string; name: string }[] }[];
  };
}

/** An approval card as it stands now (the latest create/update frame of its message). */
export interface ApprovalCardFound {
  conversationId: string;
  messageId: string;
  /** The `approve` Action.Execute, or undefined when the card has no such button any more (decided, expired). */
  approve?: { title: string; verb: string; data: Record<string, unknown> };
  /** Every TextBlock of the card, in order, for telling a person what the card says. */
  texts: string[];
}

/** How long after the socket opened the playground may still be handing over buffered frames. */
const BUFFERED_FRAMES_MS = 300;

/**
 * The frames the playground buffered while no WebSocket client was connected. Taking them empties the buffer
 * (a browser opened later will not get them), and while the browser page is open there are none.
 */
export async function takeBufferedFrames(baseUrl: string, waitMs = BUFFERED_FRAMES_MS): Promise<PlaygroundFrame[]> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${WS_STREAM_PATH}`);
  const frames: PlaygroundFrame[] = [];
  socket.on('message', (raw) => {
    try {
      frames.push(JSON.parse(String(raw)) as PlaygroundFrame);
    } catch {
      // not a conversation frame
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await new Promise((done) => setTimeout(done, waitMs));
  socket.close();
  return frames;
}

/** Forwards an activity to the bot as it is (the playground answers 200 before the bot has it). */
export async function sendCustomActivity(baseUrl: string, activity: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${baseUrl}/_internal/v1/customActivities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  if (!response.ok) {
    throw new Error(`the playground refused the activity: ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
}

/** One entry of the playground's events recording (pretty JSON objects separated by `---` lines). */
interface RecordedEvent {
  direction?: string;
  activityName?: string;
  messageId?: string;
  conversationId?: string;
  request?: { url?: string; method?: string; body?: unknown };
}

const BOT_TO_PLAYGROUND = /^User Application ->/;
const CONNECTOR_ACTIVITY = /^\/_connector\/v3\/conversations\/([^/?]+)\/activities(?:\/([^/?]+))?$/;

/** What the bot posted and updated, read from a recording, in the shape of WebSocket frames. */
export function framesFromRecording(text: string): PlaygroundFrame[] {
  const frames: PlaygroundFrame[] = [];
  for (const chunk of text.split(/\n---\n/)) {
    let event: RecordedEvent;
    try {
      event = JSON.parse(chunk) as RecordedEvent;
    } catch {
      continue; // a partly written last entry
    }
    if (!BOT_TO_PLAYGROUND.test(event.direction ?? '') || !event.request) continue;
    const { url = '', method = '', body } = event.request;
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    if (method === 'POST' && path === '/_connector/v3/conversations' && event.messageId?.includes(';messageid=')) {
      // A new channel thread: the card is the thread's first post.
      const [channelId, messageId] = event.messageId.split(';messageid=') as [string, string];
      const activity = (body as { activity?: Partial<PlaygroundMessage> } | undefined)?.activity;
      if (activity) {
        frames.push({
          action: 'createMessage',
          actionConversationId: channelId,
          message: { ...activity, messageId, postConversationId: event.messageId },
        });
      }
      continue;
    }
    const match = CONNECTOR_ACTIVITY.exec(path);
    if (!match || !isObject(body)) continue;
    const conversationId = decodeURIComponent(match[1]!);
    if (method === 'POST' && event.messageId) {
      frames.push({
        action: 'createMessage',
        actionConversationId: conversationId,
        message: { ...(body as Partial<PlaygroundMessage>), messageId: event.messageId },
      });
    } else if (method === 'PUT' && match[2]) {
      frames.push({
        action: 'updateMessage',
        actionConversationId: conversationId,
        message: { ...(body as Partial<PlaygroundMessage>), messageId: decodeURIComponent(match[2]) },
      });
    }
  }
  return frames;
}

/**
 * The newest approval card for `requestId`: the message whose card has (or had) an Action.Execute carrying that
 * requestId. Later frames of the same message (updates) replace earlier ones, so a decided card is reported
 * without buttons.
 */
export function findApprovalCard(frames: PlaygroundFrame[], requestId: string): ApprovalCardFound | undefined {
  const latest = new Map<string, PlaygroundFrame>();
  const matching = new Set<string>();
  for (const frame of frames) {
    if (frame.action !== 'createMessage' && frame.action !== 'updateMessage') continue;
    const key = messageKey(frame);
    latest.set(key, frame);
    if (executeActions(cardsOf(frame.message)).some((a) => a.data.requestId === requestId)) matching.add(key);
  }
  const keys = [...matching];
  const key = keys[keys.length - 1];
  if (!key) return undefined;
  const frame = latest.get(key)!;
  const created = frames.find((f) => f.action === 'createMessage' && messageKey(f) === key);
  const cards = cardsOf(frame.message);
  const approve = executeActions(cards).find((a) => a.verb === 'approve' && a.data.requestId === requestId);
  return {
    // A click on a channel post carries the thread's conversation id, as Teams does.
    conversationId: created?.message.postConversationId ?? frame.actionConversationId,
    messageId: frame.message.messageId,
    ...(approve ? { approve } : {}),
    texts: cards.flatMap((card) => textsOf(card)),
  };
}

/** Everything needed to click a card's Action.Execute as someone else. */
export interface ExecuteAsInput {
  baseUrl: string;
  user: PlaygroundUser;
  tenantId: string;
  bot: { id: string; name: string };
  conversationId: string;
  cardMessageId: string;
  action: { title: string; verb: string; data: Record<string, unknown> };
  /** Team and channel of the card, when it is in a channel (Teams puts them in channelData). */
  channel?: { teamId: string; channelId: string };
}

/** The `adaptiveCard/action` invoke Teams would send when `user` clicks the button. */
export function executeActivity(input: ExecuteAsInput): Record<string, unknown> {
  const url = new URL(input.baseUrl);
  const conversationType = input.channel ? 'channel' : input.conversationId.startsWith('a:') ? 'personal' : 'groupChat';
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `demo-approve-${Date.now()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    // Where the bot sends its replies and card updates: the playground's own connector.
    serviceUrl: `http://${url.host}/_connector`,
    from: {
      id: input.user.id,
      name: input.user.name,
      ...(input.user.aadObjectId ? { aadObjectId: input.user.aadObjectId } : {}),
    },
    recipient: input.bot,
    conversation: {
      id: input.conversationId,
      conversationType,
      isGroup: conversationType !== 'personal',
      tenantId: input.tenantId,
    },
    replyToId: input.cardMessageId,
    channelData: {
      tenant: { id: input.tenantId },
      source: { name: 'message' },
      ...(input.channel ? { team: { id: input.channel.teamId }, channel: { id: input.channel.channelId } } : {}),
    },
    value: { action: { type: 'Action.Execute', ...input.action }, trigger: 'manual' },
  };
}

export interface DemoApproveArgs {
  requestId: string;
  userId: string;
  baseUrl: string;
  recordingFile: string;
}

const USAGE = `usage: restore-bot demo-approve <R-XXXX> [--as user-id-1] [--playground ${DEFAULT_PLAYGROUND_URL}] [--recording <file>]

Approves a restore request of the running demo (npm start) as another playground user (default Megan Bowen,
user-id-1), by clicking the approval card's Approve button on their behalf. The card is looked up in the
playground's events recording (default devTools/playground-events.log, written by the demo).`;

export function parseDemoApproveArgs(args: string[]): DemoApproveArgs | string {
  let requestId: string | undefined;
  let userId = DEFAULT_APPROVER_ID;
  let baseUrl = DEFAULT_PLAYGROUND_URL;
  let recordingFile = DEMO_RECORDING_FILE;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--as' || arg === '--playground' || arg === '--recording') {
      const value = args[++i];
      if (!value) return `${arg} needs a value\n\n${USAGE}`;
      if (arg === '--as') userId = value;
      else if (arg === '--recording') recordingFile = value;
      else baseUrl = value.replace(/\/+$/, '');
    } else if (arg === '--help' || arg === '-h') {
      return USAGE;
    } else if (!requestId && !arg.startsWith('-')) {
      requestId = arg.trim().toUpperCase();
      if (!requestId.startsWith('R-')) requestId = `R-${requestId}`;
    } else {
      return `unexpected argument: ${arg}\n\n${USAGE}`;
    }
  }
  if (!requestId) return `which request? name its id (R-XXXX, shown on the approval card)\n\n${USAGE}`;
  return { requestId, userId, baseUrl, recordingFile };
}

/** Runs the command; returns the exit code (0 sent, 1 could not, 2 bad usage). */
export async function runDemoApprove(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const parsed = parseDemoApproveArgs(args);
  if (typeof parsed === 'string') {
    out(parsed);
    return args.includes('--help') || args.includes('-h') ? 0 : 2;
  }
  const { requestId, userId, baseUrl, recordingFile } = parsed;
  if (!isLoopbackUrl(baseUrl)) {
    out(`the playground must be on this machine (a loopback address), not ${baseUrl}`);
    return 2;
  }

  let config: PlaygroundConfigBody['config'];
  try {
    const response = await fetch(`${baseUrl}/_internal/v1/config`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    config = ((await response.json()) as PlaygroundConfigBody).config;
  } catch (error) {
    out(`cannot reach the Teams playground at ${baseUrl} (${(error as Error).message}). Is \`npm start\` running?`);
    return 1;
  }
  const user = [config.currentUser, ...config.users].find((u) => u.id === userId);
  if (!user) {
    out(`no playground user ${userId}; known: ${config.users.map((u) => `${u.id} (${u.name})`).join(', ')}`);
    return 2;
  }

  const recorded = existsSync(recordingFile);
  const frames = recorded
    ? framesFromRecording(await readFile(recordingFile, 'utf8'))
    : await takeBufferedFrames(baseUrl);
  const card = findApprovalCard(frames, requestId);
  if (!card) {
    out(`no approval card for ${requestId} in ${recorded ? recordingFile : "the playground's undelivered messages"}.`);
    out('Did the request reach "Request approval"? Is this the playground `npm start` started?');
    return 1;
  }
  if (!card.approve) {
    out(`the approval card for ${requestId} has no Approve button any more; it says:`);
    for (const text of card.texts) out(`  ${text}`);
    return 1;
  }

  const channelId = card.conversationId.split(';messageid=')[0]!;
  const team = config.teams?.find((t) => t.id === channelId || t.channels?.some((c) => c.id === channelId));
  await sendCustomActivity(
    baseUrl,
    executeActivity({
      baseUrl,
      user,
      tenantId: config.tenantId,
      bot: config.bot,
      conversationId: card.conversationId,
      cardMessageId: card.messageId,
      action: card.approve,
      ...(team ? { channel: { teamId: team.id, channelId } } : {}),
    }),
  );
  out(`sent "${card.approve.title}" on ${requestId} as ${user.name} (${user.id}).`);
  const after = recorded ? await cardAfterClick(recordingFile, requestId, card) : undefined;
  if (after) {
    out('the approval card now says:');
    for (const text of after.texts) out(`  ${text}`);
  } else {
    // The playground drops the answer to a mocked click, so a refusal (not an approver, expired) is only
    // visible as a card that did not change, and in the bot's log.
    out(
      `the card did not change within ${CARD_UPDATE_WAIT_MS / 1000} s: the bot may have refused the click (see its log).`,
    );
  }
  return 0;
}

/** How long to watch the recording for the bot's update of the card after the click. */
const CARD_UPDATE_WAIT_MS = 5_000;

async function cardAfterClick(
  recordingFile: string,
  requestId: string,
  before: ApprovalCardFound,
): Promise<ApprovalCardFound | undefined> {
  const deadline = Date.now() + CARD_UPDATE_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 250));
    const now = findApprovalCard(framesFromRecording(await readFile(recordingFile, 'utf8')), requestId);
    if (now && JSON.stringify(now.texts) !== JSON.stringify(before.texts)) return now;
  }
  return undefined;
}

function messageKey(frame: PlaygroundFrame): string {
  return `${frame.actionConversationId.split(';messageid=')[0]}\n${frame.message.messageId}`;
}

type Json = Record<string, unknown>;

function cardsOf(message: PlaygroundMessage): Json[] {
  return (message.attachments ?? [])
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive' && isObject(a.content))
    .map((a) => a.content as Json);
}

/** Every Action.Execute in a card: top-level actions, action sets and show-cards included. */
function executeActions(cards: Json[]): { title: string; verb: string; data: Record<string, unknown> }[] {
  const found: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  walk(cards, (node) => {
    if (node.type === 'Action.Execute' && typeof node.verb === 'string') {
      found.push({
        title: typeof node.title === 'string' ? node.title : node.verb,
        verb: node.verb,
        data: isObject(node.data) ? node.data : {},
      });
    }
  });
  return found;
}

function textsOf(card: Json): string[] {
  const texts: string[] = [];
  walk([card], (node) => {
    if (node.type === 'TextBlock' && typeof node.text === 'string') texts.push(node.text);
    if (node.type === 'FactSet' && Array.isArray(node.facts)) {
      for (const fact of node.facts as { title?: unknown; value?: unknown }[])
        texts.push(`${fact.title}: ${fact.value}`);
    }
  });
  return texts;
}

function walk(nodes: unknown[], visit: (node: Json) => void): void {
  for (const node of nodes) {
    if (Array.isArray(node)) walk(node, visit);
    else if (isObject(node)) {
      visit(node);
      walk(Object.values(node), visit);
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
