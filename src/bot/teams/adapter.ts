/**
 * The botbuilder CloudAdapter for Teams, configured from the MicrosoftApp* values (passed in, never read from
 * the environment here), and the rule of SPEC section 4 on when `/api/messages` may be served at all.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { asBotError, isBotError } from '../../errors';
import type { Logger } from '../../log';
import { isLoopbackHost } from '../../net';
import { messageInvokeAnswer } from './invoke-answer';
import { TEAMS_TEXT } from './texts';
import { ViewRenderingMiddleware } from './view-middleware';

export interface TeamsAuthConfig {
  /** Empty or undefined: unauthenticated local mode (loopback only). */
  appId?: string;
  appPassword?: string;
  /** `MultiTenant` (default), `SingleTenant` or `UserAssignedMSI`. */
  appType?: string;
  tenantId?: string;
}

export type TeamsMode =
  | { mode: 'authenticated'; reason: string }
  | { mode: 'local'; reason: string }
  | { mode: 'off'; reason: string };

/**
 * With an app id every activity must carry a Bot Framework token. Without one nothing is checked, which is
 * only acceptable when nobody but this machine can reach the port.
 */
export function decideTeamsMode(host: string, auth: TeamsAuthConfig): TeamsMode {
  if (auth.appId)
    return {
      mode: 'authenticated',
      reason: 'MicrosoftAppId is set: activities must carry a valid Bot Framework token',
    };
  if (isLoopbackHost(host))
    return { mode: 'local', reason: `no MicrosoftAppId: unauthenticated local mode on loopback host ${host}` };
  return {
    mode: 'off',
    reason: `no MicrosoftAppId and HOST=${host} is not a loopback address: /api/messages is off (404), because without an app id anyone who can reach the port could act as any Teams user. Set MicrosoftAppId/MicrosoftAppPassword, or bind HOST to 127.0.0.1.`,
  };
}

export function createTeamsAdapter(auth: TeamsAuthConfig, logger: Logger): CloudAdapter {
  const authentication = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: auth.appId ?? '',
    MicrosoftAppPassword: auth.appPassword ?? '',
    MicrosoftAppType: auth.appId ? (auth.appType ?? 'MultiTenant') : '',
    MicrosoftAppTenantId: auth.tenantId ?? '',
  });
  const adapter = new CloudAdapter(authentication);
  adapter.use(new ViewRenderingMiddleware());
  adapter.onTurnError = (context, error) => answerTurnError(context, error, logger);
  return adapter;
}

/** Tells the user what failed with its code, logs the rest; a click gets its answer in the invoke response. */
export async function answerTurnError(context: TurnContext, error: unknown, logger: Logger): Promise<void> {
  const botError = asBotError(error);
  logger.error('teams turn failed', {
    code: botError.code,
    error: botError,
    cause: botError.cause,
    activityType: context.activity.type,
    conversationId: context.activity.conversation?.id,
  });
  // A BotError's message is written for people; anything else could contain internals, so only its code shows.
  const text = isBotError(error) ? `${error.message} (error code ${error.code})` : TEAMS_TEXT.turnFailed(botError.code);
  try {
    if (context.activity.type === 'invoke') {
      await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: messageInvokeAnswer(text) } });
    } else {
      await context.sendActivity(text);
    }
  } catch (sendError) {
    logger.error('could not tell the user about the failed turn', { error: sendError });
  }
}
