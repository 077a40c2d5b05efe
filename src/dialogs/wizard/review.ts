import { isBotError } from '../../errors';
import { createDraftRequest, type DataRestoreRequest, formatUtc, runPrechecks } from '../../restore';
import { precheckAzureOver } from '../../restore/azure-port';
import type { CreateRestoreInput } from '../../restore/service';
import type { ApprovalMessages } from '../approval/approval-messages';
import { postApprovalRequest } from '../approval/post-approval';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import { policyPlace, requesterOf, type Who } from '../places';
import { timesFooter } from '../time-labels';
import type { View } from '../views';
import { degradedBanner } from './show-step';
import { previousStep, type WizardState } from './state';
import { answerFacts, stepAction, stepView, WIZARD_ACTIONS } from './step-views';

export type ReviewDeps = Pick<
  ConversationDeps,
  'client' | 'policy' | 'now' | 'service' | 'poster' | 'logger' | 'inventory'
>;

/** What the service needs to create the request, from the wizard's answers. */
export function restoreInputOf(state: WizardState, who: Who): CreateRestoreInput {
  const vault = state.vault!;
  const instance = state.instance!;
  const point = state.point!;
  return {
    requester: requesterOf(who.actor),
    place: policyPlace(who.place),
    vault: { id: vault.id, name: vault.name, location: vault.location },
    backupInstance: { id: instance.id, name: instance.name, serverName: instance.serverName },
    regionMode: state.regionMode ?? 'primary',
    recoveryPoint: { id: point.id, time: point.time },
    targetName: state.targetName!,
  };
}

/**
 * The review: a summary plus the result of the same prechecks the request will run (including Azure's own
 * validateRestore / validateCrossRegionRestore), before anything is stored.
 */
export async function reviewView(deps: ReviewDeps, state: WizardState, who: Who, text: string[] = []): Promise<View> {
  const input = restoreInputOf(state, who);
  const target = deps.policy.target(input.targetName) ?? { name: input.targetName, region: '', containerUrl: '' };
  const draft = createDraftRequest(
    {
      kind: 'restore',
      id: 'R-REVIEW',
      requester: input.requester,
      vault: input.vault,
      backupInstance: input.backupInstance,
      regionMode: input.regionMode,
      recoveryPoint: input.recoveryPoint,
      target,
      requiredApprovals: deps.policy.requiredApprovals,
    },
    deps.now(),
  ) as DataRestoreRequest;
  const checks = await runPrechecks(draft, {
    azure: precheckAzureOver(deps.client, deps.inventory),
    policy: deps.policy,
  });
  state.offered = {};
  const facts = [
    ...answerFacts(state, deps.now(), who.actor.timeZone),
    { label: 'Container', value: target.containerUrl },
    {
      label: 'Azure validation',
      value: azureValidationText(checks.azureValidation.status, checks.azureValidation.code),
    },
    { label: 'Approvals needed', value: String(deps.policy.requiredApprovals) },
  ];
  const banner = degradedBanner(state, deps.now(), who.actor.timeZone);
  const warnings = [...(banner ? [banner] : []), ...checks.warnings.map((w) => w.message)];
  const canGoBack = previousStep(state) !== undefined;
  if (!checks.ok) {
    return stepView(state, {
      canGoBack,
      facts,
      warnings,
      error: { code: checks.failures[0]!.code, message: say('VALIDATION_FAILED') },
      text: [...text, ...checks.failures.map((f) => f.message)],
      footer: timesFooter(who.actor.timeZone),
    });
  }
  return stepView(state, {
    canGoBack,
    facts,
    warnings,
    text,
    actions: [stepAction(state, WIZARD_ACTIONS.request, 'Request approval', { style: 'primary' })],
    footer: timesFooter(who.actor.timeZone),
  });
}

function azureValidationText(status: string, code?: string): string {
  if (status === 'Succeeded') return 'Succeeded';
  if (status === 'Failed') return `Failed${code ? ` (${code})` : ''}`;
  return status === 'skipped' ? 'Not run (an earlier check failed)' : 'Unavailable (Azure could not answer)';
}

export type RequestOutcome = { done: true; view: View } | { done: false; view: View };

/** *Request approval*: the service re-checks and stores the request, then the approval card is posted. */
export async function requestApproval(
  deps: ReviewDeps,
  approvals: ApprovalMessages,
  state: WizardState,
  who: Who,
): Promise<RequestOutcome> {
  const canGoBack = previousStep(state) !== undefined;
  let outcome: Awaited<ReturnType<ReviewDeps['service']['createRequest']>>;
  try {
    outcome = await deps.service.createRequest(restoreInputOf(state, who));
  } catch (error) {
    if (!isBotError(error)) throw error;
    return { done: false, view: stepView(state, { canGoBack, error: { code: error.code, message: error.message } }) };
  }
  if (!outcome.created) {
    return {
      done: false,
      view: stepView(state, {
        canGoBack,
        error: { code: outcome.failures[0]?.code ?? 'PRECHECK_FAILED', message: say('VALIDATION_FAILED') },
        text: outcome.failures.map((f) => f.message),
      }),
    };
  }
  const request = outcome.request as DataRestoreRequest;
  const posted = await postApprovalRequest(deps, approvals, request);
  if (!posted.posted) {
    return {
      done: false,
      view: stepView(state, {
        canGoBack,
        error: {
          code: 'APPROVAL_POST_FAILED',
          message: say('APPROVAL_POST_FAILED', { requestId: request.id, message: posted.error.message }),
        },
      }),
    };
  }
  return {
    done: true,
    view: {
      kind: 'notice',
      tone: 'good',
      title: say('APPROVAL_REQUESTED', { requestId: request.id }),
      text: [
        'Approvers were asked in the approval conversation; you will see the decision and the restore progress there.',
      ],
      facts: [
        { label: 'Request', value: request.id },
        ...answerFacts(state, deps.now(), who.actor.timeZone),
        ...(request.expiresAt ? [{ label: 'Expires', value: formatUtc(request.expiresAt) }] : []),
      ],
    },
  };
}
