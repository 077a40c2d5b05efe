/** How times appear to people everywhere in the bot: `YYYY-MM-DD HH:MM UTC`. */
export function formatUtc(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "a, b and c" — for lists inside sentences. */
export function joinWords(items: readonly string[], none = 'none', last: 'and' | 'or' = 'and'): string {
  if (items.length === 0) return none;
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}
