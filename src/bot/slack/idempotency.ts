/**
 * "Was this delivery handled already?" for Slack's redeliveries (`X-Slack-Retry-Num`: Slack sends a request
 * again when it did not see the ack in time) and for repeated payloads: the first claim of a key wins.
 * The store's idempotency table gives that across replicas; without it the key/value store is used (good
 * for one replica), and tests may run with memory only.
 */
import type { KeyValueStore } from '../../dialogs/deps';

export interface DeliveryClaims {
  /** True for exactly one caller per key while the claim lives. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** How long a delivery is remembered: Slack retries within minutes (about 1 min, then 5 min). */
export const DELIVERY_TTL_MS = 60 * 60 * 1_000;

export function claimsOverKeyValue(kv: KeyValueStore, now: () => number = Date.now): DeliveryClaims {
  return {
    async claim(key, ttlMs) {
      const stored = await kv.get<{ until: number }>(`slack:delivery:${key}`);
      if (stored && typeof stored.until === 'number' && stored.until > now()) return false;
      await kv.put(`slack:delivery:${key}`, { until: now() + ttlMs });
      return true;
    },
  };
}
