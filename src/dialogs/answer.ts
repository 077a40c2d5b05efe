import type { Activity } from 'botbuilder-core';

/**
 * What a person sent in one turn: a click/submit (`activity.value` = `{ action, ...data, ...inputs }`, see
 * views.ts) or typed text. Only string values are kept; anything else in a card payload is ignored.
 */
export interface Answer {
  /** The Action id of a submit, if the turn is one. */
  action?: string;
  /** Data and input values of the submit, strings only. */
  values: Record<string, string>;
  /** Typed text, trimmed (empty for submits). */
  text: string;
}

export function readAnswer(activity: Partial<Activity>): Answer {
  const values: Record<string, string> = {};
  const raw = activity.value;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'string') values[key] = value;
    }
  }
  const { action, ...rest } = values;
  return { ...(action ? { action } : {}), values: rest, text: (activity.text ?? '').trim() };
}
