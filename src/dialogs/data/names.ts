import { closestMatch } from '../../restore/suggest';

/** A typed name looked up among candidates: the match (any case), or the closest spelling to suggest. */
export function findByName<T>(
  typed: string,
  items: readonly T[],
  nameOf: (item: T) => string,
): { match?: T; suggestion?: string } {
  const wanted = typed.trim().toLowerCase();
  const match = items.find((item) => nameOf(item).toLowerCase() === wanted);
  if (match) return { match };
  const suggestion = closestMatch(typed.trim(), items.map(nameOf), Math.max(3, Math.floor(wanted.length / 3)));
  return suggestion ? { suggestion } : {};
}
