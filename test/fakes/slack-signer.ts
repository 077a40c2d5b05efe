/**
 * Builds and signs requests the way Slack sends them to an app's Request URL, so tests drive the real Bolt
 * receiver (signature check included) instead of calling listeners directly.
 *
 * Slack signs `v0:<timestamp>:<raw body>` with HMAC-SHA256 under the app's signing secret and sends the form
 * body as exactly `application/x-www-form-urlencoded` (Bolt parses anything else as JSON).
 */
import { createHmac, randomUUID } from 'node:crypto';

export const SLACK_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** `timestamp` in Unix seconds; defaults to now. */
export function signSlackRequest(
  secret: string,
  body: string,
  options: { timestamp?: number } = {},
): SlackSignatureHeaders {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

export interface SlashCommandFields {
  command?: string;
  text?: string;
  team_id?: string;
  team_domain?: string;
  channel_id?: string;
  channel_name?: string;
  user_id?: string;
  user_name?: string;
  trigger_id?: string;
  /** Where `respond()` posts; use `FakeSlackApi.responseUrl()`. Left out of the body when not given. */
  response_url?: string;
  api_app_id?: string;
}

/** A form-encoded slash command body with Slack's field names; unset fields get plausible test values. */
export function slashCommandBody(fields: SlashCommandFields = {}): string {
  const body: Record<string, string> = {
    command: '/restore',
    text: '',
    team_id: 'T0FAKE',
    team_domain: 'fake-team',
    channel_id: 'C0RESTORE',
    channel_name: 'restores',
    user_id: 'U0REQUESTER',
    user_name: 'requester',
    trigger_id: newTriggerId(),
    api_app_id: 'A0RESTORE',
    is_enterprise_install: 'false',
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) body[key] = value;
  return new URLSearchParams(body).toString();
}

/** An interactive payload (block_actions, view_submission, block_suggestion…) as Slack posts it: `payload=<JSON>`. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A trigger id shaped like Slack's (`<digits>.<digits>.<hex>`), unique per call. */
export function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomUUID().replace(/-/g, '')}`;
}

export interface PostSignedOptions {
  secret: string;
  /** Unix seconds to sign with (and send); defaults to now. */
  timestamp?: number;
  /** Slack's redelivery headers (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`). */
  retryNum?: number;
  retryReason?: string;
  /** Defaults to exactly `application/x-www-form-urlencoded`, as Slack sends it. */
  contentType?: string;
}

export interface SignedResponse {
  status: number;
  /** The raw response body (empty for a bare `ack()`). */
  body: string;
  contentType: string | null;
  /** Wall time from sending to the full answer, in milliseconds: what Slack's 3 s ack deadline measures. */
  ms: number;
}

/** Signs `body` and POSTs it to `url` (the app's `/slack/events`). */
export async function postSigned(url: string, body: string, options: PostSignedOptions): Promise<SignedResponse> {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? SLACK_FORM_CONTENT_TYPE,
    ...signSlackRequest(options.secret, body, options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  };
  if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['x-slack-retry-reason'] = options.retryReason;
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    body: text,
    contentType: response.headers.get('content-type'),
    ms: performance.now() - started,
  };
}
