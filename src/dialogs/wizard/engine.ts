import { isBotError } from '../../errors';
import type { Answer } from '../answer';
import type { ApprovalMessages } from '../approval/approval-messages';
import {
  type Degraded,
  findServerKnown,
  INVENTORY_COLD,
  knownOutageOf,
  listInstancesKnown,
  listVaultsKnown,
  readVaultKnown,
} from '../data/known';
import { findByName } from '../data/names';
import { nearestPointAtOrBefore, type PointSummary, pointStillExists } from '../data/recovery-points';
import { regionLabel, regionModeOptions, restoreRegion, secondaryUnavailableReason } from '../data/region-modes';
import { targetsFor } from '../data/targets';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import { policyPlace, type Who } from '../places';
import { timeLabel } from '../time-labels';
import { parseTypedTime } from '../typed-time';
import type { View } from '../views';
import { requestApproval, reviewView } from './review';
import {
  pointSourceOf,
  regionChoices,
  type StepExtras,
  showInstanceStep,
  showStep,
  vaultSuggestion,
  vaultsMatching,
} from './show-step';
import { clearFrom, newWizardState, type Prefill, previousStep, type StepName, type WizardState } from './state';
import { autoAnsweredView, WIZARD_ACTIONS, WIZARD_INPUTS } from './step-views';

/** What one wizard turn produced: the state to store, the views to send, and whether the wizard is over. */
export interface WizardTurn {
  state: WizardState;
  views: View[];
  done: boolean;
}

export type WizardDeps = Pick<
  ConversationDeps,
  'client' | 'policy' | 'now' | 'service' | 'poster' | 'logger' | 'userGroups' | 'inventory'
>;

/** Errors that already say what happened and what to do: shown as they are, not as "Azure trouble". */
const SELF_EXPLAINING_CODES = new Set([INVENTORY_COLD]);

/**
 * The restore wizard's step logic, free of botbuilder: given the stored state and what the person sent, the
 * next state and the views to show. Steps with a single possible answer are answered and shown as such;
 * pre-filled answers (the shortcut) are checked like typed ones.
 */
export class WizardEngine {
  constructor(
    private readonly deps: WizardDeps,
    private readonly approvals: ApprovalMessages,
  ) {}

  /** `notes` are said on the first step shown (e.g. why the wizard runs where others can see it). */
  async start(prefill: Prefill, who: Who, notes: string[] = []): Promise<WizardTurn> {
    const state = newWizardState(prefill);
    const decision = await this.deps.policy.mayRequest(who.actor, policyPlace(who.place), this.deps.userGroups);
    if (!decision.allowed) {
      const error = decision.error;
      return {
        state,
        views: [
          { kind: 'error', title: 'Restore not allowed here', error: { code: error.code, message: error.message } },
        ],
        done: true,
      };
    }
    return this.guard(state, () => this.advance(state, who, [], [...notes]));
  }

  async handle(stored: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    const state = structuredClone(stored);
    if (answer.action === WIZARD_ACTIONS.cancel) {
      return { state, views: [{ kind: 'notice', title: say('WIZARD_CANCELLED') }], done: true };
    }
    return this.guard(stored, async () => {
      if (answer.action && answer.values.step && answer.values.step !== state.step) {
        return this.reshow(state, who, notAvailable());
      }
      if (answer.action === WIZARD_ACTIONS.back) {
        const previous = previousStep(state);
        if (!previous) return this.reshow(state, who);
        const back = clearFrom(state, previous);
        return this.reshow(back, who);
      }
      switch (state.step) {
        case 'vault':
          return this.answerVault(state, answer, who);
        case 'region':
          return this.answerRegion(state, answer, who);
        case 'instance':
          return this.answerInstance(state, answer, who);
        case 'point':
          return this.answerPoint(state, answer, who);
        case 'target':
          return this.answerTarget(state, answer, who);
        case 'review':
          return this.answerReview(state, answer, who);
      }
    });
  }

