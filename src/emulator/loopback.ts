/**
 * Loopback check for the emulator's listen address. Deliberately a local copy of the rule in src/net.ts:
 * the emulator imports nothing from the rest of src/.
 */
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return false;
}
