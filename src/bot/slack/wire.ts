/**
 * How a view's actions and inputs travel through Slack and come back: the ids and values the renderer writes
 * into Block Kit, and how an interaction payload is read back into the `{ action, ...data, ...inputs }` the
 * conversation expects (views.ts, readAnswer). Everything read here is untrusted: the conversation checks it
 * against stored state; this module only refuses what it cannot parse.
 *
 * - `action_id` = `<kind>:<Action id or input id>:<n>`, `n` a counter that keeps ids unique on a surface.
 *   Kinds: `s` a submit button (a wizard answer), `x` an execute button (Approve / Reject), `c` a pick list,
 *   `i` a text input.
 * - A button's `value` = JSON of `{ action, ...data }`; an execute button that needs inputs first (a reject
 *   reason) also carries `_ask`, the inputs to ask for in a small modal.
 * - A block whose element answers by itself (a pick list with `dispatch_action`, Enter in a text input) has
 *   `block_id` = `d:<n>:` + JSON of the action it answers with.
 * - A modal's `private_metadata` = JSON of its submit action, the block ids of its required inputs and the
 *   channel its slash command was typed in.
 */
import type { Action, TextInput } from '../../dialogs/views';
import { BLOCK_KIT_LIMITS } from './limits';

export type ElementKind = 's' | 'x' | 'c' | 'i';

/** What a click or a submit answers with: an Action id and its data, as the view defined them. */
export interface ActionPayload {
  action: string;
  [key: string]: string;
}

/** An input an execute action asks for before it is sent (e.g. the reason for rejecting). */
export interface AskedInput {
  id: string;
  label: string;
  placeholder?: string;
  maxLength?: number;
  multiline?: boolean;
}

/** Private metadata of a modal the app rendered. */
export interface ModalMetadata {
  /** The view's submit action, sent when the modal's submit button is pressed. */
  submit?: ActionPayload;
  /** Input id → block id, for inputs the submit needs (answered with `response_action: errors` when empty). */
  required?: Record<string, string>;
  /** An execute action asked for inputs in this modal: the message it came from. */
  execute?: { payload: ActionPayload; channel: string; ts: string; threadTs?: string };
  /**
   * The channel whose slash command opened this modal. The modal is private, but what is asked in it is asked
   * in that channel (the policy's place, where its approval request is posted), as SPEC section 2 says.
   */
  askedIn?: string;
}

export function actionPayload(action: Action): ActionPayload {
  return { ...action.data, action: action.id };
}

export function elementId(kind: ElementKind, id: string, n: number): string {
  return `${kind}:${id}:${n}`;
}

export function parseElementId(actionId: string): { kind: ElementKind; id: string } | undefined {
  const first = actionId.indexOf(':');
  const last = actionId.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  const kind = actionId.slice(0, first);
  if (kind !== 's' && kind !== 'x' && kind !== 'c' && kind !== 'i') return undefined;
  return { kind, id: actionId.slice(first + 1, last) };
}

/** A button value: the action's payload, plus the inputs to ask for first; undefined when over Slack's limit. */
export function buttonValue(payload: ActionPayload, ask?: AskedInput[]): string | undefined {
  const value = JSON.stringify(ask?.length ? { ...payload, _ask: ask } : payload);
  return Array.from(value).length <= BLOCK_KIT_LIMITS.buttonValue ? value : undefined;
}

export function parseButtonValue(value: unknown): { payload: ActionPayload; ask: AskedInput[] } | undefined {
  const parsed = parseJson(value);
  if (!isRecord(parsed) || typeof parsed.action !== 'string' || !parsed.action) return undefined;
  const payload: ActionPayload = { action: parsed.action };
  for (const [key, v] of Object.entries(parsed)) if (typeof v === 'string') payload[key] = v;
  const ask = Array.isArray(parsed._ask) ? parsed._ask.filter(isAskedInput) : [];
  return { payload, ask };
}

/** The block id of an element that answers by itself; undefined when the payload does not fit a block id. */
export function dispatchBlockId(payload: ActionPayload, n: number): string | undefined {
  const id = `d:${n}:${JSON.stringify(payload)}`;
  return Array.from(id).length <= BLOCK_KIT_LIMITS.blockId ? id : undefined;
}

