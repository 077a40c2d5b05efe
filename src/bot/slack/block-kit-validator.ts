/**
 * An offline Block Kit checker: walks a message, a modal view or an options-load answer and reports every
 * place Slack would refuse (`invalid_blocks`, `invalid_arguments`) or quietly mangle, with a JSON path.
 *
 * No npm package validates Block Kit JSON against Slack's documented limits, and Slack only tells us at run
 * time, in front of the user. So tests run this on every message and view the app builds (with worst-case
 * data), and the app may run it in debug. It covers the block and element types the app produces; anything
 * else is reported as unknown rather than waved through.
 *
 * Deliberately stricter than Slack in two ways: `action_id` and `block_id` must be unique across the whole
 * surface (Bolt routes on `action_id`, and `view.state.values[block_id][action_id]` collides otherwise), and
 * option values are held to 75 characters (the older of Slack's two published numbers).
 */
import { BotError } from '../../errors';
import { BLOCK_KIT_LIMITS as L } from './limits';

export interface BlockKitProblem {
  /** JSON path from the surface's root, e.g. `blocks[3].elements[0].value`; empty for the root itself. */
  path: string;
  /** What is wrong, e.g. `2014 > 2000 chars`. */
  message: string;
}

type Obj = Record<string, unknown>;
type TextKind = 'plain_text' | 'mrkdwn' | 'any';

const BLOCK_KEYS: Record<string, readonly string[]> = {
  section: ['text', 'fields', 'accessory', 'expand'],
  header: ['text'],
  divider: [],
  context: ['elements'],
  actions: ['elements'],
  input: ['label', 'element', 'hint', 'optional', 'dispatch_action'],
  image: ['image_url', 'slack_file', 'alt_text', 'title'],
  markdown: ['text'],
};

const ELEMENT_KEYS: Record<string, readonly string[]> = {
  button: ['action_id', 'text', 'value', 'url', 'style', 'confirm', 'accessibility_label'],
  static_select: ['action_id', 'placeholder', 'options', 'option_groups', 'initial_option', 'confirm', 'focus_on_load'],
  external_select: ['action_id', 'placeholder', 'initial_option', 'min_query_length', 'confirm', 'focus_on_load'],
  datepicker: ['action_id', 'placeholder', 'initial_date', 'confirm', 'focus_on_load'],
  plain_text_input: [
    'action_id',
    'placeholder',
    'initial_value',
    'multiline',
    'min_length',
    'max_length',
    'dispatch_action_config',
    'focus_on_load',
  ],
  overflow: ['action_id', 'options', 'confirm'],
  checkboxes: ['action_id', 'options', 'initial_options', 'confirm', 'focus_on_load'],
  radio_buttons: ['action_id', 'options', 'initial_option', 'confirm', 'focus_on_load'],
  image: ['image_url', 'slack_file', 'alt_text'],
};

/** Which element types each container accepts (Slack's per-block lists, narrowed to what we know). */
const ALLOWED_ELEMENTS = {
  accessory: [
    'button',
    'static_select',
    'external_select',
    'datepicker',
    'overflow',
    'checkboxes',
    'radio_buttons',
    'image',
  ],
  actions: ['button', 'static_select', 'external_select', 'datepicker', 'overflow', 'checkboxes', 'radio_buttons'],
  input: ['plain_text_input', 'static_select', 'external_select', 'datepicker', 'checkboxes', 'radio_buttons'],
} as const;

const MODAL_KEYS = [
  'type',
  'title',
  'blocks',
  'close',
  'submit',
  'private_metadata',
  'callback_id',
  'clear_on_close',
  'notify_on_close',
  'external_id',
  'submit_disabled',
];

