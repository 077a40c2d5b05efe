import { PrivateConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder-core';
import { DialogContextError, DialogSet, type DialogState } from 'botbuilder-dialogs';
import { readAnswer } from './answer';
import { ApprovalMessages } from './approval/approval-messages';
import { ApprovalClicks } from './approval/decide';
import { type Command, isCommand, parseCommand } from './command-grammar';
import { type ConversationDeps, keyValueOverStorage } from './deps';
import { helpView } from './look/help-view';
import { JOBS_PAGE_ACTION, jobsView } from './look/jobs-view';
import { statusView } from './look/status-view';
import { vaultsView } from './look/vaults-view';
import { say } from './messages';
import type { Who } from './places';
import type { Actor, ConversationApp, ExecuteClick, ExecuteResult, Place } from './ports';
import {
  RESTORE_WIZARD_DIALOG_ID,
  RestoreWizardDialog,
  StaleDialogStateError,
  sendViews,
  WHO_KEY,
} from './restore-wizard-dialog';
import type { View } from './views';
import { WizardEngine } from './wizard/engine';
import { DIALOG_VERSION, isWizardState, type Prefill } from './wizard/state';

/**
 * The one conversation, shared by Teams and Slack: routes each turn to the wizard (a botbuilder dialog whose
 * state is in the store) or to the one-turn commands, and approval clicks to ApprovalClicks.
 *
 * Dialog state is private to each person in each conversation (PrivateConversationState): in a channel, two
 * people can run their own wizards side by side.
 */
export class RestoreConversation implements ConversationApp {
  private readonly state: PrivateConversationState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly version: StatePropertyAccessor<number>;
  private readonly dialogs: DialogSet;
  private readonly clicks: ApprovalClicks;

  constructor(private readonly deps: ConversationDeps) {
    const approvals = new ApprovalMessages(deps.conversations ?? keyValueOverStorage(deps.storage));
    this.state = new PrivateConversationState(deps.storage);
    this.dialogState = this.state.createProperty<DialogState>('dialogState');
    this.version = this.state.createProperty<number>('dialogVersion');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(new RestoreWizardDialog(new WizardEngine(deps, approvals)));
    this.clicks = new ApprovalClicks(deps, approvals);
  }

  onExecute(click: ExecuteClick): Promise<ExecuteResult> {
    return this.clicks.onExecute(click);
  }

  async onTurn(context: TurnContext, actor: Actor, place: Place): Promise<void> {
    const who: Who = { actor, place };
    context.turnState.set(WHO_KEY, who);
    try {
      await this.route(context, who);
    } finally {
      await this.state.saveChanges(context);
    }
  }

  private async route(context: TurnContext, who: Who): Promise<void> {
    const answer = readAnswer(context.activity);
    const command: Command = answer.action ? { kind: 'empty' } : parseCommand(answer.text);
    const stale = await this.dropStaleState(context);
    if (stale) {
      await sendViews(context, [{ kind: 'notice', title: say('BOT_UPDATED') }]);
      // An answer to the old wizard cannot be read; the wizard starts over. Commands still do what they say.
      if (!isCommand(command) && !this.isLookAction(answer.action)) return this.beginWizard(context, {});
    }

    if (answer.action && this.isLookAction(answer.action))
      return this.lookAction(context, who, answer.action, answer.values);
    switch (command.kind) {
      case 'restore':
        return this.beginWizard(context, command.prefill);
      case 'cancel':
        return this.cancel(context);
      case 'jobs':
        return this.send(context, await jobsView(this.deps, command, who.actor.timeZone));
      case 'status':
        return this.send(context, await statusView(this.deps, command.id, who.actor.timeZone));
      case 'vaults':
        return this.send(context, await vaultsView(this.deps, command.name));
      case 'help':
        return this.send(context, helpView());
      case 'invalid':
        return this.send(context, helpView({ code: command.code, message: command.message }));
      default:
        break;
    }

    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) {
      try {
        await dc.continueDialog();
      } catch (error) {
        const cause = error instanceof DialogContextError ? error.error : error;
        if (!(cause instanceof StaleDialogStateError)) throw error;
        await this.dialogState.set(context, { dialogStack: [] });
        await sendViews(context, [{ kind: 'notice', title: say('BOT_UPDATED') }]);
        await this.beginWizard(context, {});
      }
      return;
    }
    if (answer.action) return this.send(context, { kind: 'notice', title: say('FORM_NOT_ACTIVE') });
    if (command.kind === 'unknown') {
      return this.send(
        context,
        helpView({
          code: 'UNKNOWN_COMMAND',
          message: say('UNKNOWN_COMMAND', { typed: command.typed, suggestion: command.suggestion }),
        }),
      );
    }
    return this.send(context, helpView());
  }

  /**
   * A stack written by another version of the dialogs (a deploy changed them) is dropped; true when that
   * happened. Unknown dialog ids would otherwise make botbuilder throw on every turn of that conversation.
   */
  private async dropStaleState(context: TurnContext): Promise<boolean> {
    const stored = await this.dialogState.get(context, { dialogStack: [] });
    const version = await this.version.get(context);
    await this.version.set(context, DIALOG_VERSION);
    const stack = Array.isArray(stored?.dialogStack) ? stored.dialogStack : undefined;
    if (stack === undefined) {
      await this.dialogState.set(context, { dialogStack: [] });
      return true;
    }
    const healthy = stack.every(
      (entry) =>
        this.dialogs.find(entry?.id) !== undefined &&
        (entry.id !== RESTORE_WIZARD_DIALOG_ID || isWizardState(entry.state?.wizard)),
    );
    if (healthy && (stack.length === 0 || version === DIALOG_VERSION)) return false;
    await this.dialogState.set(context, { dialogStack: [] });
    return stack.length > 0;
  }

  private async beginWizard(context: TurnContext, prefill: Prefill): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(RESTORE_WIZARD_DIALOG_ID, { prefill });
  }

  private async cancel(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const active = dc.activeDialog !== undefined;
    await dc.cancelAllDialogs();
    await this.send(context, { kind: 'notice', title: say(active ? 'WIZARD_CANCELLED' : 'NOTHING_TO_CANCEL') });
  }

  private isLookAction(action: string | undefined): boolean {
    return action === JOBS_PAGE_ACTION || action === 'status';
  }

  private async lookAction(
    context: TurnContext,
    who: Who,
    action: string,
    values: Record<string, string>,
  ): Promise<void> {
    if (action === 'status') return this.send(context, await statusView(this.deps, values.id, who.actor.timeZone));
    const page = Number.parseInt(values.page ?? '0', 10);
    return this.send(
      context,
      await jobsView(
        this.deps,
        {
          secondary: values.secondary === 'true',
          ...(values.vault ? { vault: values.vault } : {}),
          page: Number.isFinite(page) ? page : 0,
        },
        who.actor.timeZone,
      ),
    );
  }

  private send(context: TurnContext, view: View): Promise<void> {
    return sendViews(context, [view]);
  }
}

export function createConversationApp(deps: ConversationDeps): ConversationApp {
  return new RestoreConversation(deps);
}
