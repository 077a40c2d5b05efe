import { AzureError } from '../../azure';
import { normalizeRegion } from '../../azure/regions';

/**
 * Telling "this region does not answer" apart from "Azure said no", and remembering it for a while.
 *
 * After the client's own retries, a 5xx, a timeout or a dropped connection for a resource in one region means
 * we cannot read that region now. During a regional outage every such read costs the whole retry budget
 * (seconds), so once a region has failed that way its reads are skipped for a short time, and what the
 * inventory knows is used instead; then Azure is asked again.
 */

/** Our stable codes and Azure's own (and Node's socket codes, as the prechecks' port passes them on). */
const UNREACHABLE_CODES = new Set([
  'AZURE_UNAVAILABLE',
  'AZURE_TIMEOUT',
  'AZURE_NETWORK',
  'ServiceUnavailable',
  'GatewayTimeout',
  'BadGateway',
  'InternalServerError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isRegionUnreachable(error: unknown): boolean {
  if (error instanceof AzureError) return UNREACHABLE_CODES.has(error.code);
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  if (typeof status === 'number') return status >= 500 && status !== 501;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** What Azure said, for people: its own code when it sent one (`ServiceUnavailable`), else ours. */
export function outageCodeOf(error: unknown): { code: string; message: string } {
  if (error instanceof AzureError) return { code: error.armCode ?? error.code, message: error.message };
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'Unavailable',
    message: typeof message === 'string' ? message : String(error),
  };
}

export interface RegionOutage {
  region: string;
  code: string;
  message: string;
  /** First failure since the region last answered. */
  since: Date;
  /** Latest failure: the outage is remembered for a while after it. */
  lastSeen: Date;
}

/** How long a region that failed is left alone before Azure is asked again. */
export const DEFAULT_OUTAGE_MEMORY_MS = 60_000;

/** The regions this process saw fail recently. In memory: each replica learns it with one slow read. */
export class RegionOutages {
  readonly #outages = new Map<string, RegionOutage>();

  constructor(private readonly memoryMs = DEFAULT_OUTAGE_MEMORY_MS) {}

  noteUnreachable(region: string, error: unknown, at: Date): RegionOutage {
    const key = normalizeRegion(region);
    const previous = this.#outages.get(key);
    const outage: RegionOutage = { region: key, ...outageCodeOf(error), since: previous?.since ?? at, lastSeen: at };
    this.#outages.set(key, outage);
    return outage;
  }

  noteAnswered(region: string): void {
    this.#outages.delete(normalizeRegion(region));
  }

  any(now: Date): boolean {
    for (const outage of this.#outages.values()) {
      if (now.getTime() - outage.lastSeen.getTime() < this.memoryMs) return true;
    }
    return false;
  }

  /** The outage of `region` if it failed within the memory window, else undefined (ask Azure again). */
  current(region: string, now: Date): RegionOutage | undefined {
    const outage = this.#outages.get(normalizeRegion(region));
    if (!outage) return undefined;
    return now.getTime() - outage.lastSeen.getTime() < this.memoryMs ? outage : undefined;
  }
}