/** Length in Unicode code points, the unit every limit here is counted in. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function validateMessage(message: { text?: string; blocks?: unknown[] }): BlockKitProblem[] {
  const walk = new SurfaceWalk();
  const m = message as Obj;
  const hasBlocks = Array.isArray(m.blocks) && m.blocks.length > 0;
  if (m.text === undefined && !hasBlocks) walk.problem('text', 'missing (a message needs text or blocks)');
  else walk.string(m, 'text', '', { max: L.messageText });
  if (m.blocks !== undefined) walk.blocks(m, '', L.messageBlocks);
  return walk.problems;
}

export function validateModal(view: unknown): BlockKitProblem[] {
  const walk = new SurfaceWalk();
  if (!isObj(view)) {
    walk.problem('', 'a view must be an object');
    return walk.problems;
  }
  walk.unknownKeys(view, '', MODAL_KEYS);
  if (view.type === undefined) walk.problem('type', 'missing');
  else if (view.type !== 'modal') walk.problem('type', `must be 'modal', not ${JSON.stringify(view.type)}`);
  walk.text(view, 'title', '', { kind: 'plain_text', max: L.modalTitle, required: true });
  walk.text(view, 'submit', '', { kind: 'plain_text', max: L.modalSubmit });
  walk.text(view, 'close', '', { kind: 'plain_text', max: L.modalClose });
  walk.string(view, 'private_metadata', '', { max: L.privateMetadata });
  walk.string(view, 'callback_id', '', { max: L.callbackId });
  walk.string(view, 'external_id', '', { max: L.externalId });
  if (view.blocks === undefined) walk.problem('blocks', 'missing');
  const blocks = walk.blocks(view, '', L.modalBlocks);
  if (view.submit === undefined && blocks.some((b) => isObj(b) && b.type === 'input')) {
    walk.problem('submit', 'missing (required when the view has input blocks)');
  }
  return walk.problems;
}

/** An options-load (`block_suggestion`) answer: what `ack()` gets in an `app.options` listener. */
export function validateOptions(answer: { options?: unknown[]; option_groups?: unknown[] }): BlockKitProblem[] {
  const walk = new SurfaceWalk();
  // Zero options is a valid answer: Slack shows "no results" for a filter that matches nothing.
  walk.optionSource(answer as Obj, '', { max: L.optionsLoadOptions, min: 0, textKind: 'plain_text' });
  return walk.problems;
}

export function assertValidMessage(message: { text?: string; blocks?: unknown[] }): void {
  throwIfAny('message', validateMessage(message));
}

export function assertValidModal(view: unknown): void {
  throwIfAny('modal', validateModal(view));
}

export function assertValidOptions(answer: { options?: unknown[]; option_groups?: unknown[] }): void {
  throwIfAny('options answer', validateOptions(answer));
}

/** One line per problem, `path: message`, for error messages and test output. */
export function formatProblems(problems: readonly BlockKitProblem[]): string {
  return problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('\n');
}

