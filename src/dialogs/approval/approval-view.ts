import {
  type DataRestoreRequest,
  decidedBy,
  distinctApprovers,
  formatUtc,
  type RestoreRequest,
  STATE_LABELS,
} from '../../restore';
import { vaultSettingAsk, vaultSettingFacts } from '../settings/change-facts';
import { timeLabel } from '../time-labels';
import type { Fact, View } from '../views';

export const APPROVAL_ACTIONS = { approve: 'approve', reject: 'reject' } as const;
export const REJECT_REASON_INPUT = 'reason';

function regionFact(request: DataRestoreRequest): string {
  return request.regionMode === 'primary'
    ? `Primary region (${request.vault.location})`
    : `Secondary region (${request.target.region}) — Cross Region Restore`;
}

function validationFact(request: RestoreRequest): string {
  const v = request.validation;
  if (!v) return 'not run';
  const azure =
    v.azure.status === 'Succeeded'
      ? 'Azure validation succeeded'
      : v.azure.status === 'Failed'
        ? `Azure validation failed (${v.azure.code ?? 'unknown'})`
        : `Azure validation ${v.azure.status}`;
  return `${azure} at ${formatUtc(v.checkedAt)}`;
}

export function requestFacts(request: DataRestoreRequest, now: Date): Fact[] {
  return [
    { label: 'Request', value: request.id },
    { label: 'Requested by', value: request.requester.displayName },
    { label: 'Vault', value: `${request.vault.name} (${request.vault.location})` },
    { label: 'Server', value: request.backupInstance.serverName },
    { label: 'Restore in', value: regionFact(request) },
    { label: 'Recovery point', value: timeLabel(request.recoveryPoint.time, now) },
    { label: 'Target', value: `${request.target.name} — ${request.target.containerUrl}` },
    { label: 'Validation', value: validationFact(request) },
    ...(request.expiresAt ? [{ label: 'Expires', value: formatUtc(request.expiresAt) }] : []),
  ];
}

/**
 * The approval request as every copy of it shows: awaiting a decision (with Approve / Reject carrying only the
 * request id and nonce), or decided (who and when, no buttons). Pure: the same request gives the same view,
 * so the click answer and later updates agree. Restores and vault-setting requests differ only in what they
 * ask for; the decision works the same.
 */
export function approvalView(request: RestoreRequest, options: { nonce?: string; now: Date }): View {
  const restore = request.kind === 'restore';
  const facts = restore ? requestFacts(request, options.now) : vaultSettingFacts(request);
  const warnings = request.validation?.warnings.map((w) => w.message) ?? [];
  const title = restore ? `Restore approval: ${request.id}` : `Vault change approval: ${request.id}`;
  const base: View = { kind: 'approval', title, facts };
  if (warnings.length) base.warnings = warnings;

  if (request.state === 'awaiting_approval') {
    const approvers = distinctApprovers(request);
    const view: View = {
      ...base,
      subtitle: approvers.length
        ? `${approvers.length} of ${request.requiredApprovals} approvals: ${approvers.map((a) => a.displayName).join(', ')}`
        : `Needs ${request.requiredApprovals} approval${request.requiredApprovals === 1 ? '' : 's'}, never from the requester`,
      text: [
        restore
          ? `${request.requester.displayName} asks to restore ${request.backupInstance.serverName}.`
          : vaultSettingAsk(request),
      ],
    };
    if (options.nonce) {
      const data = { requestId: request.id, nonce: options.nonce };
      view.inputs = [
        {
          id: REJECT_REASON_INPUT,
          label: 'Reason for rejecting',
          placeholder: 'Seen by the requester',
          maxLength: 500,
        },
      ];
      view.actions = [
        { id: APPROVAL_ACTIONS.approve, label: 'Approve', style: 'primary', mode: 'execute', data: { ...data } },
        {
          id: APPROVAL_ACTIONS.reject,
          label: 'Reject',
          style: 'danger',
          mode: 'execute',
          data: { ...data },
          requires: [REJECT_REASON_INPUT],
        },
      ];
    }
    return view;
  }

  const decision = decidedBy(request);
  switch (request.state) {
    case 'rejected': {
      const reason = request.rejections[request.rejections.length - 1]?.reason ?? '';
      return {
        ...base,
        subtitle: `Rejected by ${decision.by} at ${formatUtc(decision.at)}: ${reason}`,
        tone: 'attention',
      };
    }
    case 'expired':
      return {
        ...base,
        subtitle: `Expired at ${formatUtc(decision.at)} without a decision`,
        tone: 'warning',
      };
    case 'cancelled':
      return { ...base, subtitle: `Cancelled by ${decision.by} at ${formatUtc(decision.at)}`, tone: 'warning' };
    case 'draft':
      return { ...base, subtitle: STATE_LABELS.draft };
    default:
      return {
        ...base,
        subtitle: `Approved by ${decision.by} at ${formatUtc(decision.at)}`,
        tone: request.state === 'failed' ? 'attention' : 'good',
        ...(request.state !== 'approved'
          ? { footer: `${restore ? 'Restore' : 'Vault change'}: ${STATE_LABELS[request.state]}` }
          : {}),
      };
  }
}
