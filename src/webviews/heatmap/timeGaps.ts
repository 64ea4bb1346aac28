/**
 * Where the heatmap's samples skip time: columns sit side by side by sequence number, so a span without samples (the
 * book stream down, the host restarted) would otherwise pass unseen. A gap is named by the sequence number of the
 * column after it. Pure; O(1) amortised per column added or dropped, O(log gaps) per lookup.
 */

/** Samples this many intervals apart (and at least MIN_GAP_MS) have a gap between them; a late timer tick is not one. */
export const GAP_INTERVALS = 5;
export const MIN_GAP_MS = 1_000;

/** The least time between two neighbouring samples that counts as a gap. */
export const gapThresholdMs = (sampleMs: number): number => Math.max(GAP_INTERVALS * sampleMs, MIN_GAP_MS);

export interface TimeGap {
  /** The column after the gap (the one before is `seq - 1`). */
  readonly seq: number;
  /** The time between the two columns (ms). */
  readonly ms: number;
}

export class TimeGaps {
  /** Ascending by seq; entries before `start` are dropped (kept until compaction, so dropping is O(1)). */
  private gaps: TimeGap[] = [];
  private start = 0;

  get count(): number {
    return this.gaps.length - this.start;
  }

  /** A gap before the newest column. */
  addNewest(gap: TimeGap): void {
    this.gaps.push(gap);
  }

  /** A gap before a column added in front of every other (older history): gaps are few, so the copy is cheap. */
  addOldest(gap: TimeGap): void {
    this.compact();
    this.gaps.unshift(gap);
  }

  /** Forgets the gaps that no longer lie between two held columns: those before `oldestHeld + 1`. */
  dropThrough(oldestHeld: number): void {
    while (this.start < this.gaps.length && (this.gaps[this.start]?.seq ?? Infinity) <= oldestHeld) this.start++;
    if (this.start > 64 && this.start * 2 > this.gaps.length) this.compact();
  }

  clear(): void {
    this.gaps = [];
    this.start = 0;
  }

  /** The gaps between columns `from` and `to` (both held): `from < seq ≤ to`, ascending. */
  between(from: number, to: number): TimeGap[] {
    const out: TimeGap[] = [];
    for (let i = this.firstAfter(from); i < this.gaps.length; i++) {
      const g = this.gaps[i];
      if (!g || g.seq > to) break;
      out.push(g);
    }
    return out;
  }

  /** Whether a gap lies between columns `from` and `to`. */
  any(from: number, to: number): boolean {
    const g = this.gaps[this.firstAfter(from)];
    return g !== undefined && g.seq <= to;
  }

  /** The index of the first gap with seq > `from`. */
  private firstAfter(from: number): number {
    let lo = this.start;
    let hi = this.gaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.gaps[mid]?.seq ?? Infinity) <= from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    if (this.start === 0) return;
    this.gaps = this.gaps.slice(this.start);
    this.start = 0;
  }
}
