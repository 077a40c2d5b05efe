/**
 * View → Block Kit, the only shape Slack gets from the conversation: a channel message (`renderMessage`), or a
 * modal holding everything one turn said (`renderModal`). Pure: the same views always give the same blocks.
 * Every string is cut to its limit from limits.ts (names and ids lose their middle, prose its end), and values
 * carry only what the view put in them (short keys, never ARM ids). See wire.ts for the ids and values.
 */
import type { types } from '@slack/bolt';
import type { Action, ChoiceInput, ChoiceOption, Fact, ListRow, TextInput, View, ViewTone } from '../../dialogs/views';
import { BLOCK_KIT_LIMITS as L } from './limits';
import { clip, clipMiddle, length, mrkdwnText, plain } from './text';
import { SLACK_TEXT } from './texts';
import {
  type ActionPayload,
  actionPayload,
  askedInputs,
  buttonValue,
  dispatchBlockId,
  elementId,
  encodeMetadata,
  type ModalMetadata,
} from './wire';

type Block = types.KnownBlock;
type ModalView = types.ModalView;
type PlainTextOption = types.PlainTextOption;
type Button = types.Button;

/** callback_id of the wizard's modal and of the small modal an execute action asks its inputs in. */
export const WIZARD_CALLBACK = 'restore-bot:wizard';
export const ASK_CALLBACK = 'restore-bot:ask';

/** Fact values and option labels are names and ids: cut in the middle, and shorter than Slack allows. */
const FACT_VALUE_MAX = 1_000;
const SUBTITLE_MAX = 300;
const FOOTER_MAX = 500;
const NOTES_MAX = 5;
/** Blocks the views said earlier in a turn may take in a modal before the oldest are left out. */
const EARLIER_VIEWS_BLOCKS_MAX = 40;

export interface RenderedMessage {
  /** Notification / accessibility text (mrkdwn, escaped). */
  text: string;
  blocks: Block[];
}

/** One view as a channel message (the approval request, thread replies, the ephemeral wizard fallback). */
export function renderMessage(view: View): RenderedMessage {
  const ids = new Ids();
  const blocks = viewBlocks(view, { surface: 'message', ids, interactive: true, budget: L.messageBlocks });
  return { text: fallbackText(view), blocks };
}

export function fallbackText(view: View): string {
  const line = view.subtitle ? `${view.title} — ${view.subtitle}` : view.title;
  return mrkdwnText(line, L.textObjectMax, clipMiddle);
}

/**
 * Everything one turn sent, as one modal: the last view is the one to answer (its pick list, inputs and
 * buttons; its main action is the modal's submit); earlier views (steps answered for the person, notes) are
 * shown above it, oldest dropped first when the modal would exceed its block limit. `askedIn`: the channel
 * whose slash command opened the modal, kept in its metadata for the turns that follow in it.
 */
export function renderModal(views: readonly View[], options: { askedIn?: string } = {}): ModalView {
  const ids = new Ids();
  const last = views[views.length - 1] ?? { kind: 'notice', title: SLACK_TEXT.working };
  const submit = submitActionOf(last);
  const earlier: Block[][] = views
    .slice(0, -1)
    .map((v) => [...viewBlocks(v, { surface: 'modal', ids, interactive: false, budget: 10 }), divider()]);
  let dropped = 0;
  while (earlier.length && earlier.flat().length > EARLIER_VIEWS_BLOCKS_MAX) {
    earlier.shift();
    dropped++;
  }
  const head: Block[] = [...(dropped ? [note(SLACK_TEXT.earlierHidden(dropped))] : []), ...earlier.flat()];
  const required: Record<string, string> = {};
  const blocks = [
    ...head,
    ...viewBlocks(last, {
      surface: 'modal',
      ids,
      interactive: true,
      budget: L.modalBlocks - head.length,
      ...(submit ? { submit } : {}),
      required,
    }),
  ];
  const metadata: ModalMetadata = {
    ...(submit ? { submit: actionPayload(submit) } : {}),
    ...(Object.keys(required).length ? { required } : {}),
    ...(options.askedIn ? { askedIn: options.askedIn } : {}),
  };
  return {
    type: 'modal',
    callback_id: WIZARD_CALLBACK,
    title: { type: 'plain_text', text: clip(SLACK_TEXT.modalTitle, L.modalTitle) },
    close: { type: 'plain_text', text: clip(SLACK_TEXT.modalClose, L.modalClose) },
    ...(submit ? { submit: { type: 'plain_text', text: plain(submit.label, L.modalSubmit) } } : {}),
    private_metadata: encodeMetadata(metadata),
    blocks,
  };
}

