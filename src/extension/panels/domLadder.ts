import { groupLevels } from '../../core/orderbook/groupLevels';
import type { OrderBook, Trade } from '../../core/types';
import type { DomRowWire } from '../../webviews/protocol';

/**
 * The DOM's model: resting size per grouped price from the book, traded volume per tick price from the trades,
 * laid out as a continuous ladder centred on the last trade. Pure; no vscode import.
 */
export class DomLadder {
  private readonly tradedByTick = new Map<number, number>();
  lastPrice: number | null = null;

  constructor(readonly tickSize: number) {}

  addTrades(trades: readonly Trade[]): void {
    for (const t of trades) {
      const tick = Math.round(t.price / this.tickSize);
      this.tradedByTick.set(tick, (this.tradedByTick.get(tick) ?? 0) + t.amount);
      this.lastPrice = t.price;
    }
    if (this.tradedByTick.size > 20_000) this.forgetFarFrom(this.lastPrice);
  }

  rows(book: OrderBook | undefined, multiple: number, maxRows: number): DomRowWire[] {
    const grouped = groupLevels(book?.bids ?? [], book?.asks ?? [], this.tickSize, multiple);
    const step = this.tickSize * multiple;
    const centreSource = this.lastPrice ?? midOf(book);
    if (centreSource === null) return [];
    const centre = Math.round(centreSource / step);
    const half = Math.floor(maxRows / 2);
    const byBucket = new Map(grouped.map((r) => [Math.round(r.price / step), r]));
    const traded = new Map<number, number>();
    for (const [tick, vol] of this.tradedByTick) {
      const bucket = Math.floor(tick / multiple);
      traded.set(bucket, (traded.get(bucket) ?? 0) + vol);
    }
    const decimals = decimalsOf(this.tickSize);
    const out: DomRowWire[] = [];
    for (let b = centre + half; b > centre + half - maxRows; b--) {
      const r = byBucket.get(b);
      out.push({ price: Number((b * multiple * this.tickSize).toFixed(decimals)), bid: r?.bid ?? 0, ask: r?.ask ?? 0, traded: traded.get(b) ?? 0 });
    }
    return out;
  }

  private forgetFarFrom(price: number | null): void {
    if (price === null) return;
    const centre = Math.round(price / this.tickSize);
    for (const tick of this.tradedByTick.keys()) if (Math.abs(tick - centre) > 5000) this.tradedByTick.delete(tick);
  }
}

function midOf(book: OrderBook | undefined): number | null {
  const bid = book?.bids[0]?.[0];
  const ask = book?.asks[0]?.[0];
  return bid !== undefined && ask !== undefined ? (bid + ask) / 2 : (bid ?? ask ?? null);
}

function decimalsOf(x: number): number {
  const s = x.toString();
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  return s.includes('.') ? s.split('.')[1]!.length : 0;
}

/**
 * A grouping that makes the ladder useful before the user picks one: the smallest of `multiples` whose step is at
 * least the typical gap between the book's top levels (so every row near the price carries size).
 */
export function suggestMultiple(book: OrderBook | undefined, tickSize: number, multiples: readonly number[]): number {
  const prices = [...(book?.bids.slice(0, 10) ?? []), ...(book?.asks.slice(0, 10) ?? [])].map((l) => l[0]).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < prices.length; i++) gaps.push(prices[i]! - prices[i - 1]!);
  if (gaps.length === 0) return multiples[0] ?? 1;
  gaps.sort((a, b) => a - b);
  const typicalTicks = gaps[Math.floor(gaps.length / 2)]! / tickSize;
  return multiples.find((m) => m >= typicalTicks - 1e-9) ?? multiples[multiples.length - 1] ?? 1;
}
