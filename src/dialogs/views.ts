/**
 * Channel-neutral views: what the conversation wants a person to see, with no Teams or Slack type in sight.
 * `src/dialogs` produces them; `src/bot/teams` renders them as Adaptive Cards and `src/bot/slack` as Block Kit.
 *
 * Rules both sides keep:
 * - Values in `ChoiceOption.value` and `Action.data` are short keys (≤ 75 characters, Slack's option limit),
 *   never ARM ids: the dialog maps keys back to resources it stored in its own state.
 * - A click or submit comes back to the dialog as an activity whose `value` is
 *   `{ action: <Action.id>, ...Action.data, ...<input id → typed or chosen value> }` (see `readAnswer`).
 * - Anything a card carries is untrusted: the receiver checks it against stored state before acting.
 */

export type ViewTone = 'default' | 'good' | 'warning' | 'attention';

export interface View {
  /** What the view is for; renderers may pick a layout by it (an approval request looks like one). */
  kind: 'step' | 'approval' | 'notice' | 'error' | 'list';
  title: string;
  /** Short line under the title, e.g. "Step 2 of 6". */
  subtitle?: string;
  /** Paragraphs of plain text (renderers escape them). */
  text?: string[];
  facts?: Fact[];
  /** Overall tone: an approved request is `good`, a refused one `attention`. */
  tone?: ViewTone;
  /** Non-blocking warnings, shown prominently (e.g. immutability Disabled). */
  warnings?: string[];
  /** A problem the user has to act on, with its stable code. */
  error?: { code: string; message: string };
  /** A step that had only one possible answer and was answered for the user, with the reason. */
  auto?: { answer: string; reason: string };
  /** At most one pick list per view. */
  choices?: ChoiceInput;
  inputs?: TextInput[];
  actions?: Action[];
  /** Rows of a list view (`/restore jobs`, `/restore vaults`), each a small block of facts. */
  rows?: ListRow[];
  /** Small print at the bottom, e.g. "Times are UTC (your time zone: Europe/Berlin)". */
  footer?: string;
}

export interface Fact {
  label: string;
  value: string;
}

export interface ListRow {
  title: string;
  facts: Fact[];
  warnings?: string[];
  actions?: Action[];
}

export interface ChoiceOption {
  /** Short key (≤ 75 characters). */
  value: string;
  /** What a person recognises: names, regions, `YYYY-MM-DD HH:MM UTC (3 days ago)`. */
  label: string;
  description?: string;
  /** Shown but not choosable; `description` says why. */
  disabled?: boolean;
}

export interface ChoiceInput {
  id: string;
  label: string;
  options: ChoiceOption[];
  placeholder?: string;
  /** For long lists (recovery points): which page this is. Next/previous are ordinary actions. */
  page?: { index: number; size: number; hasPrevious: boolean; hasNext: boolean };
}

export interface TextInput {
  id: string;
  label: string;
  placeholder?: string;
  required?: boolean;
  multiline?: boolean;
  maxLength?: number;
}

export interface Action {
  /** Stable id; for approvals exactly `approve` / `reject` (Teams `Action.Execute` verbs). */
  id: string;
  /** Button text; approvals use exactly "Approve" and "Reject". */
  label: string;
  style?: 'default' | 'primary' | 'danger';
  /** Short string values only; an approval carries `{ requestId, nonce }` and nothing else. */
  data: Record<string, string>;
  /** Inputs of the view that must be filled before this action is sent (e.g. a rejection reason). */
  requires?: string[];
  /**
   * `execute`: answered in place within the platform's time limit (Teams invoke, Slack interaction) — used for
   * approval decisions. `submit`: an ordinary answer to the current wizard step.
   */
  mode?: 'submit' | 'execute';
}

/** The attachment content type under which a view travels inside a botbuilder activity until rendered. */
export const VIEW_CONTENT_TYPE = 'application/vnd.restore-bot.view+json';
