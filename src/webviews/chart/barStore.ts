/**
 * The chart's bars in the webview, oldest first, and how each incoming candle changes them. Pure (no DOM, no
 * lightweight-charts) and O(1) per update for the usual cases: the in-progress bar changes (`replace`) or a new bar
 * starts (`append`). A revision of an older bar is found by binary search (`revise`); a bar that did not exist
 * before inside the range (`insert`, only after a gap backfill) is the one O(n) case.
 */
import type { CandleWire, MarkerWire } from '../../shared/protocol';
import { changePercent } from '../shared/format';

export interface Bar {
  /** UTC seconds (lightweight-charts' UTCTimestamp). */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Trades of this bar may be missing (see CandleWire); present only when true. */
  readonly partial?: true;
  /** With `partial`, when known: since when (UTC seconds, inside the bar) its trades may be missing. */
  readonly partialSince?: number;
}

export type BarChangeKind = 'append' | 'replace' | 'revise' | 'insert';

export interface BarChange {
  readonly kind: BarChangeKind;
  readonly index: number;
  readonly bar: Bar;
}

export function toBar(c: CandleWire): Bar {
  const bar = { time: Math.floor(c[0] / 1000), open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] };
  if (c[6] !== true) return bar;
  return c[7] === undefined ? { ...bar, partial: true } : { ...bar, partial: true, partialSince: Math.floor(c[7] / 1000) };
}

export class BarStore {
  private list: Bar[] = [];

  get bars(): readonly Bar[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  get last(): Bar | undefined {
    return this.list[this.list.length - 1];
  }

  at(index: number): Bar | undefined {
    return this.list[index];
  }

  /** Replaces everything with a snapshot. Sorts only if needed and keeps the last of equal times. */
  reset(candles: readonly CandleWire[]): readonly Bar[] {
    const bars = candles.map(toBar);
    let sorted = true;
    for (let i = 1; i < bars.length; i++) {
      if (bars[i]!.time <= bars[i - 1]!.time) {
        sorted = false;
        break;
      }
    }
    if (!sorted) {
      const byTime = new Map<number, Bar>();
      for (const b of bars) byTime.set(b.time, b);
      this.list = [...byTime.values()].sort((a, b) => a.time - b.time);
    } else {
      this.list = bars;
    }
    return this.list;
  }

  /** Older bars (scrolling left), oldest first: those before the first bar held go in front; returns how many. */
  prepend(candles: readonly CandleWire[]): number {
    const first = this.list[0]?.time ?? Number.POSITIVE_INFINITY;
    const older: Bar[] = [];
    for (const c of candles) {
      const bar = toBar(c);
      const prev = older[older.length - 1];
      if (bar.time < first && (prev === undefined || bar.time > prev.time)) older.push(bar);
    }
    if (older.length > 0) this.list = older.concat(this.list);
    return older.length;
  }

  apply(candle: CandleWire): BarChange {
    const bar = toBar(candle);
    const n = this.list.length;
    const last = this.list[n - 1];
    if (!last || bar.time > last.time) {
      this.list.push(bar);
      return { kind: 'append', index: n, bar };
    }
    if (bar.time === last.time) {
      this.list[n - 1] = bar;
      return { kind: 'replace', index: n - 1, bar };
    }
    const i = this.lowerBound(bar.time);
    if (this.list[i]?.time === bar.time) {
      this.list[i] = bar;
      return { kind: 'revise', index: i, bar };
    }
    this.list.splice(i, 0, bar);
    return { kind: 'insert', index: i, bar };
  }

  /** Index of the first bar with time ≥ `time` (length if none). */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the bar whose bucket contains `time` (the last bar with time ≤ it), or -1. */
  indexAtOrBefore(time: number): number {
    const i = this.lowerBound(time);
    if (this.list[i]?.time === time) return i;
    return i - 1;
  }
}

export interface LegendValues {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Change of the close from the previous bar's close (from the open for the first bar), in percent. */
  readonly changePct: number | null;
  readonly up: boolean;
}

export function legendFor(store: BarStore, index: number): LegendValues | null {
  const bar = store.at(index);
  if (!bar) return null;
  const prev = store.at(index - 1);
  return { ...bar, changePct: changePercent(prev ? prev.close : bar.open, bar.close), up: bar.close >= bar.open };
}

/**
 * While the bar at `index` (the newest by default; the hovered one) is partial: since when (UTC seconds) trades may
 * be missing, i.e. the start of the run of partial bars it is in, or the seam (or a replay's hole) inside that run's
 * first bar when the engine knows it (an hourly bar partial since 14:03, not 14:00); otherwise null. Walks back only
 * over that run.
 */
export function partialSince(store: BarStore, index = store.length - 1): number | null {
  let i = index;
  if (store.at(i)?.partial !== true) return null;
  while (store.at(i - 1)?.partial === true) i--;
  const first = store.at(i);
  return first ? (first.partialSince ?? first.time) : null;
}

export interface PlacedMarker {
  readonly time: number;
  readonly text: string;
  readonly position: 'above' | 'below';
}

/**
 * Markers snapped to the bar whose bucket contains them (times ms → s), sorted by time; markers before the first
 * bar are dropped (nothing to attach them to).
 */
export function placeMarkers(markers: readonly MarkerWire[], store: BarStore): PlacedMarker[] {
  const out: PlacedMarker[] = [];
  for (const m of markers) {
    if (!Number.isFinite(m.time)) continue;
    const i = store.indexAtOrBefore(Math.floor(m.time / 1000));
    if (i < 0) continue;
    out.push({ time: store.at(i)!.time, text: String(m.text ?? ''), position: m.position === 'below' ? 'below' : 'above' });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Decimals to show prices with, from the last `sample` bars of a snapshot. */
export function pricePrecision(bars: readonly Bar[], decimalsOf: (x: number) => number, sample = 200, max = 8): number {
  let d = 0;
  for (let i = Math.max(0, bars.length - sample); i < bars.length; i++) {
    const b = bars[i]!;
    d = Math.max(d, decimalsOf(b.open), decimalsOf(b.high), decimalsOf(b.low), decimalsOf(b.close));
    if (d >= max) return max;
  }
  return d;
}
