/**
 * How Slack reaches the app: Bolt's HTTPReceiver on `POST /slack/events` (commands, interactions and options
 * loads share the one endpoint), or Socket Mode when an app-level token is configured.
 *
 * Bolt checks the signature and refuses timestamps more than 5 minutes old; a timestamp more than 5 minutes
 * in the FUTURE passes Bolt (it only compares against the past). SPEC section 5 refuses both, so the receiver
 * answers such a request 401 before Bolt reads it: a signed request captured today must not be replayable
 * until a clock says it is "now".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger as BoltLogger, HTTPReceiver, LogLevel, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from '../../log';
import { SLACK_TIME_LIMITS } from './limits';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface HttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** How long Bolt waits for an ack before answering itself (default: Bolt's 3 001 ms). */
  unhandledRequestTimeoutMillis?: number;
  /** Called for every request refused here (a future timestamp); for metrics. */
  onRefused?: () => void;
  now?: () => number;
}

/** Seconds since the epoch in the signature header, when it is a number. */
function timestampOf(req: IncomingMessage): number | undefined {
  const raw = req.headers['x-slack-request-timestamp'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!text || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

export class SlackHttpReceiver extends HTTPReceiver {
  constructor(options: HttpReceiverOptions) {
    super({
      signingSecret: options.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger: boltLogger(options.logger),
      processBeforeResponse: false,
      ...(options.unhandledRequestTimeoutMillis
        ? { unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis }
        : {}),
    });
    const now = options.now ?? Date.now;
    const bolt = this.requestListener;
    this.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      const timestamp = timestampOf(req);
      if (timestamp !== undefined && timestamp > now() / 1_000 + SLACK_TIME_LIMITS.requestMaxAgeSeconds) {
        options.logger.warn('refused a Slack request whose timestamp is more than 5 minutes in the future', {
          path: req.url,
          skewSeconds: Math.round(timestamp - now() / 1_000),
        });
        options.onRefused?.();
        req.resume();
        res.writeHead(401);
        res.end();
        return;
      }
      bolt(req, res);
    };
  }
}

export function createSocketModeReceiver(options: {
  appToken: string;
  logger: Logger;
  clientOptions: webApi.WebClientOptions;
}): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken: options.appToken,
    logger: boltLogger(options.logger),
    installerOptions: { clientOptions: options.clientOptions },
  });
}

/** Bolt's logger interface over ours: Bolt's own lines (signature failures, missed acks) land in our log. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
  return {
    debug: (...parts: unknown[]) => child.debug(text(parts)),
    info: (...parts: unknown[]) => child.info(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => child.error(text(parts)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