/** The modal opened at once for a slash command (a trigger_id lives 3 s), replaced when the turn is done. */
export function loadingModal(text: string = SLACK_TEXT.loading): ModalView {
  return {
    type: 'modal',
    callback_id: WIZARD_CALLBACK,
    title: { type: 'plain_text', text: clip(SLACK_TEXT.modalTitle, L.modalTitle) },
    close: { type: 'plain_text', text: clip(SLACK_TEXT.modalClose, L.modalClose) },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:hourglass_flowing_sand: ${mrkdwnText(text, 200)}` } }],
  };
}

/** The small modal an execute button opens to ask for its inputs first (Reject → the reason). */
export function askModal(
  label: string,
  asked: readonly { id: string; label: string; placeholder?: string; maxLength?: number; multiline?: boolean }[],
  execute: NonNullable<ModalMetadata['execute']>,
  context?: string,
): ModalView {
  const ids = new Ids();
  const required: Record<string, string> = {};
  const blocks: Block[] = [];
  if (context) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwnText(context, 300) }] });
  for (const input of asked) {
    const n = ids.next();
    const blockId = `a:${n}`;
    required[input.id] = blockId;
    blocks.push({
      type: 'input',
      block_id: blockId,
      label: { type: 'plain_text', text: plain(input.label, L.inputLabel) },
      optional: false,
      element: plainTextInput({ ...input }, elementId('i', input.id, n)),
    });
  }
  return {
    type: 'modal',
    callback_id: ASK_CALLBACK,
    title: { type: 'plain_text', text: plain(label, L.modalTitle) },
    submit: { type: 'plain_text', text: plain(label, L.modalSubmit) },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: encodeMetadata({ execute, required }),
    blocks,
  };
}

/** Options for an options-load answer (external_select), at most Slack's limit. */
export function renderOptions(options: readonly ChoiceOption[]): PlainTextOption[] {
  return options
    .filter((o) => !o.disabled)
    .slice(0, L.optionsLoadOptions)
    .map(option);
}

/** The view's main action: the primary one, else one that needs an input, else the first answer. */
export function submitActionOf(view: View): Action | undefined {
  const answers = (view.actions ?? []).filter((a) => a.mode !== 'execute');
  const chosen =
    answers.find((a) => a.style === 'primary') ??
    answers.find((a) => a.requires?.length) ??
    (view.inputs?.length || view.choices ? answers[0] : undefined);
  return chosen;
}

interface RenderContext {
  surface: 'message' | 'modal';
  ids: Ids;
  /** Whether the view's pick list, inputs and buttons are live (only the last view of a modal is). */
  interactive: boolean;
  budget: number;
  /** The modal's submit: not shown as a button, its required inputs recorded in `required`. */
  submit?: Action;
  required?: Record<string, string>;
}

class Ids {
  private n = 0;
  next(): number {
    this.n += 1;
    return this.n;
  }
}

function viewBlocks(view: View, ctx: RenderContext): Block[] {
  const actions = ctx.interactive ? (view.actions ?? []) : [];
  const inputs = view.inputs ?? [];
  const fixed: Block[] = [header(view)];
  const sub = subtitle(view);
  if (sub) fixed.push(sub);
  if (view.auto) {
    fixed.push(
      section(`:white_check_mark: ${mrkdwnText(SLACK_TEXT.autoAnswered(view.auto.answer, view.auto.reason), 2_900)}`),
    );
  }
  if (view.error) fixed.push(...errorBlocks(view.error));
  if (view.warnings?.length) fixed.push(section(warningLines(view.warnings)));
  if (view.text?.length) fixed.push(section(mrkdwnText(view.text.join('\n\n'), L.sectionText)));
  if (view.facts?.length) fixed.push(...factSections(view.facts));
  if (view.choices) fixed.push(...choiceBlocks(view.choices, actions, ctx));
  // A modal's inputs need its submit button; a modal with nothing to submit shows none.
  if (ctx.interactive && (ctx.surface === 'message' || ctx.submit)) fixed.push(...inputBlocks(inputs, actions, ctx));
  const buttons = ctx.interactive
    ? buttonBlocks(
        actions.filter((a) => a !== ctx.submit),
        inputs,
        ctx,
      )
    : [];
  const end: Block[] = [...buttons];
  if (view.footer) end.push(note(clip(view.footer, FOOTER_MAX)));
  const room = ctx.budget - fixed.length - end.length;
  const blocks = [...fixed, ...rowBlocks(view.rows, ctx, Math.max(0, room)), ...end];
  // A view that still does not fit keeps its head and its buttons: those say what it is and what to do.
  if (blocks.length <= ctx.budget) return blocks;
  const keepEnd = end.slice(0, Math.max(0, ctx.budget - 2));
  return [...fixed.slice(0, Math.max(1, ctx.budget - keepEnd.length)), ...keepEnd].slice(0, ctx.budget);
}

const TONE_EMOJI: Record<ViewTone, string> = {
  default: '',
  good: ':white_check_mark: ',
  warning: ':warning: ',
  attention: ':no_entry: ',
};

function header(view: View): Block {
  return {
    type: 'header',
    text: { type: 'plain_text', text: plain(view.title, L.headerText, clipMiddle), emoji: true },
  };
}

function subtitle(view: View): Block | undefined {
  const emoji = TONE_EMOJI[view.tone ?? 'default'];
  if (!view.subtitle) return emoji ? note(emoji.trim(), true) : undefined;
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${emoji}${mrkdwnText(view.subtitle, SUBTITLE_MAX)}` }],
  };
}

