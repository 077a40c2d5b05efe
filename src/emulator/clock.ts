/**
 * Emulated time: starts at the seed's `now`, runs with the wall clock, and jumps forward on request so that
 * tests can finish a two-minute restore job without waiting two minutes.
 */
export class EmulatedClock {
  private readonly wallAtStart: number;
  private advancedMs = 0;

  constructor(
    private readonly startMs: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.wallAtStart = wallNow();
  }

  nowMs(): number {
    return this.startMs + (this.wallNow() - this.wallAtStart) + this.advancedMs;
  }

  advance(seconds: number): void {
    this.advancedMs += seconds * 1000;
  }
}
