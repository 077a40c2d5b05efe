import { botError } from './messages';
import type { PolicyDecision } from './policy/decision';
import { distinctApprovers, type RestoreRequest, samePrincipal } from './request';
import { type Actor, isExpired, transition } from './transitions';

/**
 * The rules of a click on Approve or Reject, as pure functions. The policy's answer (`Policy.mayApprove`) is
 * an input, so these stay synchronous and the store can run them inside one conditional update.
 * Every refusal throws a BotError and changes nothing; the caller shows its message to the clicker only.
 */

export type ApprovalOutcome =
  /** Recorded, but more distinct approvers are needed. */
  | { outcome: 'recorded'; request: RestoreRequest; have: number; need: number }
  /** This approval completed the set: the request is `approved` and may be triggered. */
  | { outcome: 'approved'; request: RestoreRequest };

export function approve(request: RestoreRequest, clicker: Actor, decision: PolicyDecision, now: Date): ApprovalOutcome {
  refuseUnlessMayDecide(request, clicker, decision, now, 'approve');
  const next = transition(request, { type: 'approve', by: clicker }, now);
  if (next.state === 'approved') return { outcome: 'approved', request: next };
  return {
    outcome: 'recorded',
    request: next,
    have: distinctApprovers(next).length,
    need: next.requiredApprovals,
  };
}

/** One rejection decides the request. */
export function reject(
  request: RestoreRequest,
  clicker: Actor,
  reason: string,
  decision: PolicyDecision,
  now: Date,
): RestoreRequest {
  refuseUnlessMayDecide(request, clicker, decision, now, 'reject');
  return transition(request, { type: 'reject', by: clicker, reason }, now);
}

/** Moves a request whose approval window has closed to `expired`; returns undefined when there is nothing to do. */
export function expireIfDue(request: RestoreRequest, now: Date): RestoreRequest | undefined {
  if (request.state !== 'awaiting_approval' || !isExpired(request, now)) return undefined;
  return transition(request, { type: 'expire' }, now);
}

/** Who decided a request that is no longer awaiting approval, and when. */
export function decidedBy(request: RestoreRequest): { by: string; at: string } {
  switch (request.state) {
    case 'rejected': {
      const last = request.rejections[request.rejections.length - 1];
      return { by: last?.displayName ?? 'an approver', at: last?.at ?? request.updatedAt };
    }
    case 'cancelled':
      return {
        by: request.cancellation?.displayName ?? 'the requester',
        at: request.cancellation?.at ?? request.updatedAt,
      };
    case 'expired':
      return { by: 'expiry', at: request.expiresAt ?? request.updatedAt };
    default: {
      const names = distinctApprovers(request).map((a) => a.displayName);
      const last = request.approvals[request.approvals.length - 1];
      return { by: names.length > 0 ? names.join(', ') : 'an approver', at: last?.at ?? request.updatedAt };
    }
  }
}

function refuseUnlessMayDecide(
  request: RestoreRequest,
  clicker: Actor,
  decision: PolicyDecision,
  now: Date,
  action: 'approve' | 'reject',
): void {
  // Checked here as well as in the policy: the rule must hold even if a caller passes a stale decision.
  const channel = request.requester.channel;
  if (samePrincipal(channel, clicker.principal, request.requester.userId)) {
    throw botError('REQUEST_SELF_APPROVAL', { requestId: request.id });
  }
  const mine = distinctApprovers(request).find((a) => samePrincipal(channel, a.principal, clicker.principal));
  if (mine && action === 'approve') {
    throw botError('REQUEST_ALREADY_APPROVED_BY_YOU', {
      requestId: request.id,
      at: mine.at,
      have: distinctApprovers(request).length,
      need: request.requiredApprovals,
    });
  }
  if (!decision.allowed) throw decision.error;
  if (request.state === 'expired' || (request.state === 'awaiting_approval' && isExpired(request, now))) {
    throw botError('REQUEST_EXPIRED', { requestId: request.id, expiresAt: request.expiresAt ?? request.updatedAt });
  }
  if (request.state !== 'awaiting_approval' && request.state !== 'draft') {
    throw botError('REQUEST_ALREADY_DECIDED', { requestId: request.id, state: request.state, ...decidedBy(request) });
  }
  // A draft falls through to the transition, which names it as an invalid step.
}