  /** Azure trouble while building a step leaves the stored state as it was and says what happened. */
  private async guard(unchanged: WizardState, run: () => Promise<WizardTurn>): Promise<WizardTurn> {
    try {
      return await run();
    } catch (error) {
      if (!isBotError(error)) throw error;
      this.deps.logger.warn('wizard step failed', { code: error.code });
      if (SELF_EXPLAINING_CODES.has(error.code)) {
        return {
          state: unchanged,
          views: [
            {
              kind: 'error',
              title: 'The restore cannot go on here',
              error: { code: error.code, message: error.message },
              text: ['Type cancel to end the wizard, or try again later.'],
            },
          ],
          done: false,
        };
      }
      return {
        state: unchanged,
        views: [
          {
            kind: 'error',
            title: 'Something went wrong',
            error: {
              code: error.code,
              message: say('AZURE_TROUBLE', { what: 'preparing this step', message: error.message }),
            },
            text: ['Nothing changed; try again in a moment, or type cancel.'],
          },
        ],
        done: false,
      };
    }
  }

  private async reshow(state: WizardState, who: Who, extras: StepExtras = {}, views: View[] = []): Promise<WizardTurn> {
    const view =
      state.step === 'review'
        ? await reviewView(this.deps, state, who, extras.text)
        : await showStep(this.deps, state, who, extras);
    if (state.step === 'review' && extras.error) view.error = extras.error;
    return { state, views: [...views, view], done: false };
  }

  /** Fills in every step that is already answered, pre-filled or has one possible answer; shows the next one. */
  private async advance(state: WizardState, who: Who, views: View[], notes: string[]): Promise<WizardTurn> {
    const extras = (more: StepExtras = {}): StepExtras => ({ ...more, text: [...notes, ...(more.text ?? [])] });
    for (;;) {
      switch (state.step) {
        case 'vault': {
          if (state.vault) {
            state.step = 'region';
            continue;
          }
          const server = state.prefill.server;
          if (!server) return this.reshow(state, who, extras(), views);
          delete state.prefill.server;
          const vaults = (await listVaultsKnown(this.deps)).vaults;
          const found = await findServerKnown(this.deps, vaults, server);
          if (found.matches.length === 1) {
            const { vault, instance, degraded } = found.matches[0]!;
            state.vault = vault;
            state.instance = instance;
            if (degraded) state.degraded = degraded;
            notes.push(say('SERVER_FOUND', { name: instance.serverName, vault: vault.name }));
            state.step = 'region';
            continue;
          }
          if (found.matches.length > 1) {
            state.vaultQuery = undefined;
            const view = await showStep(
              this.deps,
              state,
              who,
              extras({ text: [say('SERVER_IN_SEVERAL_VAULTS', { name: server })] }),
            );
            // Only the vaults that protect the server are offered; the instance is matched again after the pick.
            const wanted = new Set(found.matches.map((m) => m.vault.id));
            state.offered = Object.fromEntries(Object.entries(state.offered).filter(([, id]) => wanted.has(id)));
            if (view.choices) view.choices.options = view.choices.options.filter((o) => o.value in state.offered);
            state.prefill.server = server;
            return { state, views: [...views, view], done: false };
          }
          if (found.unsearchable.length > 0) {
            const message = say('INVENTORY_COLD_SEARCH', {
              server,
              vaults: found.unsearchable.map((u) => u.vault.name).join(', '),
              code: found.unsearchable[0]!.code,
            });
            return this.reshow(state, who, extras({ error: { code: INVENTORY_COLD, message } }), views);
          }
          const suggestion = findByName(server, found.serverNames, (n) => n).suggestion;
          return this.reshow(
            state,
            who,
            extras({ error: { code: 'UNKNOWN_SERVER', message: say('UNKNOWN_SERVER', { name: server, suggestion }) } }),
            views,
          );
        }
        case 'region': {
          if (state.regionMode) {
            state.step = 'instance';
            continue;
          }
          const vault = state.vault!;
          state.degraded ??= await knownOutageOf(this.deps, vault);
          const reason = secondaryUnavailableReason(vault);
          const wanted = state.prefill.region;
          delete state.prefill.region;
          if (state.degraded) {
            const answered = this.secondaryOnly(state, views, state.degraded, reason);
            if (!answered) return this.regionDown(state, who, state.degraded, reason!, views, extras);
            if (wanted === 'primary') notes.push(say('PRIMARY_NOT_OFFERED', { region: state.degraded.region }));
            continue;
          }
          if (wanted === 'secondary' && reason) {
            return this.reshow(
              state,
              who,
              extras({
                error: {
                  code: 'SECONDARY_NOT_AVAILABLE',
                  message: say('SECONDARY_NOT_AVAILABLE', { vault: vault.name, reason }),
                },
              }),
              views,
            );
          }
          if (wanted) {
            state.regionMode = wanted;
            continue;
          }
          if (reason) {
            state.regionMode = 'primary';
            state.auto.push('region');
            views.push(
              autoAnsweredView(
                state,
                'region',
                { answer: regionLabel(vault, 'primary'), reason: capitalise(reason) },
                { id: 'region', label: 'Region', options: regionModeOptions(vault) },
              ),
            );
            continue;
          }
          return this.reshow(state, who, extras(), views);
        }
        case 'instance': {
          if (state.instance) {
            state.step = 'point';
            continue;
          }
          const listing = await listInstancesKnown(this.deps, state.vault!, state.degraded);
          if (listing.from === 'inventory') state.degraded = listing.degraded;
          const instances = listing.instances;
          if (instances.length === 1) {
            state.instance = instances[0]!;
            this.markAuto(state, 'instance', views, {
              answer: instances[0]!.serverName,
              reason: `The only server protected by ${state.vault!.name}`,
            });
            continue;
          }
          const view = await showInstanceStep(this.deps, state, who, listing, extras());
          return { state, views: [...views, view], done: false };
        }
        case 'point': {
          if (state.point) {
            state.step = 'target';
            continue;
          }
          const typed = state.prefill.at ?? (state.prefill.latest ? 'latest' : undefined);
          delete state.prefill.at;
          delete state.prefill.latest;
          if (!typed) return this.reshow(state, who, extras(), views);
          const picked = await this.pointForTypedTime(state, who, typed);
          if ('error' in picked) return this.reshow(state, who, extras({ error: picked.error }), views);
          state.point = picked.point;
          notes.push(picked.note);
          continue;
        }
        case 'target': {
          if (state.targetName) {
            state.step = 'review';
            continue;
          }
          const region = restoreRegion(state.vault!, state.regionMode ?? 'primary') ?? 'unknown';
          const targets = targetsFor(this.deps.policy, region);
          const typed = state.prefill.target;
          delete state.prefill.target;
          if (typed && targets.length > 0) {
            const { match, suggestion } = findByName(typed, targets, (t) => t.name);
            if (!match) {
              const message = say('UNKNOWN_TARGET', {
                name: typed,
                region,
                allowed: targets.map((t) => t.name).join(', '),
                suggestion,
              });
              return this.reshow(state, who, extras({ error: { code: 'UNKNOWN_TARGET', message } }), views);
            }
            state.targetName = match.name;
            continue;
          }
          if (targets.length === 1) {
            state.targetName = targets[0]!.name;
            this.markAuto(state, 'target', views, {
              answer: targets[0]!.name,
              reason: `The only restore target the policy allows in ${region}`,
            });
            continue;
          }
          return this.reshow(state, who, extras(), views);
        }
        case 'review':
          return this.reshow(state, who, extras(), views);
      }
    }
  }

