/**
 * View → Adaptive Card 1.5, the only shape Teams gets from the conversation. The renderer is pure: the same
 * view always gives the same card, which is what lets the invoke answer and a later `updateActivity` agree.
 */
import type { Action, ChoiceInput, Fact, ListRow, TextInput, View, ViewTone } from '../../dialogs/views';
import type {
  ActionStyle,
  AdaptiveCard,
  CardAction,
  CardElement,
  Container,
  ContainerStyle,
  FactSet,
  TextBlock,
} from './card-types';
import { TEAMS_LIMITS } from './limits';
import { cardText, clip } from './text';
import { TEAMS_TEXT } from './texts';

const L = TEAMS_LIMITS;

export function renderView(view: View): AdaptiveCard {
  let current = view;
  let card = buildCard(current);
  // A card over the message size limit is refused by Teams as a whole; show less rather than nothing.
  for (let round = 0; round < 6 && cardBytes(card) > L.cardMaxBytes; round++) {
    current = shrinkView(current);
    card = buildCard(current);
  }
  return card;
}

export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

function buildCard(view: View): AdaptiveCard {
  const actions = view.actions ?? [];
  const owned = inputsOwnedByOneAction(view.inputs ?? [], actions);
  const body: CardElement[] = [
    header(view),
    ...(view.auto ? [autoAnswered(view.auto)] : []),
    ...(view.error ? [errorBlock(view.error)] : []),
    ...warningBlocks(view.warnings),
    ...(view.text ?? []).map((p) => paragraph(p)),
    ...(view.facts?.length ? [factSet(view.facts)] : []),
    ...(view.choices ? choiceElements(view.choices, requiredInputIds(actions, owned)) : []),
    ...(view.inputs ?? [])
      .filter((input) => !owned.has(input.id))
      .map((input) => textInput(input, input.required === true || requiredInputIds(actions, owned).has(input.id))),
    ...rowElements(view.rows),
  ];
  const cardActions = renderActions(actions, view.inputs ?? [], owned);
  // More buttons than one set holds continue in action sets at the end of the body.
  for (let i = L.actionsPerSetMax; i < cardActions.length; i += L.actionsPerSetMax) {
    body.push({ type: 'ActionSet', actions: cardActions.slice(i, i + L.actionsPerSetMax) });
  }
  if (view.footer) body.push(footer(view.footer));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: L.cardSchemaUrl,
    version: L.cardVersion,
    body,
    fallbackText: clip(view.title, 200),
  };
  if (cardActions.length) card.actions = cardActions.slice(0, L.actionsPerSetMax);
  if (view.kind === 'list' || view.rows?.length) card.msteams = { width: 'Full' };
  return card;
}

const TONE_STYLE: Record<ViewTone, ContainerStyle | undefined> = {
  default: undefined,
  good: 'good',
  warning: 'warning',
  attention: 'attention',
};

function header(view: View): Container {
  const items: CardElement[] = [
    {
      type: 'TextBlock',
      text: cardText(view.title, 300),
      size: 'medium',
      weight: 'bolder',
      wrap: true,
      style: 'heading',
    },
  ];
  if (view.subtitle)
    items.push({ type: 'TextBlock', text: cardText(view.subtitle, 300), isSubtle: true, spacing: 'none', wrap: true });
  const style = TONE_STYLE[view.tone ?? 'default'] ?? (view.kind === 'approval' ? 'emphasis' : undefined);
  return style ? { type: 'Container', items, style, bleed: true } : { type: 'Container', items };
}

function autoAnswered(auto: NonNullable<View['auto']>): TextBlock {
  return {
    type: 'TextBlock',
    text: cardText(TEAMS_TEXT.autoAnswered(auto.answer, auto.reason), L.textBlockMaxChars),
    color: 'good',
    wrap: true,
  };
}

