/**
 * A backup instance's recovery points as arithmetic rather than data: point i (0 = newest) was taken at
 * newest - i * interval. Listing, filtering, paging and lookup by id are all O(1) per point served, so a
 * scale seed with millions of points costs no memory.
 */
import { RecoveryPointIdCodec } from './ids';

/** Index range [start, end) of points, newest first. */
export interface IndexRange {
  start: number;
  end: number;
}

export class RecoveryPointSeries {
  private readonly codec: RecoveryPointIdCodec;

  constructor(
    instanceKey: string,
    readonly count: number,
    readonly newestMs: number,
    readonly intervalMs: number,
  ) {
    this.codec = new RecoveryPointIdCodec(instanceKey);
  }

  timeMs(index: number): number {
    return this.newestMs - index * this.intervalMs;
  }

  idOf(index: number): string {
    return this.codec.encode(index);
  }

  /** The index of the point with this id, or undefined when the instance has no such point. */
  indexOf(id: string): number | undefined {
    const index = this.codec.decode(id);
    return index !== undefined && index < this.count ? index : undefined;
  }

  /** Points whose time lies in [fromMs, toMs] (both inclusive; either bound may be absent). */
  window(fromMs?: number, toMs?: number): IndexRange {
    let start = 0;
    let end = this.count;
    if (toMs !== undefined) {
      start = clamp(Math.ceil((this.newestMs - toMs) / this.intervalMs), 0, this.count);
      // Division of large numbers can land one step off; settle on the exact boundary.
      while (start > 0 && this.timeMs(start - 1) <= toMs) start--;
      while (start < this.count && this.timeMs(start) > toMs) start++;
    }
    if (fromMs !== undefined) {
      end = clamp(Math.floor((this.newestMs - fromMs) / this.intervalMs) + 1, 0, this.count);
      while (end < this.count && this.timeMs(end) >= fromMs) end++;
      while (end > 0 && this.timeMs(end - 1) < fromMs) end--;
    }
    return { start, end: Math.max(start, end) };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