function throwIfAny(surface: string, problems: BlockKitProblem[]): void {
  if (problems.length === 0) return;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new BotError('SLACK_BLOCK_KIT_INVALID', `Block Kit ${surface} has ${count}:\n${formatProblems(problems)}`, {
    problems,
  });
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** One surface (a message, a view, an options answer): the problems found and the ids seen so far. */
class SurfaceWalk {
  readonly problems: BlockKitProblem[] = [];
  private readonly actionIds = new Map<string, string>();
  private readonly blockIds = new Map<string, string>();

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  unknownKeys(obj: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.problem(join(path, key), 'unknown property');
    }
  }

  /** A string field; returns it when present and a string. */
  string(
    obj: Obj,
    key: string,
    path: string,
    rule: { max: number; min?: number; required?: boolean },
  ): string | undefined {
    const at = join(path, key);
    const value = obj[key];
    if (value === undefined) {
      if (rule.required) this.problem(at, 'missing');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problem(at, `must be a string, not ${typeof value}`);
      return undefined;
    }
    const n = codePointLength(value);
    if (n > rule.max) this.problem(at, `${n} > ${rule.max} chars`);
    if (rule.min !== undefined && n < rule.min)
      this.problem(at, n === 0 ? 'must not be empty' : `${n} < ${rule.min} chars`);
    return value;
  }

  /** An array field; reports its size against the limits and returns it (empty when absent or not an array). */
  list(obj: Obj, key: string, path: string, rule: { max: number; min?: number; required?: boolean }): unknown[] {
    const at = join(path, key);
    const value = obj[key];
    if (value === undefined) {
      if (rule.required) this.problem(at, 'missing');
      return [];
    }
    if (!Array.isArray(value)) {
      this.problem(at, 'must be an array');
      return [];
    }
    if (value.length > rule.max) this.problem(at, `${value.length} > ${rule.max} items`);
    if (rule.min !== undefined && value.length < rule.min) this.problem(at, `${value.length} < ${rule.min} items`);
    return value;
  }

  /** A text object (`{type, text}`) in field `key` of `obj`. */
  text(obj: Obj, key: string, path: string, rule: { kind: TextKind; max: number; required?: boolean }): void {
    if (obj[key] === undefined && !rule.required) return;
    this.textObject(obj[key], join(path, key), rule);
  }

  textObject(value: unknown, at: string, rule: { kind: TextKind; max: number }): void {
    if (value === undefined) {
      this.problem(at, 'missing');
      return;
    }
    if (!isObj(value)) {
      this.problem(at, 'must be a text object ({type, text})');
      return;
    }
    const type = value.type;
    if (type === undefined) this.problem(join(at, 'type'), 'missing');
    else if (type !== 'plain_text' && type !== 'mrkdwn') this.problem(join(at, 'type'), `unknown text type '${type}'`);
    else if (rule.kind !== 'any' && type !== rule.kind)
      this.problem(join(at, 'type'), `must be ${rule.kind}, not ${type}`);
    this.unknownKeys(value, at, ['type', 'text', type === 'mrkdwn' ? 'verbatim' : 'emoji']);
    this.string(value, 'text', at, { max: Math.min(rule.max, L.textObjectMax), min: L.textObjectMin, required: true });
  }

  /** The `blocks` array of a surface; returns it for surface-level checks. */
  blocks(surface: Obj, path: string, max: number): unknown[] {
    const blocks = this.list(surface, 'blocks', path, { max });
    for (const [i, block] of blocks.entries()) this.block(block, join(join(path, 'blocks'), i));
    return blocks;
  }

  private block(block: unknown, at: string): void {
    if (!isObj(block)) {
      this.problem(at, 'a block must be an object');
      return;
    }
    const type = block.type;
    if (typeof type !== 'string' || !Object.hasOwn(BLOCK_KEYS, type)) {
      this.problem(join(at, 'type'), type === undefined ? 'missing' : `unknown block type '${type}'`);
      return;
    }
    this.unknownKeys(block, at, ['type', 'block_id', ...BLOCK_KEYS[type]!]);
    this.uniqueId(block, 'block_id', at, this.blockIds, L.blockId);
    switch (type) {
      case 'section':
        this.section(block, at);
        break;
      case 'header':
        this.text(block, 'text', at, { kind: 'plain_text', max: L.headerText, required: true });
        break;
      case 'context': {
        const elements = this.list(block, 'elements', at, { max: L.contextElements, min: 1, required: true });
        for (const [i, e] of elements.entries()) this.contextElement(e, join(join(at, 'elements'), i));
        break;
      }
      case 'actions': {
        const elements = this.list(block, 'elements', at, { max: L.actionsElements, min: 1, required: true });
        for (const [i, e] of elements.entries())
          this.element(e, join(join(at, 'elements'), i), ALLOWED_ELEMENTS.actions);
        break;
      }
      case 'input':
        this.text(block, 'label', at, { kind: 'plain_text', max: L.inputLabel, required: true });
        this.text(block, 'hint', at, { kind: 'plain_text', max: L.inputHint });
        if (block.element === undefined) this.problem(join(at, 'element'), 'missing');
        else this.element(block.element, join(at, 'element'), ALLOWED_ELEMENTS.input);
        break;
      case 'image':
        this.image(block, at, true);
        break;
      case 'markdown':
        this.string(block, 'text', at, { max: L.markdownText, min: 1, required: true });
        break;
    }
  }

  private section(block: Obj, at: string): void {
    if (block.text === undefined && block.fields === undefined) this.problem(join(at, 'text'), 'missing (or fields)');
    this.text(block, 'text', at, { kind: 'any', max: L.sectionText });
    for (const [i, field] of this.list(block, 'fields', at, { max: L.sectionFields, min: 1 }).entries()) {
      this.textObject(field, join(join(at, 'fields'), i), { kind: 'any', max: L.sectionFieldText });
    }
    if (block.accessory !== undefined) this.element(block.accessory, join(at, 'accessory'), ALLOWED_ELEMENTS.accessory);
  }

  private contextElement(element: unknown, at: string): void {
    if (isObj(element) && element.type === 'image') {
      this.element(element, at, ['image']);
      return;
    }
    if (isObj(element) && element.type !== 'plain_text' && element.type !== 'mrkdwn' && element.type !== undefined) {
      this.problem(join(at, 'type'), `unknown context element type '${element.type}'`);
      return;
    }
    this.textObject(element, at, { kind: 'any', max: L.textObjectMax });
  }

  private image(obj: Obj, at: string, isBlock: boolean): void {
    if (obj.image_url === undefined && obj.slack_file === undefined) this.problem(join(at, 'image_url'), 'missing');
    this.string(obj, 'image_url', at, { max: L.imageUrl });
    this.string(obj, 'alt_text', at, { max: L.imageAltText, required: true });
    if (isBlock) this.text(obj, 'title', at, { kind: 'plain_text', max: L.imageTitle });
  }

  private element(element: unknown, at: string, allowed: readonly string[]): void {
    if (!isObj(element)) {
      this.problem(at, 'an element must be an object');
      return;
    }
    const type = element.type;
    if (typeof type !== 'string' || !Object.hasOwn(ELEMENT_KEYS, type)) {
      this.problem(join(at, 'type'), type === undefined ? 'missing' : `unknown element type '${type}'`);
      return;
    }
    if (!allowed.includes(type)) {
      this.problem(join(at, 'type'), `'${type}' is not allowed here`);
      return;
    }
    this.unknownKeys(element, at, ['type', ...ELEMENT_KEYS[type]!]);
    if (type !== 'image') this.uniqueId(element, 'action_id', at, this.actionIds, L.actionId);
    this.text(element, 'placeholder', at, { kind: 'plain_text', max: L.placeholder });
    if (element.confirm !== undefined) this.confirm(element.confirm, join(at, 'confirm'));
    switch (type) {
      case 'button':
        this.text(element, 'text', at, { kind: 'plain_text', max: L.buttonText, required: true });
        this.string(element, 'value', at, { max: L.buttonValue });
        this.string(element, 'url', at, { max: L.url });
        this.string(element, 'accessibility_label', at, { max: L.buttonAccessibilityLabel });
        this.style(element, at);
        return;
      case 'static_select': {
        const options = this.optionSource(element, at, { max: L.selectOptions, min: 1, textKind: 'plain_text' });
        this.initialOptions(element, 'initial_option', at, options, 'plain_text');
        return;
      }
      case 'external_select':
        this.nonNegativeInteger(element, 'min_query_length', at);
        if (element.initial_option !== undefined)
          this.option(element.initial_option, join(at, 'initial_option'), 'plain_text');
        return;
      case 'datepicker':
        if (element.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(element.initial_date))) {
          this.problem(join(at, 'initial_date'), 'must be YYYY-MM-DD');
        }
        return;
      case 'plain_text_input':
        this.plainTextInput(element, at);
        return;
      case 'overflow':
        this.options(element, at, { max: L.overflowOptions, min: 1, textKind: 'plain_text', allowUrl: true });
        return;
      case 'checkboxes':
      case 'radio_buttons': {
        const max = type === 'checkboxes' ? L.checkboxesOptions : L.radioButtonsOptions;
        const options = this.options(element, at, { max, min: 1, textKind: 'any' });
        const initial = type === 'checkboxes' ? 'initial_options' : 'initial_option';
        this.initialOptions(element, initial, at, options, 'any');
        return;
      }
      case 'image':
        this.image(element, at, false);
        return;
    }
  }

  private plainTextInput(element: Obj, at: string): void {
    const min = this.nonNegativeInteger(element, 'min_length', at);
    const max = this.nonNegativeInteger(element, 'max_length', at);
    if (min !== undefined && min > L.plainTextInputMinLength) {
      this.problem(join(at, 'min_length'), `${min} > ${L.plainTextInputMinLength}`);
    }
    if (max !== undefined && max < 1) this.problem(join(at, 'max_length'), 'must be at least 1');
    if (min !== undefined && max !== undefined && min > max)
      this.problem(join(at, 'min_length'), `${min} > max_length ${max}`);
    this.string(element, 'initial_value', at, { max: max ?? Number.POSITIVE_INFINITY });
  }

  /** `options` or `option_groups` (exactly one) of a static select or an options-load answer. */
  optionSource(obj: Obj, at: string, rule: { max: number; min: number; textKind: TextKind }): Obj[] {
    if (obj.options !== undefined && obj.option_groups !== undefined) {
      this.problem(join(at, 'option_groups'), 'not allowed together with options');
    }
    if (obj.option_groups === undefined) return this.options(obj, at, rule);
    const all: Obj[] = [];
    const groups = this.list(obj, 'option_groups', at, { max: L.selectOptionGroups, min: rule.min });
    for (const [i, group] of groups.entries()) {
      const groupAt = join(join(at, 'option_groups'), i);
      if (!isObj(group)) {
        this.problem(groupAt, 'an option group must be an object');
        continue;
      }
      this.unknownKeys(group, groupAt, ['label', 'options']);
      this.text(group, 'label', groupAt, { kind: 'plain_text', max: L.optionGroupLabel, required: true });
      all.push(...this.options(group, groupAt, { max: L.optionGroupOptions, min: 1, textKind: rule.textKind }));
    }
    return all;
  }

  private options(
    obj: Obj,
    at: string,
    rule: { max: number; min: number; textKind: TextKind; allowUrl?: boolean },
  ): Obj[] {
    const options = this.list(obj, 'options', at, { max: rule.max, min: rule.min, required: true });
    return options.flatMap((option, i) => {
      const optionAt = join(join(at, 'options'), i);
      return this.option(option, optionAt, rule.textKind, rule.allowUrl) ? [option as Obj] : [];
    });
  }

  private option(option: unknown, at: string, textKind: TextKind, allowUrl = false): boolean {
    if (!isObj(option)) {
      this.problem(at, 'an option must be an object');
      return false;
    }
    this.unknownKeys(option, at, ['text', 'value', 'description', ...(allowUrl ? ['url'] : [])]);
    this.text(option, 'text', at, { kind: textKind, max: L.optionText, required: true });
    this.string(option, 'value', at, { max: L.optionValue, required: true });
    this.text(option, 'description', at, { kind: textKind, max: L.optionDescription });
    if (allowUrl) this.string(option, 'url', at, { max: L.url });
    return true;
  }

  /** Slack refuses an initial option that is not one of the element's options. */
  private initialOptions(element: Obj, key: string, at: string, options: Obj[], textKind: TextKind): void {
    const value = element[key];
    if (value === undefined) return;
    const initial = key === 'initial_options' && Array.isArray(value) ? value : [value];
    const values = new Set(options.map((o) => o.value));
    for (const [i, option] of initial.entries()) {
      const optionAt = key === 'initial_options' ? join(join(at, key), i) : join(at, key);
      if (!this.option(option, optionAt, textKind)) continue;
      const v = (option as Obj).value;
      if (!values.has(v)) this.problem(join(optionAt, 'value'), `${JSON.stringify(v)} is not one of the options`);
    }
  }

  private confirm(confirm: unknown, at: string): void {
    if (!isObj(confirm)) {
      this.problem(at, 'a confirm dialog must be an object');
      return;
    }
    this.unknownKeys(confirm, at, ['title', 'text', 'confirm', 'deny', 'style']);
    this.text(confirm, 'title', at, { kind: 'plain_text', max: L.confirmTitle, required: true });
    this.text(confirm, 'text', at, { kind: 'any', max: L.confirmText, required: true });
    this.text(confirm, 'confirm', at, { kind: 'plain_text', max: L.confirmButton, required: true });
    this.text(confirm, 'deny', at, { kind: 'plain_text', max: L.denyButton, required: true });
    this.style(confirm, at);
  }

  private style(obj: Obj, at: string): void {
    if (obj.style !== undefined && obj.style !== 'primary' && obj.style !== 'danger') {
      this.problem(join(at, 'style'), `must be 'primary' or 'danger', not ${JSON.stringify(obj.style)}`);
    }
  }

  private nonNegativeInteger(obj: Obj, key: string, at: string): number | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.problem(join(at, key), 'must be a non-negative integer');
      return undefined;
    }
    return value;
  }

  private uniqueId(obj: Obj, key: 'action_id' | 'block_id', at: string, seen: Map<string, string>, max: number): void {
    const id = this.string(obj, key, at, { max, min: 1 });
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) this.problem(join(at, key), `duplicate ${key} '${id}' (first at ${first || '(root)'})`);
    else seen.set(id, at);
  }
}
