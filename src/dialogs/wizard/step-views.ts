import type { RegionMode } from '../../restore';
import { regionLabel } from '../data/region-modes';
import { timeLabel, timesFooter } from '../time-labels';
import type { Action, ChoiceInput, Fact, TextInput, View } from '../views';
import { STEPS, type StepName, type WizardState } from './state';

/** Action ids of the wizard's buttons; a submit comes back as `{ action, step, ...inputs }`. */
export const WIZARD_ACTIONS = {
  choose: 'choose',
  back: 'back',
  cancel: 'cancel',
  search: 'search',
  older: 'older',
  newer: 'newer',
  time: 'time',
  request: 'request',
} as const;

/** Input ids: the pick list of each step is named after the step; typed searches and times have their own. */
export const WIZARD_INPUTS = { query: 'query', time: 'time' } as const;

export const STEP_TITLES: Record<StepName, string> = {
  vault: 'Restore: pick a Backup vault',
  region: 'Where to restore',
  instance: 'Pick the PostgreSQL server',
  point: 'Pick a recovery point',
  target: 'Pick a restore target',
  review: 'Review the restore',
};

const CHOICE_LABELS: Record<StepName, string> = {
  vault: 'Backup vault',
  region: 'Region',
  instance: 'Server',
  point: 'Recovery point',
  target: 'Restore target (blob container)',
  review: '',
};

export function subtitleOf(state: WizardState, step: StepName = state.step): string {
  const parts = [`Step ${STEPS.indexOf(step) + 1} of ${STEPS.length}`];
  if (state.vault && step !== 'vault') parts.push(state.vault.name);
  if (state.regionMode && state.vault && STEPS.indexOf(step) > STEPS.indexOf('region'))
    parts.push(state.regionMode === 'primary' ? state.vault.location : `${state.vault.secondaryRegion} (CRR)`);
  if (state.instance && STEPS.indexOf(step) > STEPS.indexOf('instance')) parts.push(state.instance.serverName);
  return parts.join(' · ');
}

export function stepAction(state: WizardState, id: string, label: string, extra: Partial<Action> = {}): Action {
  return { id, label, data: { step: state.step }, mode: 'submit', ...extra };
}

/** Back (when there is an earlier step to go to) and Cancel: on every step. */
export function navigationActions(state: WizardState, canGoBack: boolean): Action[] {
  return [
    ...(canGoBack ? [stepAction(state, WIZARD_ACTIONS.back, 'Back')] : []),
    stepAction(state, WIZARD_ACTIONS.cancel, 'Cancel', { style: 'danger' }),
  ];
}

export interface StepViewParts {
  choices?: Omit<ChoiceInput, 'id' | 'label'> & { label?: string };
  inputs?: TextInput[];
  /** Actions before Back/Cancel. */
  actions?: Action[];
  text?: string[];
  facts?: Fact[];
  warnings?: string[];
  error?: { code: string; message: string };
  footer?: string;
  canGoBack: boolean;
}

export function stepView(state: WizardState, parts: StepViewParts): View {
  const step = state.step;
  const view: View = {
    kind: parts.error ? 'error' : 'step',
    title: STEP_TITLES[step],
    subtitle: subtitleOf(state),
    actions: [...(parts.actions ?? []), ...navigationActions(state, parts.canGoBack)],
  };
  if (parts.text?.length) view.text = parts.text;
  if (parts.facts?.length) view.facts = parts.facts;
  if (parts.warnings?.length) view.warnings = parts.warnings;
  if (parts.error) view.error = parts.error;
  if (parts.choices) {
    const { label, ...rest } = parts.choices;
    view.choices = { id: step, label: label ?? CHOICE_LABELS[step], ...rest };
  }
  if (parts.inputs?.length) view.inputs = parts.inputs;
  if (parts.footer) view.footer = parts.footer;
  return view;
}

/** A step answered for the person, shown as such (SPEC 2.1). */
export function autoAnsweredView(
  state: WizardState,
  step: StepName,
  auto: { answer: string; reason: string },
  choices?: ChoiceInput,
): View {
  return {
    kind: 'step',
    title: STEP_TITLES[step],
    subtitle: subtitleOf(state, step),
    auto,
    ...(choices ? { choices } : {}),
  };
}

/** What has been chosen so far, as the review and the approval card list it. */
export function answerFacts(state: WizardState, now: Date, timeZone?: string): Fact[] {
  const facts: Fact[] = [];
  if (state.vault) facts.push({ label: 'Vault', value: `${state.vault.name} (${state.vault.location})` });
  if (state.instance) facts.push({ label: 'Server', value: state.instance.serverName });
  if (state.vault && state.regionMode)
    facts.push({ label: 'Restore in', value: regionLabel(state.vault, state.regionMode as RegionMode) });
  if (state.point) facts.push({ label: 'Recovery point', value: timeLabel(state.point.time, now, timeZone) });
  if (state.targetName) facts.push({ label: 'Target', value: state.targetName });
  return facts;
}

export { timesFooter };
