/**
 * Everything a reset replaces: the world, injected faults, regional outages and the request log.
 */
import { FaultInjector } from './faults';
import { parseSeed } from './seed';
import { World } from './world';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  at: string;
}

/** Oldest entries are dropped beyond this, so a long benchmark cannot grow the log without bound. */
export const MAX_LOGGED_REQUESTS = 100_000;

export interface WorldSummary {
  now: string;
  subscriptions: number;
  vaults: number;
  backupInstances: number;
  recoveryPoints: number;
}

export class EmulatorState {
  world: World;
  readonly faults = new FaultInjector();
  readonly regionsDown = new Set<string>();
  private log: RequestLogEntry[] = [];

  constructor(seed: unknown) {
    this.world = new World(parseSeed(seed));
  }

  /** Replaces the world with a new seed (validated first: a bad seed leaves everything as it was). */
  reset(seed: unknown): WorldSummary {
    const world = new World(parseSeed(seed));
    this.world = world;
    this.faults.clear();
    this.regionsDown.clear();
    this.log = [];
    return this.summary();
  }

  summary(): WorldSummary {
    let vaults = 0;
    let backupInstances = 0;
    let recoveryPoints = 0;
    for (const sub of this.world.subscriptions) {
      vaults += sub.vaults.length;
      for (const vault of sub.vaults) {
        backupInstances += vault.instances.length;
        for (const instance of vault.instances) recoveryPoints += instance.points.count;
      }
    }
    return {
      now: new Date(this.world.nowMs()).toISOString(),
      subscriptions: this.world.subscriptions.length,
      vaults,
      backupInstances,
      recoveryPoints,
    };
  }

  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOGGED_REQUESTS) this.log.splice(0, this.log.length - MAX_LOGGED_REQUESTS);
  }

  requests(): readonly RequestLogEntry[] {
    return this.log;
  }

  clearRequests(): void {
    this.log = [];
  }
}
