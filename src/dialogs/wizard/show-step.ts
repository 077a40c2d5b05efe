import { formatUtc } from '../../restore';
import { closestMatch } from '../../restore/suggest';
import { instanceKey, instanceOptions } from '../data/instances';
import { type InstanceListing, knownAtLabel, listInstancesKnown, listVaultsKnown } from '../data/known';
import { type PointSource, pointKey, recoveryPointOptions, recoveryPointPage } from '../data/recovery-points';
import { regionModeOptions, restoreRegion } from '../data/region-modes';
import { secondaryAvailability, secondaryAvailabilityText } from '../data/secondary-availability';
import { targetKey, targetOptions, targetsFor } from '../data/targets';
import { VAULT_LIST_LIMIT, type VaultSummary, vaultKey, vaultOptions } from '../data/vaults';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import type { Who } from '../places';
import { timesFooter } from '../time-labels';
import type { ChoiceOption, View } from '../views';
import { previousStep, type WizardState } from './state';
import { stepAction, stepView, WIZARD_ACTIONS, WIZARD_INPUTS } from './step-views';

export type StepDeps = Pick<ConversationDeps, 'client' | 'policy' | 'now' | 'inventory'>;

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
  return withDegradedBanner(deps, state, who, await buildStep(deps, state, who, extras));
}

/** The server step from a listing already in hand (the engine listed the servers to see if only one is there). */
export async function showInstanceStep(
  deps: StepDeps,
  state: WizardState,
  who: Who,
  listing: InstanceListing,
  extras: StepExtras,
): Promise<View> {
  const view = await showInstances(deps, state, listing, extras, previousStep(state) !== undefined, who);
  return withDegradedBanner(deps, state, who, view);
}

function withDegradedBanner(deps: StepDeps, state: WizardState, who: Who, view: View): View {
  const banner = degradedBanner(state, deps.now(), who.actor.timeZone);
  if (banner) view.warnings = [banner, ...(view.warnings ?? [])];
  return view;
}

/**
 * What is degraded and why, said on every step of a disaster-day wizard: which region does not answer, that
 * only the secondary region is offered, and how old the stored knowledge is.
 */
export function degradedBanner(state: WizardState, now: Date, timeZone?: string): string | undefined {
  const degraded = state.degraded;
  if (!degraded || !state.vault) return undefined;
  const knownAt = degraded.instancesKnownAt
    ? `vault ${knownAtLabel(degraded.vaultKnownAt, now, timeZone)}, servers ${knownAtLabel(degraded.instancesKnownAt, now, timeZone)}`
    : `as of ${knownAtLabel(degraded.vaultKnownAt, now, timeZone)}`;
  return say('DEGRADED_MODE', {
    region: degraded.region,
    code: degraded.code,
    since: formatUtc(degraded.since),
    secondary: state.vault.secondaryRegion ?? 'the secondary region',
    knownAt,
  });
}

/** Region choices; while the vault's region does not answer, the primary one is shown but not choosable. */
export function regionChoices(state: WizardState): ChoiceOption[] {
  const options = regionModeOptions(state.vault!);
  const degraded = state.degraded;
  if (!degraded) return options;
  return options.map((o) =>
    o.value === 'primary'
      ? { ...o, disabled: true, description: `Not available: ${degraded.region} is not answering (${degraded.code})` }
      : o,
  );
}