function errorBlock(error: NonNullable<View['error']>): Container {
  return {
    type: 'Container',
    style: 'attention',
    items: [
      {
        type: 'TextBlock',
        text: cardText(error.message, L.textBlockMaxChars),
        weight: 'bolder',
        color: 'attention',
        wrap: true,
      },
      {
        type: 'TextBlock',
        text: cardText(TEAMS_TEXT.errorCode(error.code), 200),
        size: 'small',
        isSubtle: true,
        spacing: 'none',
        wrap: true,
      },
    ],
  };
}

function warningBlocks(warnings: string[] | undefined): TextBlock[] {
  return (warnings ?? []).map((w) => ({
    type: 'TextBlock',
    text: `⚠️ ${cardText(w, L.textBlockMaxChars)}`,
    color: 'warning',
    weight: 'bolder',
    wrap: true,
  }));
}

function paragraph(text: string): TextBlock {
  return { type: 'TextBlock', text: cardText(text, L.textBlockMaxChars), wrap: true };
}

function factSet(facts: Fact[]): FactSet {
  return {
    type: 'FactSet',
    facts: facts.map((f) => ({ title: cardText(f.label, 100), value: cardText(f.value, 500) })),
  };
}

function choiceElements(choices: ChoiceInput, required: Set<string>): CardElement[] {
  const enabled = choices.options.filter((o) => !o.disabled);
  const disabled = choices.options.filter((o) => o.disabled);
  const shown = enabled.slice(0, L.choiceSetMaxOptions);
  const elements: CardElement[] = [];
  if (shown.length) {
    elements.push({
      type: 'Input.ChoiceSet',
      id: choices.id,
      label: clip(choices.label, 200),
      style: 'compact',
      // Choice titles are plain text in Teams: no Markdown escaping, or the backslashes would show.
      choices: shown.map((o) => ({
        title: clip(o.description ? `${o.label} — ${o.description}` : o.label, L.choiceTitleMaxChars),
        value: o.value,
      })),
      ...(choices.placeholder ? { placeholder: clip(choices.placeholder, 100) } : {}),
      ...(required.has(choices.id) ? { isRequired: true, errorMessage: TEAMS_TEXT.chooseOne(choices.label) } : {}),
    });
  } else {
    elements.push({
      type: 'TextBlock',
      text: cardText(TEAMS_TEXT.nothingToChoose(choices.label), 300),
      isSubtle: true,
      wrap: true,
    });
  }
  if (enabled.length > shown.length) {
    elements.push(smallNote(TEAMS_TEXT.moreChoices(enabled.length - shown.length)));
  }
  if (choices.page && (choices.page.hasNext || choices.page.hasPrevious || choices.page.index > 0)) {
    elements.push(smallNote(TEAMS_TEXT.page(choices.page.index)));
  }
  // Teams has no disabled choice: show them apart, with the reason, so nobody wonders where they went.
  for (const o of disabled) {
    elements.push(smallNote(TEAMS_TEXT.unavailable(o.label, o.description)));
  }
  return elements;
}

function textInput(input: TextInput, required: boolean): CardElement {
  return {
    type: 'Input.Text',
    id: input.id,
    label: clip(input.label, 200),
    ...(input.placeholder ? { placeholder: clip(input.placeholder, 100) } : {}),
    ...(input.multiline ? { isMultiline: true } : {}),
    maxLength: input.maxLength ?? L.textInputDefaultMaxLength,
    ...(required ? { isRequired: true, errorMessage: TEAMS_TEXT.required(input.label) } : {}),
  };
}

function rowElements(rows: ListRow[] | undefined): CardElement[] {
  if (!rows?.length) return [];
  const shown = rows.slice(0, L.listRowsMax);
  const elements: CardElement[] = shown.map((row) => {
    const items: CardElement[] = [
      { type: 'TextBlock', text: cardText(row.title, 300), weight: 'bolder', wrap: true },
      ...warningBlocks(row.warnings),
    ];
    if (row.facts.length) items.push(factSet(row.facts));
    if (row.actions?.length)
      items.push({ type: 'ActionSet', actions: row.actions.slice(0, L.actionsPerSetMax).map((a) => plainAction(a)) });
    return { type: 'Container', items, separator: true, spacing: 'medium' } satisfies Container;
  });
  if (rows.length > shown.length) elements.push(smallNote(TEAMS_TEXT.moreRows(rows.length - shown.length)));
  return elements;
}

