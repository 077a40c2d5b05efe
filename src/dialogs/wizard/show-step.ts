import { closestMatch } from '../../restore/suggest';
import { type InstanceSummary, instanceKey, instanceOptions, listInstances } from '../data/instances';
import { type PointSource, pointKey, recoveryPointOptions, recoveryPointPage } from '../data/recovery-points';
import { regionModeOptions, restoreRegion } from '../data/region-modes';
import { targetKey, targetOptions, targetsFor } from '../data/targets';
import { listVaultsInScope, VAULT_LIST_LIMIT, type VaultSummary, vaultKey, vaultOptions } from '../data/vaults';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import type { Who } from '../places';
import { timesFooter } from '../time-labels';
import type { View } from '../views';
import { previousStep, type WizardState } from './state';
import { stepAction, stepView, WIZARD_ACTIONS, WIZARD_INPUTS } from './step-views';

export type StepDeps = Pick<ConversationDeps, 'client' | 'policy' | 'now'>;

/** What a step view may carry besides its own data: an error to act on, notes from the previous turn. */
export interface StepExtras {
  error?: { code: string; message: string };
  text?: string[];
}

/** Where the recovery points of the chosen instance come from. */
export function pointSourceOf(state: WizardState): PointSource {
  const vault = state.vault!;
  const instanceId = state.instance!.id;
  if (state.regionMode === 'secondary' && vault.secondaryRegion) {
    return { mode: 'secondary', instanceId, sourceRegion: vault.location, secondaryRegion: vault.secondaryRegion };
  }
  return { mode: 'primary', instanceId };
}

/** Builds the view of the step on screen from fresh data, and records the keys it offers. */
export async function showStep(deps: StepDeps, state: WizardState, who: Who, extras: StepExtras = {}): Promise<View> {
  const canGoBack = previousStep(state) !== undefined;
  switch (state.step) {
    case 'vault':
      return showVaults(deps, state, extras);
    case 'region': {
      const options = regionModeOptions(state.vault!);
      state.offered = Object.fromEntries(options.filter((o) => !o.disabled).map((o) => [o.value, o.value]));
      return stepView(state, {
        ...extras,
        canGoBack,
        choices: { options },
        actions: [stepAction(state, WIZARD_ACTIONS.choose, 'Next', { style: 'primary', requires: ['region'] })],
      });
    }
    case 'instance':
      return showInstances(state, await listInstances(deps.client, state.vault!.id), extras, canGoBack);
    case 'point':
      return showPoints(deps, state, who, extras, canGoBack);
    case 'target': {
      const region = restoreRegion(state.vault!, state.regionMode ?? 'primary') ?? 'unknown';
      const targets = targetsFor(deps.policy, region);
      state.offered = Object.fromEntries(targets.map((t) => [targetKey(t.name), t.name]));
      if (targets.length === 0) {
        return stepView(state, {
          canGoBack,
          error: { code: 'NO_TARGETS', message: say('NO_TARGETS', { region }) },
        });
      }
      return stepView(state, {
        ...extras,
        canGoBack,
        choices: { options: targetOptions(targets) },
        text: [...(extras.text ?? []), `Containers allowed for restores in ${region}.`],
        actions: [stepAction(state, WIZARD_ACTIONS.choose, 'Next', { style: 'primary', requires: ['target'] })],
      });
    }
    case 'review':
      throw new Error('the review step is built by review.ts');
  }
}

async function showVaults(deps: StepDeps, state: WizardState, extras: StepExtras): Promise<View> {
  const listed = await listVaultsInScope(deps.client, deps.policy, VAULT_LIST_LIMIT + 1);
  const tooMany = listed.length > VAULT_LIST_LIMIT;
  if (listed.length === 0) {
    state.offered = {};
    return stepView(state, {
      canGoBack: false,
      error: { code: 'NO_VAULTS_IN_SCOPE', message: say('NO_VAULTS_IN_SCOPE') },
    });
  }
  const query = state.vaultQuery;
  const pool = tooMany && query ? await listVaultsInScope(deps.client, deps.policy) : listed;
  const shown = tooMany && !query ? [] : vaultsMatching(pool, query).slice(0, VAULT_LIST_LIMIT);
  state.offered = Object.fromEntries(shown.map((v) => [vaultKey(v.id), v.id]));
  const text = [...(extras.text ?? [])];
  if (tooMany) text.push(say('TOO_MANY_VAULTS', { limit: VAULT_LIST_LIMIT }));
  return stepView(state, {
    ...extras,
    text,
    canGoBack: false,
    ...(shown.length ? { choices: { options: vaultOptions(shown) } } : {}),
    inputs: [
      {
        id: WIZARD_INPUTS.query,
        label: 'Or type part of a vault name',
        placeholder: 'bv-prod',
        maxLength: 100,
      },
    ],
    actions: [
      ...(shown.length
        ? [stepAction(state, WIZARD_ACTIONS.choose, 'Next', { style: 'primary' as const, requires: ['vault'] })]
        : []),
      stepAction(state, WIZARD_ACTIONS.search, 'Search', { requires: [WIZARD_INPUTS.query] }),
    ],
  });
}

