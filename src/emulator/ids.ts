/**
 * Identifiers: deterministic where a seed must give the same names every time (backup instances, recovery
 * points), random where Azure's are (jobs, operations).
 */
import { createHash, randomUUID } from 'node:crypto';

function digestHex(input: string): string {
  return createHash('sha256').update(input).digest('hex');
}

/** A GUID-shaped (version 4 layout) id that is always the same for the same input. */
export function stableGuid(input: string): string {
  const h = digestHex(input);
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A 32-bit number that is always the same for the same input. */
export function stableUint32(input: string): number {
  return Number.parseInt(digestHex(input).slice(0, 8), 16) >>> 0;
}

// An odd multiplier is invertible modulo 2^32, which lets a recovery point id carry its index without
// looking sequential; the inverse is computed once (Newton's iteration doubles the correct bits each step).
const MIX = 0x9e3779b1;
const MIX_INVERSE = (() => {
  let x = MIX;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(MIX, x));
  return x >>> 0;
})();

/**
 * Recovery point ids (32 lower-case hex chars, like real PG flexible server points): 24 chars fixed per
 * instance, then the point's index scrambled reversibly, so a point can be found from its id without
 * keeping a table of ids for millions of points.
 */
export class RecoveryPointIdCodec {
  private readonly prefix: string;
  private readonly mask: number;

  constructor(instanceKey: string) {
    const h = digestHex(`rp:${instanceKey}`);
    this.prefix = h.slice(0, 24);
    this.mask = Number.parseInt(h.slice(24, 32), 16) >>> 0;
  }

  encode(index: number): string {
    const scrambled = Math.imul((index ^ this.mask) >>> 0, MIX) >>> 0;
    return this.prefix + scrambled.toString(16).padStart(8, '0');
  }

  /** The index the id was made from, or undefined when it is not one of this instance's ids. */
  decode(id: string): number | undefined {
    const lower = id.toLowerCase();
    if (lower.length !== 32 || !lower.startsWith(this.prefix) || !/^[0-9a-f]{8}$/.test(lower.slice(24))) {
      return undefined;
    }
    const scrambled = Number.parseInt(lower.slice(24), 16) >>> 0;
    return (Math.imul(scrambled, MIX_INVERSE) ^ this.mask) >>> 0;
  }
}

export function newGuid(): string {
  return randomUUID();
}

/**
 * Operation ids look like Azure's: base64 of two GUIDs joined by ';' (73 ASCII chars, so always ending in
 * '=='). Those characters never produce '+' or '/', so the id is safe in a URL path as is.
 */
export function newOperationId(): string {
  return Buffer.from(`${randomUUID()};${randomUUID()}`, 'ascii').toString('base64');
}

/**
 * Clients may send an operation id percent-encoded, base64url-encoded or without its padding; this gives
 * the canonical form under which the operation was stored.
 */
export function canonicalOperationId(raw: string): string {
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded after all: use it as received.
  }
  id = id.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return id + '='.repeat((4 - (id.length % 4)) % 4);
}
