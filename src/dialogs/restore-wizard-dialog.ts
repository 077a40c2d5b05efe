import type { TurnContext } from 'botbuilder-core';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { readAnswer } from './answer';
import type { Who } from './places';
import type { Place } from './ports';
import { VIEW_CONTENT_TYPE, type View } from './views';
import type { WizardEngine, WizardTurn } from './wizard/engine';
import { DIALOG_VERSION, isWizardState, type Prefill } from './wizard/state';

/** The dialog id carries the version: a stack stored by another version is recognised as stale. */
export const RESTORE_WIZARD_DIALOG_ID = `restore-wizard-v${DIALOG_VERSION}`;

/** Turn-state key under which the router leaves who is acting and where. */
export const WHO_KEY = Symbol('restore-bot.who');

export function viewActivity(view: View) {
  return { type: 'message', attachments: [{ contentType: VIEW_CONTENT_TYPE, content: view }] };
}

export async function sendViews(context: TurnContext, views: readonly View[]): Promise<void> {
  for (const view of views) await context.sendActivity(viewActivity(view));
}

/** Thrown when the stored wizard state is not one this version can read (the router restarts politely). */
export class StaleDialogStateError extends Error {
  constructor() {
    super('stored wizard state belongs to another version of the dialogs');
  }
}

/** How a wizard starts: the shortcut's answers, and where it was asked for when it runs somewhere else. */
export interface WizardOptions {
  prefill?: Prefill;
  /**
   * The channel or group chat the restore was asked for in, when the wizard continues in the person's 1:1
   * chat: the policy is checked and the approval card posted as if every answer were given there.
   */
  askedIn?: Place;
  /** Said on the wizard's first card (e.g. why it runs in a shared thread). */
  notes?: string[];
}

/**
 * botbuilder plumbing around the wizard's step logic: the state lives in `activeDialog.state` (so in the
 * store, through the dialog state storage), each turn's answer goes to the engine, its views are sent.
 */
export class RestoreWizardDialog extends Dialog<WizardOptions> {
  constructor(private readonly engine: WizardEngine) {
    super(RESTORE_WIZARD_DIALOG_ID);
  }

  override async beginDialog(dc: DialogContext, options?: WizardOptions): Promise<DialogTurnResult> {
    if (options?.askedIn) dc.activeDialog!.state.askedIn = options.askedIn;
    const turn = await this.engine.start(options?.prefill ?? {}, whoOf(dc), options?.notes);
    return this.finishTurn(dc, turn);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const stored = dc.activeDialog?.state?.wizard;
    if (!isWizardState(stored)) throw new StaleDialogStateError();
    const turn = await this.engine.handle(stored, readAnswer(dc.context.activity), whoOf(dc));
    return this.finishTurn(dc, turn);
  }

  private async finishTurn(dc: DialogContext, turn: WizardTurn): Promise<DialogTurnResult> {
    await sendViews(dc.context, turn.views);
    if (turn.done) return dc.endDialog();
    dc.activeDialog!.state.wizard = turn.state;
    return Dialog.EndOfTurn;
  }
}

/** Who is acting, and where the wizard belongs: the place it was asked for in, wherever the answers come from. */
function whoOf(dc: DialogContext): Who {
  const who = dc.context.turnState.get(WHO_KEY) as Who | undefined;
  if (!who) throw new Error('the router must set who is acting before the wizard runs');
  const askedIn = dc.activeDialog?.state?.askedIn as Place | undefined;
  return isPlace(askedIn) ? { actor: who.actor, place: askedIn } : who;
}

function isPlace(value: unknown): value is Place {
  return typeof value === 'object' && value !== null && typeof (value as Place).conversationId === 'string';
}
