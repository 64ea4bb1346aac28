/** The legs' trades merged into one stream in time order, each priced at the aggregate's price after it (what alert rules read). */
import { bucketStart } from '../timeframes';
import type { Trade } from '../types';
import { comesAfter, compareTradeIds, type LateTies } from '../util/tradeOrder';
import type { AggregatePrice } from './aggregateDefinition';

/** A merged trade's id: its leg's index, then the leg's own id (so ids of different legs never collide). */
export const mergedTradeId = (leg: number, id: string): string => `${leg}:${id}`;

/** The leg of a merged trade, from its id (undefined for an id the merge did not make). */
export function mergedTradeLeg(id: string): number | undefined {
  const colon = id.indexOf(':');
  const leg = colon > 0 ? Number(id.slice(0, colon)) : Number.NaN;
  return Number.isInteger(leg) && leg >= 0 ? leg : undefined;
}

/** What the merge knows of a leg when it releases: no trade of it before `coveredUntil` is still to come; it may hold the others back by at most `maxHoldMs` (0: not at all). */
export interface LegWatermark {
  readonly coveredUntil: number | undefined;
  readonly maxHoldMs: number;
}

/**
 * Each leg's trades wait until every leg has been seen past them (its last trade on a gap-free stream), but a leg
 * holds the others back by at most its `maxHoldMs` of market time (behind the newest trade of any leg): a quiet or
 * reconnecting leg delays the aggregate by that much, never stops it. Released trades are in time order. Within a
 * millisecond: one leg's in its exchange's order, as its bars take them (LegBar: by id where the ids are sequence
 * numbers, else a call's own in the order given, and late ones placed among earlier calls' by their LateTies), so
 * the price after them is its bar's close; across legs, in leg order, as the bars sum them (trades of different
 * exchanges in one millisecond have no order to be had). Each with its amount in base units and the aggregate's
 * price: its chosen leg's last trade, or the legs' last prices in the minute in progress weighted by their volume in
 * it (the 1m bar's close). A trade that arrives older than one already released (a leg later than its hold, a
 * reconnect's hole filled from REST) is late: it is not merged (the stream has moved past its time, and holding it
 * back for such trades would delay every alert) but kept for takeLate(), once, in its leg's order, at its leg's own
 * price (the aggregate's price at a time already passed cannot be rebuilt: the trade would have changed it), and
 * counted in `late`. With a chosen price leg, trades before that leg's first are left out (no price yet).
 */
export class TradeMerge {
  /** Per leg, its waiting trades with their amounts in base units and the ties each came with (LegBar keeps its open's and close's). */
  private readonly queues: Array<{ trades: Trade[]; base: number[]; ties: Array<LateTies | undefined>; head: number }>;
  private released = Number.NEGATIVE_INFINITY;
  private newest = Number.NEGATIVE_INFINITY;
  private pendingCount = 0;
  /** Trades that arrived after their time was released (all of them, taken or not). */
  late = 0;
  /** The late trades not yet taken (takeLate), in the order they came. */
  private lateOut: Trade[] = [];
  // The aggregate's price: each leg's volume and last price in the minute in progress.
  private minute = Number.NaN;
  private readonly volume: Float64Array;
  private readonly last: Float64Array;
  private readonly traded: Uint8Array;
  private legPrice: number | undefined;

  /** `ownPrices`: each released trade keeps its own leg's price (a tape of the legs' prints) instead of the aggregate's. */
  constructor(
    legs: number,
    private readonly price: AggregatePrice,
    private readonly ownPrices = false,
  ) {
    this.queues = Array.from({ length: legs }, () => ({ trades: [], base: [], ties: [], head: 0 }));
    this.volume = new Float64Array(legs);
    this.last = new Float64Array(legs);
    this.traded = new Uint8Array(legs);
  }

  /** Trades waiting for a slower leg. */
  get pending(): number {
    return this.pendingCount;
  }

  /**
   * A leg's trades in its order, `base[i]` the amount of `trades[i]` in base units. `late`: they are older than some
   * given before (a fill's), placed among those waiting as LegBar places them; live trades are appended at once.
   */
  add(leg: number, trades: readonly Trade[], base: readonly number[], late?: LateTies): void {
    const q = this.queues[leg];
    if (!q) return;
    // A call's trades are in time order, but one millisecond's may not be in id order (a reconnect's resent ones):
    // put in the exchange's order first, each then goes after the one before it, compared only with those waiting.
    const order = exchangeOrder(trades);
    let floor = q.head;
    for (let k = 0; k < trades.length; k++) {
      const i = order ? (order[k] as number) : k;
      const t = trades[i] as Trade;
      if (t.timestamp < this.released) {
        this.late++;
        this.lateOut.push({ id: mergedTradeId(leg, t.id), timestamp: t.timestamp, price: t.price, amount: base[i] as number, side: t.side });
        continue;
      }
      let at = q.trades.length;
      while (at > floor && comesBefore(t, late, q.trades[at - 1] as Trade, q.ties[at - 1])) at--;
      if (at === q.trades.length) {
        q.trades.push(t);
        q.base.push(base[i] as number);
        q.ties.push(late);
      } else {
        q.trades.splice(at, 0, t);
        q.base.splice(at, 0, base[i] as number);
        q.ties.splice(at, 0, late);
      }
      floor = at + 1;
      this.pendingCount++;
      if (t.timestamp > this.newest) this.newest = t.timestamp;
    }
  }