/** Warnings, one per line, as many as fit one section; the rest are counted. */
function warningLines(warnings: readonly string[]): string {
  const lines: string[] = [];
  let used = 0;
  for (const [i, warning] of warnings.entries()) {
    const line = `:warning: *${mrkdwnText(warning, 600)}*`;
    const left = warnings.length - i;
    if (used + length(line) + 1 > L.sectionText - 40) {
      lines.push(mrkdwnText(SLACK_TEXT.moreWarnings(left), 40));
      break;
    }
    lines.push(line);
    used += length(line) + 1;
  }
  return lines.join('\n');
}

function errorBlocks(error: NonNullable<View['error']>): Block[] {
  return [section(`:x: *${mrkdwnText(error.message, 2_900)}*`), note(SLACK_TEXT.errorCode(clip(error.code, 100)))];
}

/** A section of mrkdwn the caller already escaped. */
function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Small print: a context block. `isMrkdwn` for text we wrote (emoji codes), else plain text. */
function note(text: string, isMrkdwn = false): Block {
  return {
    type: 'context',
    elements: [
      isMrkdwn ? { type: 'mrkdwn', text } : { type: 'plain_text', text: plain(text, L.textObjectMax), emoji: true },
    ],
  };
}

function divider(): Block {
  return { type: 'divider' };
}

function factField(fact: Fact): types.MrkdwnElement {
  const label = mrkdwnText(fact.label, 100);
  const value = mrkdwnText(
    fact.value || '-',
    Math.min(FACT_VALUE_MAX, L.sectionFieldText - label.length - 4),
    clipMiddle,
  );
  return { type: 'mrkdwn', text: `*${label}*\n${value}` };
}

function factSections(facts: readonly Fact[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < facts.length; i += L.sectionFields) {
    blocks.push({ type: 'section', fields: facts.slice(i, i + L.sectionFields).map(factField) });
  }
  return blocks;
}

