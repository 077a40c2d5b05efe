import {
  createDraftRequest,
  type DataRestoreRequest,
  type Requester,
  type RequestState,
  type RestoreRequest,
  transition,
  type ValidationRecord,
} from '../../../src/restore';

export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
export const VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus`;
export const INSTANCE_ID = `${VAULT_ID}/backupInstances/pg-orders-prod-0b1c`;

export const T0 = new Date('2026-11-24T12:00:00Z');
export const minutesAfter = (minutes: number, from = T0) => new Date(from.getTime() + minutes * 60_000);

export const PASSED: ValidationRecord = {
  ok: true,
  checkedAt: T0.toISOString(),
  failures: [],
  warnings: [],
  azure: { status: 'Succeeded' },
};

export const slackRequester: Requester = {
  channel: 'slack',
  userId: 'U0REQ',
  displayName: 'Rita Requester',
  tenantOrTeamId: 'T0DEMO',
};

export function draftRestore(
  overrides: Partial<
    Pick<DataRestoreRequest, 'requester' | 'requiredApprovals' | 'regionMode' | 'target' | 'vault'>
  > = {},
): DataRestoreRequest {
  return createDraftRequest(
    {
      kind: 'restore',
      id: 'R-7KQ2',
      requester: overrides.requester ?? slackRequester,
      vault: overrides.vault ?? { id: VAULT_ID, name: 'bv-prod-eastus', location: 'eastus' },
      backupInstance: { id: INSTANCE_ID, name: 'pg-orders-prod-0b1c', serverName: 'pg-orders-prod' },
      regionMode: overrides.regionMode ?? 'primary',
      recoveryPoint: { id: 'rp-0001', time: '2026-11-20T14:00:00Z' },
      target: overrides.target ?? {
        name: 'dr-eastus',
        region: 'eastus',
        containerUrl: 'https://stcontosodreus.blob.core.windows.net/pg-restores',
      },
      requiredApprovals: overrides.requiredApprovals ?? 1,
      postTo: { channel: 'slack', conversationId: 'C0ONCALL' },
    },
    T0,
  ) as DataRestoreRequest;
}

/** Offered for approval at T0, expiring 60 minutes later. */
export function awaitingApproval(request: RestoreRequest = draftRestore()): RestoreRequest {
  return transition(request, { type: 'submit', validation: PASSED, expiresAt: minutesAfter(60).toISOString() }, T0);
}

const approver = { principal: 'U0APPROVER', displayName: 'Avery Approver' };

/** A request brought into `state` through the real transitions (so fixtures cannot drift from the rules). */
export function requestIn(state: RequestState): RestoreRequest {
  const at = minutesAfter(1);
  const draft = draftRestore();
  if (state === 'draft') return draft;
  const awaiting = awaitingApproval(draft);
  switch (state) {
    case 'awaiting_approval':
      return awaiting;
    case 'rejected':
      return transition(awaiting, { type: 'reject', by: approver, reason: 'wrong point' }, at);
    case 'expired':
      return transition(awaiting, { type: 'expire' }, minutesAfter(61));
    case 'cancelled':
      return transition(awaiting, { type: 'cancel', by: { principal: 'U0REQ', displayName: 'Rita Requester' } }, at);
    default:
      break;
  }
  const approved = transition(awaiting, { type: 'approve', by: approver }, at);
  if (state === 'approved') return approved;
  const triggering = transition(approved, { type: 'trigger' }, minutesAfter(2));
  if (state === 'triggering') return triggering;
  if (state === 'failed') {
    return transition(
      triggering,
      { type: 'fail', error: { code: 'UserErrorMSIMissingPermissions', message: 'no' } },
      minutesAfter(3),
    );
  }
  const running = transition(triggering, { type: 'triggered', jobId: 'job-1' }, minutesAfter(3));
  if (state === 'running') return running;
  return transition(running, { type: 'succeed' }, minutesAfter(5));
}