  /**
   * Disaster-day mode at the region step: the secondary region, answered for the person with the reason.
   * False when the vault cannot restore there either.
   */
  private secondaryOnly(state: WizardState, views: View[], degraded: Degraded, reason: string | undefined): boolean {
    if (reason) return false;
    const vault = state.vault!;
    state.regionMode = 'secondary';
    state.auto.push('region');
    views.push(
      autoAnsweredView(
        state,
        'region',
        {
          answer: regionLabel(vault, 'secondary'),
          reason: capitalise(
            say('PRIMARY_DOWN_SECONDARY_ONLY', {
              region: degraded.region,
              code: degraded.code,
              secondary: vault.secondaryRegion ?? 'the secondary region',
            }),
          ),
        },
        { id: 'region', label: 'Region', options: regionChoices(state) },
      ),
    );
    return true;
  }

  /** The vault's region does not answer and it has no usable secondary region: nothing can be restored. */
  private regionDown(
    state: WizardState,
    who: Who,
    degraded: Degraded,
    reason: string,
    views: View[],
    extras: (more?: StepExtras) => StepExtras,
  ): Promise<WizardTurn> {
    const message = say('PRIMARY_REGION_DOWN', {
      vault: state.vault!.name,
      region: degraded.region,
      code: degraded.code,
      reason,
    });
    return this.reshow(state, who, extras({ error: { code: 'PRIMARY_REGION_DOWN', message } }), views);
  }

  private markAuto(state: WizardState, step: StepName, views: View[], auto: { answer: string; reason: string }): void {
    state.auto.push(step);
    views.push(autoAnsweredView(state, step, auto));
  }

  /** Moves to the step after `step` with the answer recorded, filling what follows. */
  private next(state: WizardState, who: Who, notes: string[] = []): Promise<WizardTurn> {
    state.offered = {};
    delete state.suggested;
    return this.advance(state, who, [], notes);
  }

