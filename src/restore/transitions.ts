import { botError } from './messages';
import type { Decision, IssueRecord, RequestState, RestoreRequest, ValidationRecord } from './request';
import { distinctApprovers } from './request';

/**
 * The request lifecycle as pure functions: `transition(request, event, now)` returns the next request or
 * throws a BotError. Nothing here reads a clock, a store or Azure, so every step is testable as a table.
 */

export interface Actor {
  principal: string;
  displayName: string;
}

export type RequestEvent =
  /** Prechecks passed: offer for approval until `expiresAt`. */
  | { type: 'submit'; validation: ValidationRecord; expiresAt: string }
  /** One approver's approval; the request becomes `approved` when enough distinct approvers are in. */
  | { type: 'approve'; by: Actor }
  | { type: 'reject'; by: Actor; reason: string }
  | { type: 'expire' }
  | { type: 'cancel'; by: Actor; reason?: string }
  /** The winner of the approval records its intent to call Azure (with the re-check's result) before calling. */
  | { type: 'trigger'; validation?: ValidationRecord }
  /** Long-running-operation progress while starting or running (poller state, job id once known). */
  | { type: 'progress'; jobId?: string; pollerState?: string }
  /** Azure accepted the trigger; a job (restores) or an operation (vault settings) is under way. */
  | { type: 'triggered'; jobId?: string; pollerState?: string }
  | { type: 'succeed' }
  | { type: 'fail'; error: IssueRecord };

export type RequestEventType = RequestEvent['type'];

/** The lifecycle as data: from which states each event may be applied, and the state it leads to. */
export const TRANSITIONS: Readonly<
  Record<RequestEventType, { from: readonly RequestState[]; to: RequestState | 'same' }>
> = {
  submit: { from: ['draft'], to: 'awaiting_approval' },
  approve: { from: ['awaiting_approval'], to: 'approved' },
  reject: { from: ['awaiting_approval'], to: 'rejected' },
  expire: { from: ['awaiting_approval'], to: 'expired' },
  cancel: { from: ['draft', 'awaiting_approval'], to: 'cancelled' },
  trigger: { from: ['approved'], to: 'triggering' },
  progress: { from: ['triggering', 'running'], to: 'same' },
  triggered: { from: ['triggering'], to: 'running' },
  succeed: { from: ['running'], to: 'succeeded' },
  fail: { from: ['approved', 'triggering', 'running'], to: 'failed' },
};

export const EVENT_TYPES = Object.keys(TRANSITIONS) as RequestEventType[];

export function canApply(state: RequestState, type: RequestEventType): boolean {
  return TRANSITIONS[type].from.includes(state);
}

export function transition(request: RestoreRequest, event: RequestEvent, now: Date): RestoreRequest {
  const rule = TRANSITIONS[event.type];
  if (!rule.from.includes(request.state)) {
    throw botError('REQUEST_INVALID_TRANSITION', {
      requestId: request.id,
      from: request.state,
      to: rule.to === 'same' ? request.state : rule.to,
      event: event.type,
    });
  }
  const at = now.toISOString();
  const next = applyEvent(request, event, now, at);
  return { ...next, updatedAt: at, version: request.version + 1 } as RestoreRequest;
}

function applyEvent(request: RestoreRequest, event: RequestEvent, now: Date, at: string): RestoreRequest {
  switch (event.type) {
    case 'submit':
      if (!event.validation.ok) throw botError('REQUEST_NOT_VALIDATED', { requestId: request.id });
      return { ...request, state: 'awaiting_approval', validation: event.validation, expiresAt: event.expiresAt };
    case 'approve': {
      assertNotExpired(request, now);
      const approval: Decision = { principal: event.by.principal, displayName: event.by.displayName, at };
      const approvals = [...request.approvals, approval];
      const enough = distinctApprovers({ ...request, approvals }).length >= request.requiredApprovals;
      return { ...request, approvals, state: enough ? 'approved' : 'awaiting_approval' };
    }
    case 'reject':
      assertNotExpired(request, now);
      if (event.reason.trim() === '') throw botError('REQUEST_REJECT_REASON_REQUIRED', { requestId: request.id });
      return {
        ...request,
        state: 'rejected',
        rejections: [...request.rejections, { ...event.by, at, reason: event.reason.trim() }],
      };
    case 'expire':
      if (!isExpired(request, now)) {
        throw botError('REQUEST_NOT_YET_EXPIRED', { requestId: request.id, expiresAt: request.expiresAt ?? '' });
      }
      return { ...request, state: 'expired' };
    case 'cancel': {
      const cancellation = event.reason ? { ...event.by, at, reason: event.reason } : { ...event.by, at };
      return { ...request, state: 'cancelled', cancellation };
    }
    case 'trigger':
      return {
        ...request,
        state: 'triggering',
        validation: event.validation ?? request.validation,
        azure: { ...request.azure, triggeredAt: at },
      };
    case 'progress':
      return { ...request, azure: mergeProgress(request, event) };
    case 'triggered':
      return { ...request, state: 'running', azure: mergeProgress(request, event) };
    case 'succeed':
      return { ...request, state: 'succeeded' };
    case 'fail':
      return { ...request, state: 'failed', failure: { code: event.error.code, message: event.error.message, at } };
  }
}

function mergeProgress(request: RestoreRequest, event: { jobId?: string; pollerState?: string }) {
  const azure = { ...request.azure };
  if (event.jobId !== undefined) azure.jobId = event.jobId;
  if (event.pollerState !== undefined) azure.pollerState = event.pollerState;
  return azure;
}

/** True once the approval window has closed (a request without an expiry never expires). */
export function isExpired(request: RestoreRequest, now: Date): boolean {
  return request.expiresAt !== null && now.getTime() >= Date.parse(request.expiresAt);
}

function assertNotExpired(request: RestoreRequest, now: Date): void {
  if (isExpired(request, now)) {
    throw botError('REQUEST_EXPIRED', { requestId: request.id, expiresAt: request.expiresAt! });
  }
}
