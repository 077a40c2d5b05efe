/**
 * List paging as ARM does it: pages of PAGE_SIZE items and an absolute `nextLink` carrying `$skipToken`.
 * The token is opaque to clients; it holds where the next page starts (and, for POST lists followed with
 * GET, the request body), so the server keeps no paging state.
 */
import { ArmError } from './http';

export const PAGE_SIZE = 100;

export interface ListContext {
  /** Absolute origin the client reached us at, e.g. http://127.0.0.1:4010. */
  origin: string;
  path: string;
  query: URLSearchParams;
}

export function encodeSkipToken(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodeSkipToken(raw: string | null): Record<string, unknown> | undefined {
  if (raw === null || raw === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the error below.
  }
  throw new ArmError(400, 'BadRequest', `The $skipToken '${raw.slice(0, 80)}' is not valid for this list.`);
}

/** The same request with `$skipToken` set: every other query parameter ($filter, api-version) is kept. */
export function nextLinkFor(ctx: ListContext, token: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of ctx.query) {
    if (key === '$skipToken') continue;
    parts.push(`${encodeKey(key)}=${encodeURIComponent(value)}`);
  }
  parts.push(`$skipToken=${encodeSkipToken(token)}`);
  return `${ctx.origin}${ctx.path}?${parts.join('&')}`;
}

function encodeKey(key: string): string {
  return key.startsWith('$') ? `$${encodeURIComponent(key.slice(1))}` : encodeURIComponent(key);
}

/** Pages an in-memory array by offset; `tokenExtras` travel in the skip token (e.g. a POST list's body). */
export function pageArray<T>(
  ctx: ListContext,
  items: readonly T[],
  render: (item: T) => unknown,
  tokenExtras: Record<string, unknown> = {},
): Record<string, unknown> {
  const token = decodeSkipToken(ctx.query.get('$skipToken'));
  const offset = token && typeof token.o === 'number' && token.o >= 0 ? token.o : 0;
  const value = items.slice(offset, offset + PAGE_SIZE).map(render);
  const body: Record<string, unknown> = { value };
  if (offset + PAGE_SIZE < items.length) body.nextLink = nextLinkFor(ctx, { ...tokenExtras, o: offset + PAGE_SIZE });
  return body;
}
