import { BotError } from '../../errors';

/** The service's own refusals (the domain's live in ../messages.ts). */
export function requestNotFound(requestId: string): BotError {
  return new BotError('REQUEST_NOT_FOUND', `There is no restore request ${requestId}.`, { requestId });
}

export function notTheRequester(requestId: string): BotError {
  return new BotError('REQUEST_NOT_REQUESTER', `Only the person who asked for ${requestId} can cancel it.`, {
    requestId,
  });
}

export function unsupportedKind(requestId: string, kind: string): BotError {
  return new BotError(
    'REQUEST_KIND_UNSUPPORTED',
    `Request ${requestId} is a ${kind} request; it cannot be triggered here.`,
    {
      requestId,
      kind,
    },
  );
}
