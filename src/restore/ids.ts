import { randomBytes } from 'node:crypto';

/**
 * Request ids are read aloud on calls and typed into `/restore status`, so they are short and use an
 * alphabet without the look-alikes 0/O and 1/I. 32 symbols means every random byte maps onto the alphabet
 * without bias (256 is a multiple of 32).
 */
export const REQUEST_ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const REQUEST_ID_PREFIX = 'R-';
/**
 * 4 symbols = about a million ids: easy to type, but collisions are possible over a long history, so the
 * store must insert under a unique constraint and draw again on conflict.
 */
export const REQUEST_ID_LENGTH = 4;

const ID_PATTERN = new RegExp(`^R-[${REQUEST_ID_ALPHABET}]{${REQUEST_ID_LENGTH}}$`);

/** A fresh crypto-random id such as `R-7KQ2`. */
export function newRequestId(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(REQUEST_ID_LENGTH);
  let body = '';
  for (const byte of bytes) body += REQUEST_ID_ALPHABET[byte % REQUEST_ID_ALPHABET.length];
  return REQUEST_ID_PREFIX + body;
}

export function isRequestId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * Reads an id as a person types it: any case, with or without the `R-` prefix, surrounding spaces.
 * Returns the canonical form, or undefined when it cannot be a request id.
 */
export function parseRequestId(typed: string): string | undefined {
  const compact = typed.trim().toUpperCase();
  const candidate = compact.startsWith(REQUEST_ID_PREFIX) ? compact : REQUEST_ID_PREFIX + compact;
  return isRequestId(candidate) ? candidate : undefined;
}