  private async answerVault(state: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    const key = answer.values.vault;
    if (key && answer.action !== WIZARD_ACTIONS.search) {
      const id = state.offered[key];
      if (!id) return this.reshow(state, who, notAvailable());
      const read = await readVaultKnown(this.deps, id);
      if (!read)
        return this.reshow(state, who, { error: { code: 'VAULT_GONE', message: say('VAULT_GONE', { name: key }) } });
      return this.pickVault(state, read.vault, who, read.degraded);
    }
    const typed = (answer.values[WIZARD_INPUTS.query] ?? answer.text).trim();
    if (!typed) return this.reshow(state, who, { text: [say('ASK_FIRST', { step: 'a vault' })] });
    const vaults = (await listVaultsKnown(this.deps)).vaults;
    const { match } = findByName(typed, vaults, (v) => v.name);
    const matching = match ? [match] : vaultsMatching(vaults, typed);
    if (matching.length === 1) return this.pickVault(state, matching[0]!, who);
    if (matching.length === 0) {
      const suggestion = vaultSuggestion(vaults, typed);
      return this.reshow(state, who, {
        error: { code: 'NO_VAULT_MATCHES', message: say('NO_VAULT_MATCHES', { query: typed, suggestion }) },
      });
    }
    state.vaultQuery = typed;
    return this.reshow(state, who);
  }

  private async pickVault(
    state: WizardState,
    vault: WizardState['vault'] & object,
    who: Who,
    degraded?: Degraded,
  ): Promise<WizardTurn> {
    const next = clearFrom(state, 'region');
    next.vault = vault;
    if (degraded) next.degraded = degraded;
    delete next.vaultQuery;
    // The shortcut named a server that several vaults protect: match it again in the vault just picked.
    const server = next.prefill.server;
    delete next.prefill.server;
    if (server) {
      const listing = await listInstancesKnown(this.deps, vault, next.degraded);
      if (listing.from === 'inventory') next.degraded = listing.degraded;
      const found = listing.instances.find((i) => i.serverName.toLowerCase() === server.toLowerCase());
      if (found) next.instance = found;
    }
    return this.next(next, who);
  }

  private async answerRegion(state: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    const typed = (answer.values.region ?? answer.text).trim().toLowerCase();
    const mode = typed.startsWith('p') ? 'primary' : typed.startsWith('s') ? 'secondary' : undefined;
    if (!mode) {
      return this.reshow(state, who, {
        error: {
          code: 'REGION_UNKNOWN_ANSWER',
          message: say('REGION_UNKNOWN_ANSWER', { typed: typed || '(nothing)' }),
        },
      });
    }
    if (!(mode in state.offered)) {
      const reason = secondaryUnavailableReason(state.vault!);
      if (mode === 'primary' && state.degraded) {
        return this.reshow(state, who, {
          error: {
            code: 'PRIMARY_REGION_DOWN',
            message: capitalise(
              say('PRIMARY_DOWN_SECONDARY_ONLY', {
                region: state.degraded.region,
                code: state.degraded.code,
                secondary: state.vault!.secondaryRegion ?? 'the secondary region',
              }),
            ),
          },
        });
      }
      return this.reshow(state, who, {
        error: reason
          ? {
              code: 'SECONDARY_NOT_AVAILABLE',
              message: say('SECONDARY_NOT_AVAILABLE', { vault: state.vault!.name, reason }),
            }
          : notAvailable().error!,
      });
    }
    state.regionMode = mode;
    return this.next(state, who);
  }

  private async answerInstance(state: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    const listing = await listInstancesKnown(this.deps, state.vault!, state.degraded);
    if (listing.from === 'inventory') state.degraded = listing.degraded;
    const instances = listing.instances;
    const key = answer.values.instance;
    if (key) {
      const id = state.offered[key];
      const instance = id ? instances.find((i) => i.id.toLowerCase() === id.toLowerCase()) : undefined;
      if (!instance) return this.reshow(state, who, notAvailable());
      state.instance = instance;
      return this.next(state, who);
    }
    const typed = answer.text.trim();
    if (!typed) return this.reshow(state, who, { text: [say('ASK_FIRST', { step: 'a server' })] });
    const { match, suggestion } = findByName(typed, instances, (i) => i.serverName);
    if (!match) {
      return this.reshow(state, who, {
        error: { code: 'UNKNOWN_SERVER', message: say('UNKNOWN_SERVER', { name: typed, suggestion }) },
      });
    }
    state.instance = match;
    return this.next(state, who);
  }

