/**
 * The Azure Data Protection emulator: Azure's twin for tests, benchmarks and the demo, built from the
 * OpenAPI file and SPEC section 6. It imports nothing from the rest of src/ on purpose.
 */

import { isLoopback } from './loopback';
import { buildDemoSeed, buildScaleSeed, DEFAULT_SCALE } from './presets';
import { EmulatorServer, type RunningEmulator } from './server';

export interface StartEmulatorOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1; anything but a loopback address is refused. */
  host?: string;
  /** Default 'demo'; ignored when `seed` is given. */
  preset?: 'demo' | 'scale';
  /** A seed in the SPEC section 6 format. */
  seed?: unknown;
  /** Receives diagnostic lines (unexpected errors); silent by default. */
  log?: (line: string) => void;
}

export const DEFAULT_EMULATOR_PORT = 4010;

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new Error(
      `The emulator listens on loopback addresses only (it has no authentication of its own), not ${host}.`,
    );
  }
  const seed = options.seed ?? (options.preset === 'scale' ? buildScaleSeed({ ...DEFAULT_SCALE }) : buildDemoSeed());
  const server = new EmulatorServer({ host, port: options.port ?? DEFAULT_EMULATOR_PORT, seed, log: options.log });
  return server.listen();
}

export { SUBSCRIPTIONS_API_VERSION } from './arm/routes';
export { API_VERSION } from './operations';
export { PAGE_SIZE } from './paging';
export { buildDemoSeed, buildScaleSeed, DEFAULT_SCALE, DEMO_SUBSCRIPTION_ID, type ScaleOptions } from './presets';
export { normalizeRegion, PAIRED_REGIONS, pairedRegion } from './regions';
export type { Seed, SeedInstance, SeedRecoveryPoints, SeedSubscription, SeedVault } from './seed';
export { parseSeed, SeedError } from './seed';
export type { RunningEmulator } from './server';
