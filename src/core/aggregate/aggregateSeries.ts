/** The bars of one aggregated market at one timeframe, built from its legs' trades; partial where a leg may lack trades. */
import { baseAmount, type ContractSpec } from '../exchange/contractSpec';
import { bucketStart, nextBucketStart, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import type { AggregatePrice } from './aggregateDefinition';
import type { AggregateBar, AggregateBarDelta, Flow } from './aggregateBar';
import type { LateTies } from '../util/tradeOrder';
import { LegBar } from './legBar';

export type Segment = 'spot' | 'perp';

/** Where a leg's trades are known to be complete, as the series needs it to mark bars partial and to close them. */
export interface LegCoverage {
  /**
   * Time ranges (from, until) whose trades may be missing; `until` undefined: still open (the socket is down);
   * `settled`: no fill is coming (the exchange cannot give them), so its bars may close, partial.
   */
  readonly holes: ReadonlyArray<{ readonly from: number; readonly until: number | undefined; readonly settled: boolean }>;
  /** No trade of this leg before this time is still to come (the last trade seen on a gap-free stream). */
  readonly coveredUntil: number | undefined;
}

interface Slot {
  readonly time: number;
  readonly end: number;
  readonly legs: Array<LegBar | undefined>;
  closed: boolean;
  dirty: boolean;
  partial: boolean;
  /** While partial: the earliest start of a hole over it, when inside it (see AggregateBar.partialSince). */
  partialSince?: number;
  close: number | undefined;
  /** Seeded from the legs' klines. */
  history?: true;
}

/** One leg's klines for a seed, amounts already in base units; undefined: the leg has none (its history could not be loaded). */
export type LegKlines = ReadonlyArray<{ readonly time: number; readonly open: number; readonly high: number; readonly low: number; readonly close: number; readonly base: number }> | undefined;

/**
 * A leg's klines in [from, until) as a seed takes them: volumes in base units (the client gives a contract market's
 * kline volume in contracts, as its trades: klineVolumeInTradeUnits).
 */
export function legKlinesOf(leg: { readonly contract: ContractSpec }, candles: readonly Candle[], from: number, until: number): NonNullable<LegKlines> {
  return candles.filter((c) => c.time >= from && c.time < until).map((c) => ({ time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, base: baseAmount(leg.contract, c.volume, c.close) }));
}

const ZERO: Flow = { trades: 0, volume: 0, buyVolume: 0, sellVolume: 0 };

const sameFlow = (a: Flow, b: Flow): boolean => a.trades === b.trades && a.volume === b.volume && a.buyVolume === b.buyVolume && a.sellVolume === b.sellVolume;

/** Whether two renderings of a bar hold the same prices and flows (every sum is of the legs'); `partial` aside. */
function sameValues(a: AggregateBar, b: AggregateBar): boolean {
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.legs.length === b.legs.length && a.legs.every((l, i) => sameFlow(l, b.legs[i] as Flow));
}

/**
 * Bars from `since`'s bucket on, contiguous (a bucket without trades is flat at the previous close). A trade costs
 * O(1) (found from the newest bar backwards: live trades hit the newest); `flush` emits each bar that changed once.
 * Sums are taken per leg in the leg's trade order, then across legs in leg order, so a bar equals the same sums over
 * the legs' own trade logs exactly. A bar is closed once no leg can add to it: every leg has seen a trade at or after
 * its end and none has a hole in it still to be filled (a settled hole leaves it closed but partial); closed bars
 * never change.
 */
export class AggregateSeries {
  private readonly slots: Slot[] = [];
  /** Index of the oldest bar not closed. */
  private firstOpen = 0;
  /** Per leg, the oldest seeded bucket its klines may lack trades of until confirmSeed (see seed); undefined: none. */
  private unconfirmed: ReadonlyArray<number | undefined> | undefined;
  /** Seeded bars confirmSeed changed, sent with the next flush. */
  private revised: AggregateBarDelta[] = [];

  constructor(
    readonly timeframe: Timeframe,
    private readonly segments: readonly Segment[],
    private readonly price: AggregatePrice,
    private readonly since: number,
    private readonly maxBars = 5000,
  ) {}

  /** `late`: see LegBar.add. */
  add(leg: number, trade: Trade, base: number, late?: LateTies): void {
    const ts = trade.timestamp;
    if (ts < this.since) return;
    const newest = this.slots[this.slots.length - 1];
    // Live trades land in the newest bar: no bucket arithmetic for them.
    const slot = newest !== undefined && ts >= newest.time && ts < newest.end ? newest : this.slotFor(bucketStart(this.timeframe, ts));
    if (!slot || slot.closed) return;
    (slot.legs[leg] ??= new LegBar()).add(trade, base, late);
    slot.dirty = true;
  }

  /**
   * The closed bars from `from`'s bucket to `since`, from each leg's klines (in leg order), merged as live bars are
   * (the same weighting, sums and spot/perp split; no taker flow): a bucket where a leg has no kline is partial.
   * Before any live bar is flushed; bars already held are left alone.
   *
   * `unconfirmed` (per leg, or for all): the klines were fetched as `since` came, read from our clock, which may be
   * ahead of an exchange's: its klines were then fetched before it reached `since`, and the trades it made after them
   * and before `since` would be in neither the klines nor the live bars. So from each such leg's newest kline on (the
   * bucket that may have been in progress; every bucket for a leg with none), the seed is partial and no live bar
   * closes until confirmSeed gives those klines again, fetched once the leg has traded past `since` (seedEdge).
   */
  seed(from: number, legs: readonly LegKlines[], unconfirmed: boolean | readonly boolean[] = false): void {
    if (this.slots.some((s) => s.time < this.since)) return;
    const start = bucketStart(this.timeframe, from);
    const doubt = (leg: number): boolean => (typeof unconfirmed === 'boolean' ? unconfirmed : unconfirmed[leg] === true);
    const edges = legs.map((l, i) => (l === undefined || !doubt(i) ? undefined : l.reduce((newest, k) => Math.max(newest, k.time), start)));
    const byTime = legs.map((l) => new Map((l ?? []).map((k) => [k.time, k])));
    const seeded: Slot[] = [];
    for (let t = start; t < this.since; t = nextBucketStart(this.timeframe, t)) {
      const klines = byTime.map((m) => m.get(t));
      seeded.push({
        time: t,
        end: nextBucketStart(this.timeframe, t),
        legs: klines.map((k) => (k ? LegBar.ofCandle(k, k.base) : undefined)),
        closed: true,
        dirty: false,
        partial: klines.some((k) => k === undefined) || edges.some((e) => e !== undefined && t >= e),
        close: undefined,
        history: true,
      });
    }
    if (seeded.length > 0 && edges.some((e) => e !== undefined)) this.unconfirmed = edges;
    let prev: number | undefined;
    for (const s of seeded) s.close = prev = this.render(s, prev)?.close ?? prev;
    this.slots.unshift(...seeded);
    this.firstOpen += seeded.length;
    this.trim();
  }

  /** Where leg `leg`'s klines are to be fetched again (up to `since`) for confirmSeed; undefined: nothing to confirm. */
  seedEdge(leg: number): number | undefined {
    return this.unconfirmed?.[leg];
  }

  /**
   * Each leg's klines from its seedEdge to `since`, fetched once it has traded past `since` (undefined: they could
   * not be had, and its bars from there stay partial), in leg order; legs without an edge are not read. With the
   * next flush, a bar whose values they change goes out `revised`; one they only make whole (the same values, no
   * longer partial) `closed`, as a partial bar that becomes final is; one they leave as it was, not at all. Live bars
   * may close again.
   */
  confirmSeed(legs: readonly LegKlines[]): void {
    const edges = this.unconfirmed;
    if (!edges) return;
    this.unconfirmed = undefined;
    const byTime = legs.map((l) => new Map((l ?? []).map((k) => [k.time, k])));
    let prev: number | undefined;
    let prevBefore: number | undefined;
    // No bar closed while unconfirmed: every bar before firstOpen is seeded.
    for (let i = 0; i < this.firstOpen; i++) {
      const s = this.slots[i] as Slot;
      const before = s.close;
      const was = this.render(s, prevBefore);
      prevBefore = before ?? prevBefore;
      let failed = false;
      edges.forEach((edge, leg) => {
        if (edge === undefined || s.time < edge) return;
        const got = legs[leg];
        if (got === undefined) failed = true;
        else {
          const k = byTime[leg]?.get(s.time);
          s.legs[leg] = k ? LegBar.ofCandle(k, k.base) : undefined;
        }
      });
      s.partial = failed || s.legs.some((l) => l === undefined);
      const bar = this.render(s, prev);
      s.close = prev = bar?.close ?? prev;
      if (!bar) continue;
      if (!was || !sameValues(was, bar)) this.revised.push({ kind: 'revised', bar });
      else if (was.partial && !bar.partial) this.revised.push({ kind: 'closed', bar });
    }
    // A first live bar without trades is flat at the seed's close.
    const first = this.slots[this.firstOpen];
    if (first) first.dirty = true;
  }

  /** Every bar held, oldest first (leading bars before any trade left out). */
  bars(): AggregateBar[] {
    const out: AggregateBar[] = [];
    let prev: number | undefined;
    for (const s of this.slots) {
      const bar = this.render(s, prev);
      if (bar) out.push(bar);
      prev = bar?.close ?? prev;
    }
    return out;
  }

  /** Re-marks partial bars and closes those no leg can change, then returns one delta per bar that changed. */
  flush(coverage: readonly LegCoverage[]): AggregateBarDelta[] {
    const deltas: AggregateBarDelta[] = this.revised;
    this.revised = [];
    let prev = this.firstOpen > 0 ? this.slots[this.firstOpen - 1]?.close : undefined;
    let chained = false;
    // A flat bar's price follows the seed's last close, which confirmSeed may change.
    let closing = this.unconfirmed === undefined;
    for (let i = this.firstOpen; i < this.slots.length; i++) {
      const s = this.slots[i] as Slot;
      // A hole's last millisecond is in it (its trades there may be missing), so one ending on a bar's first counts.
      const overlaps = (h: LegCoverage['holes'][number]) => h.from < s.end && (h.until === undefined || h.until >= s.time);
      let earliest = Number.POSITIVE_INFINITY;
      let pending = false;
      for (const c of coverage)
        for (const h of c.holes) {
          if (!overlaps(h)) continue;
          if (h.from < earliest) earliest = h.from;
          if (!h.settled) pending = true;
        }
      const partial = earliest !== Number.POSITIVE_INFINITY;
      const since = earliest > s.time && partial ? earliest : undefined;
      const closes: boolean = closing && !pending && coverage.every((c) => c.coveredUntil !== undefined && c.coveredUntil >= s.end);
      closing = closes;
      const changed: boolean = s.dirty || chained || partial !== s.partial || since !== s.partialSince;
      s.partial = partial;
      if (since === undefined) delete s.partialSince;
      else s.partialSince = since;
      s.dirty = false;
      const before = s.close;
      const bar: AggregateBar | undefined = changed || closes ? this.render(s, prev) : undefined;
      if (bar) {
        s.close = bar.close;
        chained = bar.close !== before; // an empty bar after it is flat at this close
        if (closes) {
          s.closed = true;
          this.firstOpen = i + 1;
          deltas.push({ kind: 'closed', bar });
        } else if (changed) deltas.push({ kind: 'updated', bar });
      } else {
        chained = false;
        // No trade has priced it (nor a bar before it): nothing to send, but it closes with the bars after it, or a
        // late trade for it (older than trades those closed on) would be held and never sent.
        if (closes) {
          s.closed = true;
          this.firstOpen = i + 1;
        }
      }
      prev = s.close ?? prev;
    }
    this.trim();
    return deltas;
  }

  private slotFor(time: number): Slot | undefined {
    const first = this.slots[0];
    if (first === undefined || time > (this.slots[this.slots.length - 1] as Slot).time) {
      let next = first === undefined ? bucketStart(this.timeframe, this.since) : nextBucketStart(this.timeframe, (this.slots[this.slots.length - 1] as Slot).time);
      while (next <= time) {
        const end = nextBucketStart(this.timeframe, next);
        this.slots.push({ time: next, end, legs: this.segments.map(() => undefined), closed: false, dirty: true, partial: false, close: undefined });
        next = end;
      }
      return this.slots[this.slots.length - 1];
    }
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const s = this.slots[i] as Slot;
      if (s.time === time) return s;
      if (s.time < time) return undefined;
    }
    return undefined; // before the bars held (trimmed)
  }

  /** The bar of a slot, or undefined while no trade gave it (or a bar before it) a price. */
  private render(s: Slot, prevClose: number | undefined): AggregateBar | undefined {
    const legs = s.legs.map((l) => (l ? { trades: l.trades, volume: l.volume, buyVolume: l.buyVolume, sellVolume: l.sellVolume } : ZERO));
    const sum = (pick: (i: number) => boolean): Flow => {
      let trades = 0;
      let volume = 0;
      let buyVolume = 0;
      let sellVolume = 0;
      legs.forEach((f, i) => {
        if (!pick(i)) return;
        trades += f.trades;
        volume += f.volume;
        buyVolume += f.buyVolume;
        sellVolume += f.sellVolume;
      });
      return { trades, volume, buyVolume, sellVolume };
    };
    const ohlc = this.ohlc(s, prevClose);
    if (!ohlc) return undefined;
    return {
      time: s.time,
      ...ohlc,
      ...sum(() => true),
      spot: sum((i) => this.segments[i] === 'spot'),
      perp: sum((i) => this.segments[i] === 'perp'),
      legs,
      ...(s.partial ? { partial: true as const, ...(s.partialSince !== undefined ? { partialSince: s.partialSince } : {}) } : {}),
      ...(s.history ? { history: true as const } : {}),
    };
  }

  private ohlc(s: Slot, prevClose: number | undefined): { open: number; high: number; low: number; close: number } | undefined {
    // A kline (history) has volume but no trade count.
    const traded = (l: LegBar | undefined): l is LegBar => l !== undefined && (l.trades > 0 || l.volume > 0);
    const flat = prevClose === undefined ? undefined : { open: prevClose, high: prevClose, low: prevClose, close: prevClose };
    if (this.price.kind === 'leg') {
      const l = s.legs[this.price.leg];
      return traded(l) ? { open: l.open, high: l.high, low: l.low, close: l.close } : flat;
    }
    const legs = s.legs.filter(traded);
    if (legs.length === 0) return flat;
    let weight = 0;
    for (const l of legs) weight += l.volume;
    // Trades of zero size only: every leg weighs the same.
    const w = (l: LegBar) => (weight > 0 ? l.volume / weight : 1 / legs.length);
    let open = 0;
    let high = 0;
    let low = 0;
    let close = 0;
    for (const l of legs) {
      open += l.open * w(l);
      high += l.high * w(l);
      low += l.low * w(l);
      close += l.close * w(l);
    }
    return { open, high: Math.max(high, open, close), low: Math.min(low, open, close), close };
  }

  private trim(): void {
    const excess = Math.min(this.slots.length - this.maxBars, this.firstOpen - 1);
    if (excess <= 0) return;
    this.slots.splice(0, excess);
    this.firstOpen -= excess;
  }
}