  private async answerPoint(state: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    if (answer.action === WIZARD_ACTIONS.older) {
      const oldest = Object.values(state.offered)
        .map((v) => v.split('|')[1] ?? '')
        .filter(Boolean)
        .sort()[0];
      if (oldest) state.pointCursors.push(oldest);
      return this.reshow(state, who);
    }
    if (answer.action === WIZARD_ACTIONS.newer) {
      if (state.pointCursors.length > 1) state.pointCursors.pop();
      return this.reshow(state, who);
    }
    const key = answer.values.point;
    if (key && answer.action !== WIZARD_ACTIONS.time) {
      // Picked from the page on screen, or from a list that loaded as the person typed (see suggest.ts).
      const offered = state.offered[key] ?? state.suggested?.[key];
      if (!offered) return this.reshow(state, who, notAvailable());
      const [id, time] = offered.split('|') as [string, string];
      const point: PointSummary = { id, time };
      if (!(await pointStillExists(this.deps.client, pointSourceOf(state), point))) {
        return this.reshow(state, who, { error: { code: 'POINT_GONE', message: say('POINT_GONE', { time }) } });
      }
      state.point = point;
      return this.next(state, who);
    }
    const typed = (answer.values[WIZARD_INPUTS.time] ?? answer.text).trim();
    if (!typed) return this.reshow(state, who, { text: [say('ASK_FIRST', { step: 'a recovery point' })] });
    const picked = await this.pointForTypedTime(state, who, typed);
    if ('error' in picked) return this.reshow(state, who, { error: picked.error });
    state.point = picked.point;
    return this.next(state, who, [picked.note]);
  }

  private async pointForTypedTime(
    state: WizardState,
    who: Who,
    typed: string,
  ): Promise<{ point: PointSummary; note: string } | { error: { code: string; message: string } }> {
    const now = this.deps.now();
    const parsed = parseTypedTime(typed, now, who.actor.timeZone);
    if (!parsed) return { error: { code: 'TIME_UNREADABLE', message: say('TIME_UNREADABLE', { typed }) } };
    const at = parsed.kind === 'at' ? parsed.time : undefined;
    const point = await nearestPointAtOrBefore(this.deps.client, pointSourceOf(state), at, now);
    if (!point) {
      return {
        error: {
          code: 'NO_POINT_BEFORE',
          message: say('NO_POINT_BEFORE', { time: (at ?? now).toISOString(), server: state.instance!.serverName }),
        },
      };
    }
    return { point, note: say('NEAREST_POINT', { typed, label: timeLabel(point.time, now, who.actor.timeZone) }) };
  }

  private async answerTarget(state: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    const region = restoreRegion(state.vault!, state.regionMode ?? 'primary') ?? 'unknown';
    const targets = targetsFor(this.deps.policy, region);
    const key = answer.values.target;
    if (key) {
      const name = state.offered[key];
      const target = name ? targets.find((t) => t.name === name) : undefined;
      if (!target) return this.reshow(state, who, notAvailable());
      state.targetName = target.name;
      return this.next(state, who);
    }
    const typed = answer.text.trim();
    if (!typed) return this.reshow(state, who, { text: [say('ASK_FIRST', { step: 'a target' })] });
    const { match, suggestion } = findByName(typed, targets, (t) => t.name);
    if (!match) {
      const message = say('UNKNOWN_TARGET', {
        name: typed,
        region,
        allowed: targets.map((t) => t.name).join(', ') || 'none',
        suggestion,
      });
      return this.reshow(state, who, { error: { code: 'UNKNOWN_TARGET', message } });
    }
    state.targetName = match.name;
    return this.next(state, who);
  }

  private async answerReview(state: WizardState, answer: Answer, who: Who): Promise<WizardTurn> {
    const typed = answer.text.trim().toLowerCase();
    const wantsRequest =
      answer.action === WIZARD_ACTIONS.request || ['request', 'request approval', 'yes'].includes(typed);
    if (!wantsRequest) return this.reshow(state, who);
    const outcome = await requestApproval(this.deps, this.approvals, state, who);
    return { state, views: [outcome.view], done: outcome.done };
  }
}

function notAvailable(): StepExtras {
  return { error: { code: 'CHOICE_NOT_AVAILABLE', message: say('CHOICE_NOT_AVAILABLE') } };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