async function buildStep(deps: StepDeps, state: WizardState, who: Who, extras: StepExtras): Promise<View> {
  const canGoBack = previousStep(state) !== undefined;
  switch (state.step) {
    case 'vault':
      return showVaults(deps, state, extras);
    case 'region': {
      const options = regionChoices(state);
      state.offered = Object.fromEntries(options.filter((o) => !o.disabled).map((o) => [o.value, o.value]));
      return stepView(state, {
        ...extras,
        canGoBack,
        choices: { options },
        actions: [stepAction(state, WIZARD_ACTIONS.choose, 'Next', { style: 'primary', requires: ['region'] })],
      });
    }
    case 'instance': {
      const listing = await listInstancesKnown(deps, state.vault!, state.degraded);
      if (listing.from === 'inventory') state.degraded = listing.degraded;
      return showInstances(deps, state, listing, extras, canGoBack, who);
    }
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
  const listing = await listVaultsKnown(deps, VAULT_LIST_LIMIT + 1);
  const listed = listing.vaults;
  const tooMany = listed.length > VAULT_LIST_LIMIT;
  if (listed.length === 0) {
    state.offered = {};
    return stepView(state, {
      canGoBack: false,
      error: { code: 'NO_VAULTS_IN_SCOPE', message: say('NO_VAULTS_IN_SCOPE') },
    });
  }
  const query = state.vaultQuery;
  const pool = tooMany && query ? (await listVaultsKnown(deps)).vaults : listed;
  const shown = tooMany && !query ? [] : vaultsMatching(pool, query).slice(0, VAULT_LIST_LIMIT);
  state.offered = Object.fromEntries(shown.map((v) => [vaultKey(v.id), v.id]));
  const text = [...(extras.text ?? [])];
  if (listing.from === 'inventory') {
    text.push(say('VAULTS_FROM_INVENTORY', { code: listing.code, knownAt: knownAtLabel(listing.knownAt, deps.now()) }));
  }
  if (tooMany) text.push(say('TOO_MANY_VAULTS', { limit: VAULT_LIST_LIMIT }));
  return stepView(state, {
    ...extras,
    text,
    canGoBack: false,
    ...(shown.length ? { choices: { options: withRegionHealth(deps, shown, vaultOptions(shown)) } } : {}),
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

/** Vaults whose region failed recently say so in the list (no Azure call: what this process saw). */
function withRegionHealth(deps: StepDeps, vaults: readonly VaultSummary[], options: ChoiceOption[]): ChoiceOption[] {
  return options.map((option, i) => {
    const vault = vaults[i]!;
    return deps.inventory?.outage(vault.location)
      ? { ...option, description: `${option.description} · ${say('REGION_NOT_ANSWERING', { region: vault.location })}` }
      : option;
  });
}

/**
 * The server step. Each server says whether it can be restored in the vault's secondary region now (the
 * portal's "Instance Region == Secondary Region"); restoring there, the servers with nothing replicated yet
 * are shown but cannot be picked. Servers listed from the inventory say how old that list is.
 */
export async function showInstances(
  deps: StepDeps,
  state: WizardState,
  listing: InstanceListing,
  extras: StepExtras,
  canGoBack: boolean,
  who: Who,
): Promise<View> {
  const vault = state.vault!;
  const instances = listing.instances;
  if (instances.length === 0) {
    state.offered = {};
    return stepView(state, {
      canGoBack,
      error: { code: 'NO_INSTANCES', message: say('NO_INSTANCES', { vault: vault.name }) },
    });
  }
  const now = deps.now();
  const timeZone = who.actor.timeZone;
  const text = [...(extras.text ?? [])];
  if (listing.from === 'inventory') {
    const degraded = listing.degraded;
    text.push(
      say('SERVERS_FROM_INVENTORY', {
        vault: vault.name,
        region: degraded.region,
        code: degraded.code,
        knownAt: knownAtLabel(degraded.instancesKnownAt ?? degraded.vaultKnownAt, now, timeZone),
      }),
    );
  }
  let options = instanceOptions(instances);
  if (vault.crossRegionRestoreAvailable && vault.secondaryRegion) {
    const availability = await secondaryAvailability(deps.client, vault, instances, {
      compareWithVault: listing.from === 'azure' && !state.degraded,
      now,
    });
    const secondary = state.regionMode === 'secondary';
    options = options.map((option, i) => {
      const a = availability[i]!;
      const flag = secondaryAvailabilityText(a, now, timeZone);
      const description = [flag, option.description].filter(Boolean).join(' · ');
      return { ...option, description, ...(secondary && !a.available && !a.unknown ? { disabled: true } : {}) };
    });
    text.push(
      say('SECONDARY_SUMMARY', {
        region: vault.secondaryRegion,
        available: availability.filter((a) => a.available).length,
        total: instances.length,
      }),
    );
  }
  const pickable = new Set(options.filter((o) => !o.disabled).map((o) => o.value));
  state.offered = Object.fromEntries(
    instances.filter((i) => pickable.has(instanceKey(i.id))).map((i) => [instanceKey(i.id), i.id]),
  );
  return stepView(state, {
    ...extras,
    text,
    canGoBack,
    choices: { options },
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