/** The label whole when it fits (names and times are what people pick by), the description cut first. */
function optionText(o: ChoiceOption): string {
  const label = plain(o.label, L.optionText, clipMiddle);
  const room = L.optionText - length(label) - 3;
  if (!o.description?.trim() || room < 8) return label;
  return `${label} — ${clip(o.description.trim(), room)}`;
}

function option(o: ChoiceOption): PlainTextOption {
  return { text: { type: 'plain_text', text: optionText(o), emoji: true }, value: o.value.slice(0, L.optionValue) };
}

/** The submit-mode action a pick list or an input answers with when it changes (one click answers the step). */
function dispatchActionFor(id: string, actions: readonly Action[]): Action | undefined {
  return actions.find((a) => a.mode !== 'execute' && a.requires?.includes(id));
}

function choiceBlocks(choices: ChoiceInput, actions: readonly Action[], ctx: RenderContext): Block[] {
  const enabled = choices.options.filter((o) => !o.disabled);
  const disabled = choices.options.filter((o) => o.disabled);
  const blocks: Block[] = [];
  const dispatch = ctx.interactive ? dispatchActionFor(choices.id, actions) : undefined;
  const live = dispatch !== undefined || (ctx.surface === 'modal' && ctx.submit !== undefined && ctx.interactive);
  // A long list (it has pages) is searched as the person types: Slack asks the app for options (options load).
  const searchable = choices.page !== undefined;
  if (!live) {
    if (enabled.length) {
      const labels = enabled
        .slice(0, 10)
        .map((o) => o.label)
        .join(' · ');
      blocks.push(note(SLACK_TEXT.options(labels)));
    }
  } else if (!enabled.length && !searchable) {
    blocks.push(note(SLACK_TEXT.nothingToChoose(choices.label)));
  } else {
    const n = ctx.ids.next();
    const payload = dispatch ? actionPayload(dispatch) : undefined;
    const dispatchId = payload ? dispatchBlockId(payload, n) : undefined;
    const blockId = dispatchId ?? `b:${n}`;
    const placeholder = {
      type: 'plain_text' as const,
      text: plain(choices.placeholder ?? (searchable ? SLACK_TEXT.typeToSearch : choices.label), L.placeholder),
    };
    const actionId = elementId('c', choices.id, n);
    const element: types.StaticSelect | types.ExternalSelect = searchable
      ? { type: 'external_select', action_id: actionId, placeholder, min_query_length: 0 }
      : {
          type: 'static_select',
          action_id: actionId,
          placeholder,
          options: enabled.slice(0, L.selectOptions).map(option),
        };
    if (ctx.surface === 'modal') {
      if (ctx.required) ctx.required[choices.id] = blockId;
      blocks.push({
        type: 'input',
        block_id: blockId,
        label: { type: 'plain_text', text: plain(choices.label, L.inputLabel) },
        optional: false,
        dispatch_action: dispatchId !== undefined,
        element,
      });
    } else if (dispatchId) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwnText(choices.label, 300)}*` } });
      blocks.push({ type: 'actions', block_id: dispatchId, elements: [element] });
    }
    if (!searchable && enabled.length > L.selectOptions) {
      blocks.push(note(SLACK_TEXT.moreChoices(enabled.length - L.selectOptions)));
    }
    if (choices.page && choices.page.index > 0) blocks.push(note(SLACK_TEXT.page(choices.page.index)));
  }
  for (const o of disabled.slice(0, NOTES_MAX)) blocks.push(note(SLACK_TEXT.unavailable(o.label, o.description)));
  return blocks;
}

function plainTextInput(
  input: { placeholder?: string; maxLength?: number; multiline?: boolean },
  actionId: string,
): types.PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: actionId,
    ...(input.placeholder
      ? { placeholder: { type: 'plain_text', text: plain(input.placeholder, L.placeholder) } }
      : {}),
    ...(input.maxLength ? { max_length: input.maxLength } : {}),
    ...(input.multiline ? { multiline: true } : {}),
  };
}

/** An execute action's inputs are asked for in a modal when its button is clicked, not shown in the message. */
function ownedByExecute(input: TextInput, actions: readonly Action[]): boolean {
  return actions.some((a) => a.mode === 'execute' && a.requires?.includes(input.id));
}

function inputBlocks(inputs: readonly TextInput[], actions: readonly Action[], ctx: RenderContext): Block[] {
  const blocks: Block[] = [];
  for (const input of inputs) {
    if (ownedByExecute(input, actions)) continue;
    const n = ctx.ids.next();
    const dispatch = input.multiline ? undefined : dispatchActionFor(input.id, actions);
    const dispatchId = dispatch && dispatch !== ctx.submit ? dispatchBlockId(actionPayload(dispatch), n) : undefined;
    // In a message an input only does something when it answers by itself (Enter sends it).
    if (ctx.surface === 'message' && !dispatchId) continue;
    const blockId = dispatchId ?? `b:${n}`;
    const required = input.required === true || (ctx.submit?.requires?.includes(input.id) ?? false);
    if (required && ctx.required && ctx.surface === 'modal') ctx.required[input.id] = blockId;
    blocks.push({
      type: 'input',
      block_id: blockId,
      label: { type: 'plain_text', text: plain(input.label, L.inputLabel) },
      optional: !required,
      ...(dispatchId
        ? {
            dispatch_action: true,
            element: {
              ...plainTextInput(input, elementId('i', input.id, n)),
              dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
            },
          }
        : { element: plainTextInput(input, elementId('i', input.id, n)) }),
    });
  }
  return blocks;
}

const BUTTON_STYLE: Record<NonNullable<Action['style']>, Button['style'] | undefined> = {
  default: undefined,
  primary: 'primary',
  danger: 'danger',
};

function button(action: Action, inputs: readonly TextInput[], ctx: RenderContext): Button | undefined {
  const kind = action.mode === 'execute' ? 'x' : 's';
  const ask = action.mode === 'execute' ? askedInputs(action, inputs) : undefined;
  const value = buttonValue(actionPayload(action), ask);
  if (value === undefined) return undefined;
  const style = BUTTON_STYLE[action.style ?? 'default'];
  return {
    type: 'button',
    action_id: elementId(kind, action.id, ctx.ids.next()),
    text: { type: 'plain_text', text: plain(action.label, L.buttonText), emoji: true },
    value,
    ...(style ? { style } : {}),
  };
}

function buttonBlocks(actions: readonly Action[], inputs: readonly TextInput[], ctx: RenderContext): Block[] {
  const buttons = actions.map((a) => button(a, inputs, ctx)).filter((b): b is Button => b !== undefined);
  const blocks: Block[] = [];
  for (let i = 0; i < buttons.length; i += L.actionsElements) {
    blocks.push({ type: 'actions', elements: buttons.slice(i, i + L.actionsElements) });
  }
  return blocks;
}

function rowBlocks(rows: readonly ListRow[] | undefined, ctx: RenderContext, room: number): Block[] {
  if (!rows?.length) return [];
  const blocks: Block[] = [];
  let shown = 0;
  for (const row of rows) {
    const rendered = rowBlock(row, ctx);
    // Keep one block free for the "N more" note when rows are left out.
    const reserve = shown + 1 < rows.length ? 1 : 0;
    if (blocks.length + rendered.length + reserve > room) break;
    blocks.push(...rendered);
    shown++;
  }
  if (shown < rows.length && blocks.length < room) blocks.push(note(SLACK_TEXT.moreRows(rows.length - shown)));
  return blocks;
}

function rowBlock(row: ListRow, ctx: RenderContext): Block[] {
  const blocks: Block[] = [];
  const facts = row.facts.slice(0, L.sectionFields);
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: `*${mrkdwnText(row.title, 2_900, clipMiddle)}*` },
    ...(facts.length ? { fields: facts.map(factField) } : {}),
  });
  if (row.warnings?.length) {
    blocks.push({
      type: 'context',
      elements: row.warnings
        .slice(0, L.contextElements)
        .map((w) => ({ type: 'mrkdwn' as const, text: `:warning: ${mrkdwnText(w, 500)}` })),
    });
  }
  if (ctx.interactive && row.actions?.length) blocks.push(...buttonBlocks(row.actions, [], ctx));
  return blocks;
}

export type { ActionPayload };