export function vaultsMatching(vaults: readonly VaultSummary[], query?: string): VaultSummary[] {
  const needle = query?.trim().toLowerCase();
  return needle ? vaults.filter((v) => v.name.toLowerCase().includes(needle)) : [...vaults];
}

export function vaultSuggestion(vaults: readonly VaultSummary[], typed: string): string | undefined {
  return closestMatch(
    typed,
    vaults.map((v) => v.name),
    Math.max(3, Math.floor(typed.length / 3)),
  );
}

export function showInstances(
  state: WizardState,
  instances: readonly InstanceSummary[],
  extras: StepExtras,
  canGoBack: boolean,
): View {
  state.offered = Object.fromEntries(instances.map((i) => [instanceKey(i.id), i.id]));
  if (instances.length === 0) {
    return stepView(state, {
      canGoBack,
      error: { code: 'NO_INSTANCES', message: say('NO_INSTANCES', { vault: state.vault!.name }) },
    });
  }
  return stepView(state, {
    ...extras,
    canGoBack,
    choices: { options: instanceOptions(instances) },
    actions: [stepAction(state, WIZARD_ACTIONS.choose, 'Next', { style: 'primary', requires: ['instance'] })],
  });
}

async function showPoints(
  deps: StepDeps,
  state: WizardState,
  who: Who,
  extras: StepExtras,
  canGoBack: boolean,
): Promise<View> {
  const now = deps.now();
  const source = pointSourceOf(state);
  const cursor = state.pointCursors[state.pointCursors.length - 1] || undefined;
  const page = await recoveryPointPage(deps.client, source, { ...(cursor ? { before: new Date(cursor) } : {}), now });
  state.offered = Object.fromEntries(page.points.map((p) => [pointKey(p), `${p.id}|${p.time}`]));
  const index = state.pointCursors.length - 1;
  const where =
    source.mode === 'secondary' ? `in ${source.secondaryRegion} (already replicated there)` : 'in the vault';
  if (page.points.length === 0 && index === 0) {
    return stepView(state, {
      canGoBack,
      error: {
        code: 'NO_POINTS',
        message: say('NO_POINTS', { server: state.instance!.serverName, where }),
      },
    });
  }
  const actions = [stepAction(state, WIZARD_ACTIONS.choose, 'Next', { style: 'primary', requires: ['point'] })];
  if (index > 0) actions.push(stepAction(state, WIZARD_ACTIONS.newer, 'Newer points'));
  if (page.hasOlder) actions.push(stepAction(state, WIZARD_ACTIONS.older, 'Older points'));
  actions.push(stepAction(state, WIZARD_ACTIONS.time, 'Go to time', { requires: [WIZARD_INPUTS.time] }));
  return stepView(state, {
    ...extras,
    canGoBack,
    text: [
      ...(extras.text ?? []),
      `Newest first, ${where}. Or type a time: latest, 2026-11-20 14:00, yesterday 18:00, before 3h ago.`,
    ],
    choices: {
      options: recoveryPointOptions(page.points, now, who.actor.timeZone),
      page: { index, size: page.points.length, hasPrevious: index > 0, hasNext: page.hasOlder },
    },
    inputs: [
      {
        id: WIZARD_INPUTS.time,
        label: 'Jump to a time',
        placeholder: who.actor.timeZone ? `in ${who.actor.timeZone}` : 'UTC',
        maxLength: 60,
      },
    ],
    actions,
    footer: timesFooter(who.actor.timeZone),
  });
}
