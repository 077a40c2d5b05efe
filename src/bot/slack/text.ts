/**
 * Text that goes into Block Kit. Slack reads `mrkdwn` text objects with its own markup: `<…>` makes links and
 * mentions (`<!channel>`, `<https://evil.example|Approve>`) and `&` starts an entity, so every piece of text we
 * did not write ourselves has those three characters escaped before it goes into mrkdwn. Plain-text objects
 * (headers, buttons, options, labels) are shown as typed and are only cut to their limits.
 *
 * Lengths count Unicode code points, as the limits table does.
 */

const ELLIPSIS = '…';

export function length(text: string): number {
  return Array.from(text).length;
}

/** Cuts text to `max` characters with an ellipsis at the end (prose: the start says what it is about). */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}${ELLIPSIS}`;
}

/**
 * Cuts text to `max` characters by dropping its middle (names and ids: the start says what it is, the end
 * which one, e.g. `job /subscriptions/…/backupJobs/3f2a…`).
 */
export function clipMiddle(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max < 8) return clip(text, max);
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return `${chars.slice(0, head).join('')}${ELLIPSIS}${chars.slice(chars.length - tail).join('')}`;
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escaped, then within `max` characters: escaping lengthens text (`&` → `&amp;`), so the original is cut
 * further until the escaped form fits.
 */
export function mrkdwnText(text: string, max: number, cut: (t: string, m: number) => string = clip): string {
  let budget = max;
  for (;;) {
    const escaped = escapeMrkdwn(cut(text, budget));
    const over = length(escaped) - max;
    if (over <= 0 || budget <= 1) return escaped;
    budget = Math.max(1, budget - over);
  }
}

/** Plain text never empty (Slack refuses an empty text object). */
export function plain(text: string, max: number, cut: (t: string, m: number) => string = clip): string {
  const trimmed = text.trim();
  return cut(trimmed.length ? trimmed : '-', max);
}