function footer(text: string): TextBlock {
  return { type: 'TextBlock', text: cardText(text, 500), size: 'small', isSubtle: true, wrap: true, spacing: 'medium' };
}

function smallNote(text: string): TextBlock {
  return { type: 'TextBlock', text: cardText(text, 500), size: 'small', isSubtle: true, wrap: true, spacing: 'small' };
}

const ACTION_STYLE: Record<NonNullable<Action['style']>, ActionStyle | undefined> = {
  default: undefined,
  primary: 'positive',
  danger: 'destructive',
};

/**
 * Inputs that only one action needs and that are not required on their own (a rejection reason). Adaptive
 * Cards 1.5 has no per-button required inputs, so such an action becomes a ShowCard holding its inputs: the
 * other buttons stay clickable without them.
 */
function inputsOwnedByOneAction(inputs: TextInput[], actions: Action[]): Map<string, Action> {
  const owned = new Map<string, Action>();
  for (const input of inputs) {
    if (input.required) continue;
    const users = actions.filter((a) => a.requires?.includes(input.id));
    if (users.length === 1) owned.set(input.id, users[0]!);
  }
  return owned;
}

/** Inputs some action requires that stay in the card body (needed by more than one button). */
function requiredInputIds(actions: Action[], owned: Map<string, Action>): Set<string> {
  const ids = new Set<string>();
  for (const a of actions) for (const id of a.requires ?? []) if (!owned.has(id)) ids.add(id);
  return ids;
}

function renderActions(actions: Action[], inputs: TextInput[], owned: Map<string, Action>): CardAction[] {
  return actions.map((action) => {
    const own = inputs.filter((input) => owned.get(input.id) === action);
    return own.length
      ? {
          type: 'Action.ShowCard',
          title: clip(action.label, L.actionTitleMaxChars),
          card: {
            type: 'AdaptiveCard',
            body: own.map((input) => textInput(input, true)),
            actions: [plainAction(action)],
          },
        }
      : plainAction(action);
  });
}

function plainAction(action: Action): CardAction {
  const title = clip(action.label, L.actionTitleMaxChars);
  const style = ACTION_STYLE[action.style ?? 'default'];
  if (action.mode === 'execute') {
    // Only what the view put in `data` (an approval: requestId and nonce); the receiver re-reads the rest.
    return { type: 'Action.Execute', title, verb: action.id, data: { ...action.data }, ...(style ? { style } : {}) };
  }
  return { type: 'Action.Submit', title, data: { ...action.data, action: action.id }, ...(style ? { style } : {}) };
}

/** One step smaller: fewer rows and options, shorter text. Used only when a card would exceed the size limit. */
export function shrinkView(view: View): View {
  const half = <T>(items: T[] | undefined) =>
    items ? items.slice(0, Math.max(1, Math.ceil(items.length / 2))) : items;
  const notes: string[] = [];
  const rows = half(view.rows);
  if (view.rows && rows && rows.length < view.rows.length)
    notes.push(TEAMS_TEXT.moreRows(view.rows.length - rows.length));
  let choices = view.choices;
  if (choices) {
    const options = half(choices.options) ?? [];
    if (options.length < choices.options.length)
      notes.push(TEAMS_TEXT.moreChoices(choices.options.length - options.length));
    choices = { ...choices, options };
  }
  const shorter = (s: string) => clip(s, Math.max(200, Math.floor(s.length / 2)));
  return {
    ...view,
    text: [...(view.text ?? []).map(shorter), ...notes],
    facts: view.facts?.map((f) => ({ label: f.label, value: shorter(f.value) })),
    error: view.error ? { code: view.error.code, message: shorter(view.error.message) } : undefined,
    rows,
    choices,
  };
}
