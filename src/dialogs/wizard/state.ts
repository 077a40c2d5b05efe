import type { RegionMode } from '../../restore';
import type { InstanceSummary } from '../data/instances';
import type { Degraded } from '../data/known';
import type { PointSummary } from '../data/recovery-points';
import type { VaultSummary } from '../data/vaults';

/**
 * The version of the dialogs' stored shape. Bump it when a deploy changes the wizard's steps or state: a
 * conversation stored under another version restarts politely instead of being misread.
 */
export const DIALOG_VERSION = 2;

export const STEPS = ['vault', 'region', 'instance', 'point', 'target', 'review'] as const;
export type StepName = (typeof STEPS)[number];

/** What the shortcut (`restore <server> [--secondary] [--at <time>|--latest] [--target <name>]`) pre-filled. */
export interface Prefill {
  server?: string;
  /** The shortcut names the region mode: `--secondary`, else primary. */
  region?: RegionMode;
  latest?: boolean;
  /** The time as typed; read in the person's time zone when the point step is reached. */
  at?: string;
  target?: string;
}

/** The wizard as stored between turns: plain JSON, small (SPEC: under 20 KB per conversation). */
export interface WizardState {
  version: number;
  step: StepName;
  prefill: Prefill;
  vault?: VaultSummary;
  regionMode?: RegionMode;
  instance?: InstanceSummary;
  point?: PointSummary;
  targetName?: string;
  /** Steps answered for the person (only one possible answer); Back skips them. */
  auto: StepName[];
  /** Option keys offered by the step on screen → what they stand for (ids, names, `id|time`). */
  offered: Record<string, string>;
  /** Cursors of the recovery point pages seen so far ('' = newest); the last one is on screen. */
  pointCursors: string[];
  /** The vault search typed when there are too many vaults to list. */
  vaultQuery?: string;
  /**
   * Disaster-day mode: the vault's region does not answer, so the wizard lists from the inventory and offers
   * the secondary region only. Absent in stored states of earlier versions, which simply were not degraded.
   */
  degraded?: Degraded;
  /**
   * Recovery point keys offered by a list that loads as the person types (Slack's external_select) → `id|time`,
   * kept apart from `offered` so paging (Older/Newer) still follows the page on screen. Cleared with the step.
   */
  suggested?: Record<string, string>;
}

export function newWizardState(prefill: Prefill = {}): WizardState {
  return { version: DIALOG_VERSION, step: 'vault', prefill, auto: [], offered: {}, pointCursors: [''] };
}

/** Forgets the answers of `step` and every step after it (going back, or a vault picked again). */
export function clearFrom(state: WizardState, step: StepName): WizardState {
  const from = STEPS.indexOf(step);
  const keep = (s: StepName) => STEPS.indexOf(s) < from;
  const next: WizardState = { ...state, step, offered: {}, auto: state.auto.filter(keep) };
  delete next.suggested;
  if (!keep('vault')) {
    delete next.vault;
    delete next.degraded;
  }
  if (!keep('region')) delete next.regionMode;
  if (!keep('instance')) delete next.instance;
  if (!keep('point')) {
    delete next.point;
    next.pointCursors = [''];
  }
  if (!keep('target')) delete next.targetName;
  return next;
}

/** The step Back goes to: the nearest earlier one the person answered themselves. */
export function previousStep(state: WizardState): StepName | undefined {
  for (let i = STEPS.indexOf(state.step) - 1; i >= 0; i--) {
    const step = STEPS[i]!;
    if (!state.auto.includes(step)) return step;
  }
  return undefined;
}

export function isWizardState(value: unknown): value is WizardState {
  const v = value as Partial<WizardState> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === DIALOG_VERSION &&
    typeof v.step === 'string' &&
    (STEPS as readonly string[]).includes(v.step) &&
    Array.isArray(v.auto) &&
    typeof v.offered === 'object' &&
    Array.isArray(v.pointCursors)
  );
}
