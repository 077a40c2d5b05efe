import type { BotError } from '../../errors';

/** The policy's answer to "may this person do this here?"; a refusal carries the message to show them. */
export type PolicyDecision = { allowed: true } | { allowed: false; error: BotError };

export const ALLOWED: PolicyDecision = { allowed: true };

export function refused(error: BotError): PolicyDecision {
  return { allowed: false, error };
}
