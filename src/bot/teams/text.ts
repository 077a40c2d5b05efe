/**
 * Text that goes onto a card. Teams reads TextBlock and FactSet text as Markdown, so a server called
 * `[Approve here](https://evil.example)` would otherwise become a link: every piece of text we did not write
 * ourselves is escaped. Titles of choices and buttons are plain text in Teams and must NOT be escaped (the
 * backslashes would show).
 */

/** Characters with a Markdown meaning in Teams cards (emphasis, links, code, autolinks, headings). */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]()<>~#|!]/g;
/** A line that would start a list or a quote: "- x", "+ x", "1. x", "> x". */
const BLOCK_MARKER = /^(\s*)([-+]|\d+[.)])(\s)/gm;

export function escapeMarkdown(text: string): string {
  return text
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(BLOCK_MARKER, (_m, lead, marker, space) => {
      const escaped = /^\d/.test(marker) ? marker.replace(/([.)])$/, '\\$1') : `\\${marker}`;
      return `${lead}${escaped}${space}`;
    });
}

/** Cuts text to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escaped and clipped: the one way view text reaches a TextBlock or a FactSet. */
export function cardText(text: string, max: number): string {
  return escapeMarkdown(clip(text, max));
}
