/**
 * The footprint bars a chart holds: a full message replaces them, changes merge (bars by time, cells by price). Their
 * times are kept sorted, so a profile of a time range reads only the bars in it (the volume profile is recomputed at
 * each redraw). Pure.
 */
import type { DeltaWire, FootprintBarWire, FootprintCellWire } from '../../shared/protocol';
import { valueArea } from '../../shared/util/valueArea';

export interface ProfileRow {
  readonly price: number;
  readonly buy: number;
  readonly sell: number;
}

export interface VisibleProfile {
  readonly rows: readonly ProfileRow[];
  readonly bucket: number;
  readonly maxVolume: number;
  readonly poc: number;
  readonly valueAreaLow: number;
  readonly valueAreaHigh: number;
  /** A bar in it is partial (its trades may be missing: an outage not filled yet, a hole given up): the first one's time (ms). */
  readonly partialSince?: number;
}

/** The profile of one UTC day: over all its bars held, from `firstTime` (its first bar) to `end`. */
export interface SessionProfile extends VisibleProfile {
  readonly start: number;
  readonly end: number;
  readonly firstTime: number;
  readonly lastTime: number;
}

const DAY_MS = 86_400_000;

/** What changed: the bars to `update()` on the chart, or `rebuild` when an older bar came in (setData once). */
export interface FootprintChange {
  readonly updated: readonly FootprintBarWire[];
  readonly deltas: readonly DeltaWire[];
  readonly rebuild: boolean;
}

/** Every bar of one series (the host's `chart/footprint`); `series` names it as the chart's snapshot does. */
export interface FootprintSnapshot {
  readonly series: string;
  readonly depth: number;
  readonly bucket: number;
  readonly imbalanceRatio: number;
  readonly bars: readonly FootprintBarWire[];
  readonly deltas: readonly DeltaWire[];
}

const EMPTY: FootprintSnapshot = { series: '', depth: 0, bucket: 0, imbalanceRatio: 3, bars: [], deltas: [] };

/** The key a chart snapshot and a footprint snapshot share when they show the same market and timeframe. */
export const seriesKey = (exchange: string, symbol: string, timeframe: string): string => `${exchange}|${symbol}|${timeframe}`;

export class FootprintModel {
  private byTime = new Map<number, FootprintBarWire>();
  private deltaByTime = new Map<number, DeltaWire>();
  /** The bars' times, ascending. */
  private times: number[] = [];
  private lastTime = Number.NEGATIVE_INFINITY;
  series = '';
  depth = 0;
  bucket = 0;
  imbalanceRatio = 3;

  get size(): number {
    return this.byTime.size;
  }

  reset(snap: FootprintSnapshot = EMPTY): void {
    this.series = snap.series;
    this.depth = snap.depth;
    this.bucket = snap.bucket;
    this.imbalanceRatio = snap.imbalanceRatio;
    this.byTime = new Map(snap.bars.map((b) => [b.time, b]));
    this.deltaByTime = new Map(snap.deltas.map((d) => [d[0], d]));
    this.times = [...this.byTime.keys()].sort((a, b) => a - b);
    this.lastTime = this.times[this.times.length - 1] ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * The chart now shows `series`: bars of another series are dropped. The footprint of the series shown may have come
   * first (its history can be in before the candles'), so it is kept. True when bars were dropped.
   */
  showSeries(series: string): boolean {
    if (series === this.series) return false;
    const had = this.byTime.size > 0;
    this.reset({ ...EMPTY, series });
    return had;
  }

  /** Merges a change; O(cells of the changed bars). */
  apply(bars: readonly FootprintBarWire[], deltas: readonly DeltaWire[]): FootprintChange {
    const updated: FootprintBarWire[] = [];
    let rebuild = false;
    for (const b of bars) {
      const held = this.byTime.get(b.time);
      const merged = held ? { ...b, cells: mergeCells(held.cells, b.cells) } : b;
      this.byTime.set(b.time, merged);
      if (!held) this.addTime(b.time);
      if (!held && b.time < this.lastTime) rebuild = true;
      this.lastTime = Math.max(this.lastTime, b.time);
      updated.push(merged);
    }
    for (const d of deltas) {
      if (!this.deltaByTime.has(d[0]) && d[0] < this.lastTime) rebuild = true;
      this.deltaByTime.set(d[0], d);
    }
    return { updated, deltas, rebuild };
  }

  bars(): FootprintBarWire[] {
    return this.times.map((t) => this.byTime.get(t) as FootprintBarWire);
  }

  get(time: number): FootprintBarWire | undefined {
    return this.byTime.get(time);
  }

  deltas(): DeltaWire[] {
    return [...this.deltaByTime.values()].sort((a, b) => a[0] - b[0]);
  }

  /** One profile per UTC day overlapping [from, to] (ms), each over all of that day's bars (a session profile). */
  sessionProfiles(from: number, to: number): SessionProfile[] {
    const out: SessionProfile[] = [];
    for (let start = Math.floor(from / DAY_MS) * DAY_MS; start <= to; start += DAY_MS) {
      const end = start + DAY_MS;
      const profile = this.profile(start, end - 1);
      if (!profile) continue;
      const firstTime = this.times[this.firstAtOrAfter(start)] ?? end;
      const lastTime = this.times[this.firstAtOrAfter(end) - 1] ?? start;
      out.push({ ...profile, start, end, firstTime, lastTime });
    }
    return out;
  }

  /** Volume per price of the bars whose time is in [from, to] (ms), with its POC and 70 % value area. */
  profile(from: number, to: number): VisibleProfile | undefined {
    // The rows themselves are the map's values: no entry pairs and no second copy per redraw.
    const byPrice = new Map<number, { price: number; buy: number; sell: number }>();
    let partialSince: number | undefined;
    for (let i = this.firstAtOrAfter(from); i < this.times.length && (this.times[i] as number) <= to; i++) {
      const b = this.byTime.get(this.times[i] as number) as FootprintBarWire;
      if (b.partial === true && partialSince === undefined) partialSince = b.time;
      for (const [price, buy, sell] of b.cells) {
        const row = byPrice.get(price);
        if (row) {
          row.buy += buy;
          row.sell += sell;
        } else byPrice.set(price, { price, buy, sell });
      }
    }
    if (byPrice.size === 0) return undefined;
    const rows: ProfileRow[] = [...byPrice.values()].sort((a, b) => a.price - b.price);
    const volumes = rows.map((r) => r.buy + r.sell);
    const area = valueArea(volumes);
    const at = (i: number) => rows[i]?.price ?? 0;
    return { rows, bucket: this.bucket, maxVolume: volumes[area.poc] ?? 0, poc: at(area.poc), valueAreaLow: at(area.low), valueAreaHigh: at(area.high), ...(partialSince !== undefined ? { partialSince } : {}) };
  }

  /** A new bar's time: appended (the live case) or put in order. */
  private addTime(time: number): void {
    if (time > (this.times[this.times.length - 1] ?? Number.NEGATIVE_INFINITY)) this.times.push(time);
    else this.times.splice(this.firstAtOrAfter(time), 0, time);
  }

  private firstAtOrAfter(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function mergeCells(held: readonly FootprintCellWire[], changed: readonly FootprintCellWire[]): FootprintCellWire[] {
  const byPrice = new Map<number, FootprintCellWire>();
  for (const c of held) byPrice.set(c[0], c);
  for (const c of changed) byPrice.set(c[0], c);
  return [...byPrice.values()].sort((a, b) => a[0] - b[0]);
}
