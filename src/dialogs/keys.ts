import { createHash } from 'node:crypto';

/**
 * Option keys travel in cards (≤ 75 characters, never ARM ids). A short digest of the resource id is stable
 * across listings, so a key from an old card either still means the same resource or is not offered at all.
 */
export function shortKey(prefix: string, id: string): string {
  return `${prefix}:${createHash('sha256').update(id.toLowerCase()).digest('base64url').slice(0, 12)}`;
}