export function parseDispatchBlockId(blockId: unknown): ActionPayload | undefined {
  if (typeof blockId !== 'string' || !blockId.startsWith('d:')) return undefined;
  const rest = blockId.slice(2);
  const colon = rest.indexOf(':');
  if (colon < 0) return undefined;
  const parsed = parseJson(rest.slice(colon + 1));
  if (!isRecord(parsed) || typeof parsed.action !== 'string') return undefined;
  const payload: ActionPayload = { action: parsed.action };
  for (const [key, v] of Object.entries(parsed)) if (typeof v === 'string') payload[key] = v;
  return payload;
}

export function encodeMetadata(metadata: ModalMetadata): string {
  const text = JSON.stringify(metadata);
  if (Array.from(text).length > BLOCK_KIT_LIMITS.privateMetadata) {
    // Only a pathological view gets here; its submit then answers with the action alone.
    return JSON.stringify({
      ...(metadata.submit ? { submit: metadata.submit } : {}),
      ...(metadata.askedIn ? { askedIn: metadata.askedIn } : {}),
    });
  }
  return text;
}

export function parseMetadata(text: unknown): ModalMetadata {
  const parsed = parseJson(text);
  if (!isRecord(parsed)) return {};
  const metadata: ModalMetadata = {};
  if (isPayload(parsed.submit)) metadata.submit = parsed.submit;
  if (isRecord(parsed.required)) {
    metadata.required = Object.fromEntries(
      Object.entries(parsed.required).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  const execute = parsed.execute;
  if (
    isRecord(execute) &&
    isPayload(execute.payload) &&
    typeof execute.channel === 'string' &&
    typeof execute.ts === 'string'
  ) {
    metadata.execute = {
      payload: execute.payload,
      channel: execute.channel,
      ts: execute.ts,
      ...(typeof execute.threadTs === 'string' ? { threadTs: execute.threadTs } : {}),
    };
  }
  if (typeof parsed.askedIn === 'string' && parsed.askedIn) metadata.askedIn = parsed.askedIn;
  return metadata;
}

/** Slack's `view.state.values` / `state.values`: block id → action id → element state. */
export type StateValues = Record<string, Record<string, ElementState>>;

export interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
}

/**
 * The values of the inputs and pick lists on a surface, by the view's input ids. Empty text counts as not
 * given, so a required check sees it as missing.
 */
export function readInputs(values: unknown): { inputs: Record<string, string>; blockOf: Record<string, string> } {
  const inputs: Record<string, string> = {};
  const blockOf: Record<string, string> = {};
  if (!isRecord(values)) return { inputs, blockOf };
  for (const [blockId, elements] of Object.entries(values)) {
    if (!isRecord(elements)) continue;
    for (const [actionId, state] of Object.entries(elements)) {
      const parsed = parseElementId(actionId);
      if (!parsed || (parsed.kind !== 'c' && parsed.kind !== 'i') || !isRecord(state)) continue;
      blockOf[parsed.id] = blockId;
      const value = elementValue(state as ElementState);
      if (value !== undefined) inputs[parsed.id] = value;
    }
  }
  return { inputs, blockOf };
}

export function elementValue(state: ElementState): string | undefined {
  const selected = state.selected_option?.value;
  if (typeof selected === 'string' && selected) return selected;
  if (typeof state.value === 'string' && state.value.trim()) return state.value;
  return undefined;
}

export function askedInputs(action: Action, inputs: readonly TextInput[]): AskedInput[] {
  return inputs
    .filter((input) => action.requires?.includes(input.id))
    .map((input) => ({
      id: input.id,
      label: input.label,
      ...(input.placeholder ? { placeholder: input.placeholder } : {}),
      ...(input.maxLength ? { maxLength: input.maxLength } : {}),
      ...(input.multiline ? { multiline: true } : {}),
    }));
}

function isAskedInput(value: unknown): value is AskedInput {
  return isRecord(value) && typeof value.id === 'string' && typeof value.label === 'string';
}

function isPayload(value: unknown): value is ActionPayload {
  return (
    isRecord(value) && typeof value.action === 'string' && Object.values(value).every((v) => typeof v === 'string')
  );
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