  /**
   * The trades every leg has been seen past (or its hold behind the newest), in time order. Only those before that
   * time: a leg seen at t may still send more trades at t, which come before the next leg's at t.
   */
  release(legs: readonly LegWatermark[]): Trade[] {
    let until = Number.POSITIVE_INFINITY;
    for (const l of legs) until = Math.min(until, Math.max(l.coveredUntil ?? Number.NEGATIVE_INFINITY, this.newest - l.maxHoldMs));
    return this.drain(Math.min(until, this.newest + 1));
  }

  /**
   * The late trades since the last call, each once: a call's in its leg's exchange order, calls in the order they
   * came (so one leg's are in time order; different legs' are not ordered between them).
   */
  takeLate(): readonly Trade[] {
    if (this.lateOut.length === 0) return NONE;
    const out = this.lateOut;
    this.lateOut = [];
    return out;
  }

  /** Everything waiting (every leg quiet). */
  releaseAll(): Trade[] {
    return this.drain(this.newest + 1);
  }

  /** Releases the trades before `until`. */
  private drain(until: number): Trade[] {
    const out: Trade[] = [];
    const queues = this.queues;
    for (;;) {
      let pick = -1;
      let time = Number.POSITIVE_INFINITY;
      for (let l = 0; l < queues.length; l++) {
        const q = queues[l] as (typeof queues)[number];
        const t = q.trades[q.head];
        if (t !== undefined && t.timestamp < time) {
          time = t.timestamp;
          pick = l;
        }
      }
      if (pick < 0 || time >= until) break;
      const q = queues[pick] as (typeof queues)[number];
      const t = q.trades[q.head] as Trade;
      const base = q.base[q.head] as number;
      q.ties[q.head] = undefined; // released: never compared again, its fill's listing need not be kept
      q.head++;
      this.pendingCount--;
      this.released = t.timestamp;
      const price = this.ownPrices ? t.price : this.priceAfter(pick, t, base);
      if (price !== undefined) out.push({ id: mergedTradeId(pick, t.id), timestamp: t.timestamp, price, amount: base, side: t.side });
    }
    for (const q of queues) {
      if (q.head > 1024 && q.head * 2 > q.trades.length) {
        q.trades.splice(0, q.head);
        q.base.splice(0, q.head);
        q.ties.splice(0, q.head);
        q.head = 0;
      }
    }
    return out;
  }

  private priceAfter(leg: number, t: Trade, base: number): number | undefined {
    const minute = bucketStart('1m', t.timestamp);
    if (minute !== this.minute) {
      this.minute = minute;
      this.volume.fill(0);
      this.traded.fill(0);
    }
    this.volume[leg] = (this.volume[leg] as number) + base;
    this.last[leg] = t.price;
    this.traded[leg] = 1;
    if (this.price.kind === 'leg') {
      if (leg === this.price.leg) this.legPrice = t.price;
      return this.legPrice;
    }
    // As AggregateSeries weighs a bar's close, so the price equals the 1m bar's close after this trade.
    let weight = 0;
    let n = 0;
    for (let l = 0; l < this.traded.length; l++) {
      if (this.traded[l] !== 1) continue;
      weight += this.volume[l] as number;
      n++;
    }
    let close = 0;
    for (let l = 0; l < this.traded.length; l++) if (this.traded[l] === 1) close += (this.last[l] as number) * (weight > 0 ? (this.volume[l] as number) / weight : 1 / n);
    return close;
  }
}

/**
 * Whether `t` (given with `late`) came before the waiting trade `held` of the same leg, given in an earlier call with
 * `heldLate`: as LegBar places it (the same ties keep the order given).
 */
function comesBefore(t: Trade, late: LateTies | undefined, held: Trade, heldLate: LateTies | undefined): boolean {
  return t.timestamp < held.timestamp || (t.timestamp === held.timestamp && !comesAfter(t.id, held.id, t.timestamp, late, heldLate));
}

/**
 * The indices of a call's trades in the exchange's order (by time, one millisecond's by id where the ids are sequence
 * numbers, else as given); undefined when they already are, as live trades are.
 */
function exchangeOrder(trades: readonly Trade[]): number[] | undefined {
  let sorted = true;
  for (let i = 1; i < trades.length && sorted; i++) sorted = compare(trades[i - 1] as Trade, trades[i] as Trade) <= 0;
  return sorted ? undefined : trades.map((_, i) => i).sort((a, b) => compare(trades[a] as Trade, trades[b] as Trade));
}

const NONE: readonly Trade[] = [];

const compare = (a: Trade, b: Trade): number => a.timestamp - b.timestamp || (compareTradeIds(a.id, b.id) ?? 0);
