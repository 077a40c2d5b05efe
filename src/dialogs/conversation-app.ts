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
import type {
  Actor,
  ConversationApp,
  ConversationTarget,
  ExecuteClick,
  ExecuteResult,
  Place,
  SuggestRequest,
} from './ports';
import {
  RESTORE_WIZARD_DIALOG_ID,
  RestoreWizardDialog,
  StaleDialogStateError,
  sendViews,
  WHO_KEY,
  type WizardOptions,
} from './restore-wizard-dialog';
import { isVaultSettingAction } from './settings/actions';
import { VaultSettingFlow } from './settings/vault-setting-flow';
import type { ChoiceOption, View } from './views';
import { WizardEngine } from './wizard/engine';
import { DIALOG_VERSION, isWizardState, type Prefill } from './wizard/state';
import { suggestChoices } from './wizard/suggest';

/**
 * The one conversation, shared by Teams and Slack: routes each turn to the wizard (a botbuilder dialog whose
 * state is in the store) or to the one-turn commands, and approval clicks to ApprovalClicks.
 *
 * Dialog state is private to each person in each conversation (PrivateConversationState). The wizard is also
 * private to its requester: asked for in a channel or group chat, it runs in the person's 1:1 chat with the
 * bot (a turn the bot starts there through the Poster), remembering where it was asked for; when no 1:1
 * chat can be opened it stays in the thread, where two people can still run their own wizards side by side.
 */
export class RestoreConversation implements ConversationApp {
  private readonly state: PrivateConversationState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly version: StatePropertyAccessor<number>;
  private readonly dialogs: DialogSet;
  private readonly clicks: ApprovalClicks;
  private readonly vaultSettings: VaultSettingFlow;

  constructor(private readonly deps: ConversationDeps) {
    const approvals = new ApprovalMessages(deps.conversations ?? keyValueOverStorage(deps.storage));
    this.state = new PrivateConversationState(deps.storage);
    this.dialogState = this.state.createProperty<DialogState>('dialogState');
    this.version = this.state.createProperty<number>('dialogVersion');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(new RestoreWizardDialog(new WizardEngine(deps, approvals)));
    this.clicks = new ApprovalClicks(deps, approvals);
    this.vaultSettings = new VaultSettingFlow(deps, approvals);
  }

  onExecute(click: ExecuteClick): Promise<ExecuteResult> {
    return this.clicks.onExecute(click);
  }

  /** Options of the wizard's searchable list on screen here (recovery points); the keys offered are remembered. */
  async onSuggest(context: TurnContext, actor: Actor, _place: Place, request: SuggestRequest): Promise<ChoiceOption[]> {
    const stored = await this.dialogState.get(context, { dialogStack: [] });
    const top = Array.isArray(stored?.dialogStack) ? stored.dialogStack[stored.dialogStack.length - 1] : undefined;
    const wizard = top?.id === RESTORE_WIZARD_DIALOG_ID ? top.state?.wizard : undefined;
    if (!isWizardState(wizard)) return [];
    const options = await suggestChoices(this.deps, wizard, request, actor.timeZone);
    await this.state.saveChanges(context);
    return options;
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

  /**
   * `restore` (or the shortcut): in a 1:1 chat the wizard starts here; elsewhere it moves to the requester's
   * 1:1 chat and a short note says so in the thread. When that chat cannot be opened or reached, the wizard
   * stays in the thread and its first card says why.
   */
  private async startRestore(context: TurnContext, who: Who, prefill: Prefill): Promise<void> {
    if (who.place.personal) return this.beginWizard(context, { prefill });
    const chat = await this.openPrivateChat(who);
    if (chat && (await this.beginPrivateWizard(chat, who, prefill))) {
      // A wizard this person had running in this thread ends: `restore` starts over, in one place only.
      await (await this.dialogs.createContext(context)).cancelAllDialogs();
      return this.send(context, { kind: 'notice', title: say('CONTINUED_PRIVATELY', { name: who.actor.displayName }) });
    }
    return this.beginWizard(context, { prefill, notes: [say('PRIVATE_CHAT_UNAVAILABLE')] });
  }

  private async openPrivateChat(who: Who): Promise<ConversationTarget | undefined> {
    try {
      return await this.deps.poster.openPrivateChat(who.actor);
    } catch (error) {
      this.deps.logger.warn('could not open a 1:1 chat; the wizard stays in the thread', { error });
      return undefined;
    }
  }

  /** Starts the wizard in a turn of the 1:1 chat, with the asking place; false when that chat was unreachable. */
  private async beginPrivateWizard(chat: ConversationTarget, who: Who, prefill: Prefill): Promise<boolean> {
    try {
      await this.deps.poster.continueIn(chat, async (privateContext) => {
        const place: Place = { conversationId: chat.conversationId, personal: true };
        privateContext.turnState.set(WHO_KEY, { actor: who.actor, place } satisfies Who);
        await this.beginWizard(privateContext, { prefill, askedIn: who.place });
        // Saved only once the first card is out: a chat the card never reached keeps no wizard.
        await this.state.saveChanges(privateContext);
      });
      return true;
    } catch (error) {
      this.deps.logger.warn('could not start the wizard in the 1:1 chat; it stays in the thread', { error });
      return false;
    }
  }

  private async route(context: TurnContext, who: Who): Promise<void> {
    const answer = readAnswer(context.activity);
    const command: Command = answer.action ? { kind: 'empty' } : parseCommand(answer.text);
    const stale = await this.dropStaleState(context);
    if (stale) {
      await sendViews(context, [{ kind: 'notice', title: say('BOT_UPDATED') }]);
      // An answer to the old wizard cannot be read; the wizard starts over. Commands still do what they say.
      if (!isCommand(command) && !this.isLookAction(answer.action) && !isVaultSettingAction(answer.action)) {
        return this.beginWizard(context);
      }
    }

    if (answer.action && this.isLookAction(answer.action))
      return this.lookAction(context, who, answer.action, answer.values);
    // Vault changes run beside any wizard: a posture button or a confirmation never touches the wizard's state.
    if (isVaultSettingAction(answer.action)) return sendViews(context, await this.vaultSettings.onAction(who, answer));
    switch (command.kind) {
      case 'restore':
        return this.startRestore(context, who, command.prefill);
      case 'cancel':
        return this.cancel(context);
      case 'jobs':
        return this.send(context, await jobsView(this.deps, command, who.actor.timeZone));
      case 'status':
        return this.send(context, await statusView(this.deps, command.id, who.actor.timeZone));
      case 'vaults':
        return this.send(context, await vaultsView(this.deps, command.name, who));
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
        await this.beginWizard(context);
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

  private async beginWizard(context: TurnContext, options: WizardOptions = {}): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    // The stack is written by this version of the dialogs (a turn the bot starts itself is not routed).
    await this.version.set(context, DIALOG_VERSION);
    await dc.beginDialog(RESTORE_WIZARD_DIALOG_ID, options);
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
