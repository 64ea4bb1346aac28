/** Property-based tests of the exchange boundary: valid data passes unchanged, broken data is rejected, nothing throws. */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { checkCandleRow, checkMarket, checkOrderBook, checkTicker, checkTrade, type Checked, type MarketContext } from '../../../src/core/exchange/normalize';
import { EARLIEST_PLAUSIBLE_MS, MAX_CLOCK_SKEW_MS, MAX_PRICE, MAX_PRICE_STEPS, SANE_RANGE_FACTOR } from '../../../src/core/exchange/plausible';
import type { BookLevel, OrderBook } from '../../../src/core/types';
import { fuzz, hostile } from '../../helpers/fuzz';

const NOW = Date.UTC(2025, 5, 1);

/** Markets with or without a tick size and a reference price (a real one: between 1 and 1e9 ticks). */
const contexts: fc.Arbitrary<MarketContext> = fc
  .tuple(fc.option(fc.constantFrom(1e-8, 0.0001, 0.01, 0.5, 1, 100), { nil: undefined }), fc.option(fc.double({ min: 1, max: 1e9, noNaN: true }), { nil: undefined }))
  .map(([tickSize, ticks]) => ({
    now: NOW,
    ...(tickSize !== undefined ? { tickSize } : {}),
    ...(ticks !== undefined ? { referencePrice: Math.min((tickSize ?? 0.01) * ticks, 1e9) } : {}),
  }));

/** The range a valid price of `ctx` lies in. */
function priceRange(ctx: MarketContext): { min: number; max: number } {
  let max = MAX_PRICE;
  let min = Number.MIN_VALUE;
  if (ctx.tickSize !== undefined) max = Math.min(max, ctx.tickSize * MAX_PRICE_STEPS);
  if (ctx.referencePrice !== undefined) {
    max = Math.min(max, ctx.referencePrice * SANE_RANGE_FACTOR);
    min = ctx.referencePrice / SANE_RANGE_FACTOR;
  }
  return { min, max };
}
const validPrice = (ctx: MarketContext) => fc.double({ ...priceRange(ctx), noNaN: true });
const validTime = fc.integer({ min: EARLIEST_PLAUSIBLE_MS, max: NOW });
const validAmount = fc.double({ min: Number.MIN_VALUE, max: 1e9, noNaN: true });
/** Values that are never a valid price of `ctx`. */
function badPrices(ctx: MarketContext): unknown[] {
  const out: unknown[] = [NaN, Infinity, -Infinity, 0, -0, -1, '1', null, undefined, {}, [1], MAX_PRICE * 10];
  if (ctx.tickSize !== undefined) out.push(ctx.tickSize * MAX_PRICE_STEPS * 4);
  if (ctx.referencePrice !== undefined) out.push(ctx.referencePrice * SANE_RANGE_FACTOR * 1.01, ctx.referencePrice / SANE_RANGE_FACTOR / 1.01);
  return out;
}
const badTimes: unknown[] = [0, -1000, -Infinity, Infinity, NaN, null, '2025-01-01', EARLIEST_PLAUSIBLE_MS - 1, NOW + MAX_CLOCK_SKEW_MS + 1000, 1e20];
const badAmounts: unknown[] = [-1, -1e-9, NaN, Infinity, '1', null, 1e19];

const trades = contexts.chain((ctx) =>
  fc.record({ id: fc.string({ minLength: 1, maxLength: 24 }), timestamp: validTime, price: validPrice(ctx), amount: validAmount, side: fc.constantFrom('buy' as const, 'sell' as const) }).map((trade) => ({ ctx, trade })),
);

/** Four valid prices arranged as a consistent bar: low ≤ open, close ≤ high. */
const candles = contexts.chain((ctx) =>
  fc.tuple(validTime, fc.array(validPrice({ now: ctx.now, tickSize: ctx.tickSize }), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.double({ min: 0, max: 1e12, noNaN: true })).map(([time, ps, upBar, volume]) => {
    const [low, a, b, high] = [...ps].sort((x, y) => x - y) as [number, number, number, number];
    return { ctx, row: [time, upBar ? a : b, high, low, upBar ? b : a, volume] as const };
  }),
);

/** Distinct valid prices split into falling bids below rising asks. */
const books = contexts.chain((ctx) =>
  fc
    .tuple(fc.uniqueArray(validPrice(ctx), { maxLength: 40 }), fc.nat(), fc.array(validAmount, { minLength: 40, maxLength: 40 }), fc.option(validTime, { nil: undefined }))
    .map(([prices, cut, amounts, timestamp]) => {
      const sorted = [...prices].sort((x, y) => x - y);
      const at = sorted.length === 0 ? 0 : cut % (sorted.length + 1);
      const bids: BookLevel[] = sorted.slice(0, at).reverse().map((p, i) => [p, amounts[i]!]);
      const asks: BookLevel[] = sorted.slice(at).map((p, i) => [p, amounts[39 - i]!]);
      return { ctx, book: { bids, asks, ...(timestamp !== undefined ? { timestamp } : {}) } };
    }),
);

const tickers = contexts.chain((ctx) =>
  fc.record({ last: validPrice(ctx), quotes: fc.array(validPrice(ctx), { minLength: 2, maxLength: 2 }), percentage: fc.double({ min: -100, max: 1e6, noNaN: true }), timestamp: validTime }).map(({ last, quotes, percentage, timestamp }) => {
    const [bid, ask] = [...quotes].sort((x, y) => x - y) as [number, number];
    return { ctx, raw: { last, bid, ask, percentage, timestamp } };
  }),
);

function rejected(r: Checked<unknown>, input: unknown): void {
  assert.equal(r.ok, false, `accepted ${JSON.stringify(input)}`);
  if (!r.ok) assert.ok(typeof r.issue === 'string' && r.issue.length > 0);
}

/** The invariants an accepted value guarantees (what the engine, the panels and the rules rely on). */
function assertPrice(p: number, ctx: MarketContext, live: boolean): void {
  const { min, max } = priceRange(live ? ctx : { now: ctx.now, tickSize: ctx.tickSize });
  assert.ok(Number.isFinite(p) && p > 0 && p >= min && p <= max, `price ${p}`);
}
function assertTime(t: number): void {
  assert.ok(Number.isInteger(t) && t >= EARLIEST_PLAUSIBLE_MS && t <= NOW + MAX_CLOCK_SKEW_MS, `time ${t}`);
}
function assertBook(book: OrderBook, depth: number, ctx: MarketContext): void {
  assertTime(book.timestamp);
  for (const [side, levels] of [['bids', book.bids], ['asks', book.asks]] as const) {
    assert.ok(levels.length <= depth);
    levels.forEach(([p, a], i) => {
      assertPrice(p, ctx, i === 0);
      assert.ok(Number.isFinite(a) && a > 0);
      if (i > 0) assert.ok(side === 'bids' ? p < levels[i - 1]![0] : p > levels[i - 1]![0], `${side} sorted`);
    });
  }
  if (book.bids[0] && book.asks[0]) assert.ok(book.bids[0][0] < book.asks[0][0], 'uncrossed');
}

describe('exchange normalisation (property-based)', () => {
  it('accepts generated valid trades unchanged', () => {
    fuzz(fc.property(trades, ({ ctx, trade }) => assert.deepEqual(checkTrade(trade, ctx), { ok: true, value: { ...trade } })));
  });

  it('rejects a valid trade with one field broken', () => {
    const mutated = trades.chain(({ ctx, trade }) =>
      fc.oneof(
        fc.constantFrom(...badPrices(ctx)).map((price) => ({ ...trade, price })),
        fc.constantFrom(...badTimes).map((timestamp) => ({ ...trade, timestamp })),
        fc.constantFrom(...badAmounts, 0, -0).map((amount) => ({ ...trade, amount })),
        fc.constantFrom('BUY', 'short', null, 1).map((side) => ({ ...trade, side })),
        fc.constantFrom(null, {}, '', NaN, 'x'.repeat(200)).map((id) => ({ ...trade, id })),
      ).map((raw) => ({ ctx, raw })),
    );
    fuzz(fc.property(mutated, ({ ctx, raw }) => rejected(checkTrade(raw, ctx), raw)));
  });

  it('accepts generated consistent candles unchanged and rejects broken ones', () => {
    fuzz(
      fc.property(candles, ({ ctx, row }) => {
        const [time, open, high, low, close, volume] = row;
        assert.deepEqual(checkCandleRow([...row], ctx), { ok: true, value: { time, open, high, low, close, volume } });
      }),
    );
    const broken = candles.chain(({ ctx, row }) =>
      fc.oneof(
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(...badPrices({ now: ctx.now, tickSize: ctx.tickSize }))).map(([i, v]) => Object.assign([...row], { [i]: v })),
        fc.constantFrom(...badTimes).map((t) => [t, ...row.slice(1)]),
        fc.constantFrom(...badAmounts).map((v) => [...row.slice(0, 5), v]),
        // close above high, low above open, or high below low
        fc.constant([row[0], row[1], row[2], row[3], row[2] * 2 + 1, row[5]]),
        fc.constant([row[0], row[1], row[2], row[1] * 2 + 1, row[4], row[5]]),
        fc.constant(row.slice(0, 5)),
      ).map((raw) => ({ ctx, raw })),
    );
    fuzz(fc.property(broken, ({ ctx, raw }) => rejected(checkCandleRow(raw, ctx), raw)));
  });

  it('accepts generated sorted, uncrossed books unchanged', () => {
    fuzz(
      fc.property(books, ({ ctx, book }) => {
        const r = checkOrderBook(book, 1000, ctx);
        assert.deepEqual(r, { ok: true, value: { timestamp: book.timestamp ?? NOW, bids: book.bids, asks: book.asks } });
      }),
    );
  });

  it('rejects unsorted, crossed and broken books', () => {
    const broken = books
      .filter(({ book }) => book.bids.length + book.asks.length >= 2)
      .chain(({ ctx, book }) => {
        const levels = [...book.bids, ...book.asks];
        const mutations: fc.Arbitrary<{ bids: unknown[]; asks: unknown[] }>[] = [
          // every price on the bid side, best last: unsorted (or crossed against nothing: still out of order)
          fc.constant({ bids: [...levels].sort((x, y) => x[0] - y[0]), asks: [] }),
          fc.constant({ bids: [], asks: [...levels].sort((x, y) => y[0] - x[0]) }),
          // deep levels are held to the tick range only: a level far from the market is real
          fc.tuple(fc.nat(levels.length - 1), fc.constantFrom(...badPrices({ now: ctx.now, tickSize: ctx.tickSize }))).map(([i, p]) => {
            const copy: unknown[][] = levels.map((l) => [...l]);
            copy[i]![0] = p;
            return { bids: copy.slice(0, book.bids.length), asks: copy.slice(book.bids.length) };
          }),
          fc.tuple(fc.nat(levels.length - 1), fc.constantFrom(...badAmounts, 'x')).map(([i, a]) => {
            const copy: unknown[][] = levels.map((l) => [...l]);
            copy[i]![1] = a;
            return { bids: copy.slice(0, book.bids.length), asks: copy.slice(book.bids.length) };
          }),
        ];
        if (ctx.referencePrice !== undefined) {
          const far = ctx.referencePrice * SANE_RANGE_FACTOR * 1.01;
          mutations.push(fc.constant({ bids: [], asks: [[far, 1]] }));
        }
        if (book.bids.length > 0 && book.asks.length > 0) {
          // the best bid at (or above) the best ask
          mutations.push(fc.constant({ bids: [[book.asks[0]![0], 1], ...book.bids.slice(1)], asks: book.asks }));
        }
        return fc.oneof(...mutations).map((raw) => ({ ctx, raw }));
      });
    fuzz(fc.property(broken, ({ ctx, raw }) => rejected(checkOrderBook(raw, 1000, ctx), raw)));
    fuzz(fc.property(books, fc.constantFrom(...badTimes.filter((t) => t !== null)), ({ ctx, book }, timestamp) => rejected(checkOrderBook({ ...book, timestamp }, 1000, ctx), timestamp)));
  });

  it('reads at most depth levels of a book plus the empty ones it skips', () => {
    fuzz(
      fc.property(books, fc.integer({ min: 1, max: 50 }), fc.nat(20), ({ ctx, book }, depth, empties) => {
        let reads = 0;
        const counted = (levels: readonly BookLevel[]) => {
          const withEmpties = [...levels.slice(0, 1), ...Array.from({ length: levels.length ? empties : 0 }, () => [levels[0]![0], 0]), ...levels.slice(1)];
          return new Proxy(withEmpties, { get: (t, k, r) => (typeof k === 'string' && /^\d+$/.test(k) ? (reads++, Reflect.get(t, k, r)) : Reflect.get(t, k, r)) });
        };
        const r = checkOrderBook({ bids: counted(book.bids), asks: counted(book.asks) }, depth, ctx);
        assert.ok(r.ok);
        const bound = (levels: readonly BookLevel[]) => Math.min(levels.length + (levels.length ? empties : 0), depth + (levels.length ? empties : 0));
        assert.ok(reads <= bound(book.bids) + bound(book.asks), `${reads} reads`);
      }),
    );
  });

  it('accepts generated tickers unchanged and rejects crossed or broken ones', () => {
    fuzz(
      fc.property(tickers, ({ ctx, raw }) => {
        assert.deepEqual(checkTicker(raw, ctx), { ok: true, value: { timestamp: raw.timestamp, last: raw.last, bid: raw.bid, ask: raw.ask, change24hPercent: raw.percentage } });
      }),
    );
    const broken = tickers.chain(({ ctx, raw }) =>
      fc.oneof(
        fc.constantFrom(...badPrices(ctx).filter((p) => p !== undefined && p !== null)).map((last) => ({ ...raw, last })),
        fc.constantFrom(...badPrices(ctx).filter((p) => p !== undefined && p !== null && p !== 0)).map((bid) => ({ ...raw, bid })),
        fc.constantFrom(...badTimes.filter((t) => t !== null)).map((timestamp) => ({ ...raw, timestamp })),
        fc.constantFrom(NaN, Infinity, 'x').map((percentage) => ({ ...raw, percentage })),
        fc.constant({ ...raw, bid: raw.ask * 1.5 + 1e-9, ask: raw.ask }),
      ).map((r) => ({ ctx, raw: r })),
    );
    fuzz(fc.property(broken, ({ ctx, raw }) => rejected(checkTicker(raw, ctx), raw)));
  });

  it('never throws on hostile input, and whatever it accepts meets the invariants', () => {
    const shapes = fc.oneof(
      hostile,
      fc.record({ id: hostile, timestamp: hostile, price: hostile, amount: hostile, side: hostile, last: hostile, bid: hostile, ask: hostile, bids: hostile, asks: hostile }, { requiredKeys: [] }),
      fc.array(hostile, { maxLength: 8 }),
      fc.record({ bids: fc.array(fc.array(hostile, { maxLength: 3 }), { maxLength: 6 }), asks: fc.array(fc.array(hostile, { maxLength: 3 }), { maxLength: 6 }), timestamp: hostile }),
    );
    fuzz(
      fc.property(contexts, shapes, (ctx, raw) => {
        const t = checkTrade(raw, ctx);
        if (t.ok) {
          assertPrice(t.value.price, ctx, true);
          assertTime(t.value.timestamp);
        }
        const c = checkCandleRow(raw, ctx);
        if (c.ok) {
          assertTime(c.value.time);
          assert.ok(c.value.low <= Math.min(c.value.open, c.value.close) && c.value.high >= Math.max(c.value.open, c.value.close));
        }
        const b = checkOrderBook(raw, 10, ctx);
        if (b.ok) assertBook(b.value, 10, ctx);
        const k = checkTicker(raw, ctx);
        if (k.ok) {
          assertPrice(k.value.last, ctx, true);
          assertTime(k.value.timestamp);
          if (k.value.bid !== undefined && k.value.ask !== undefined) assert.ok(k.value.bid <= k.value.ask);
        }
        const m = checkMarket(raw, 4);
        if (m.ok) assert.ok(m.value.tickSize === undefined || m.value.tickSize > 0);
      }),
      4 * Number(process.env.FUZZ_RUNS ?? 200),
    );
  });

  it('reads generated markets with their tick size', () => {
    const name = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'ABCDEFGHXYZ0123456789') });
    fuzz(
      fc.property(fc.record({ symbol: name, base: name, quote: name, active: fc.boolean(), precision: fc.record({ price: fc.constantFrom(1e-8, 0.01, 1) }) }), (m) => {
        assert.deepEqual(checkMarket(m, 4), { ok: true, value: { symbol: m.symbol, base: m.base, quote: m.quote, active: m.active, tickSize: m.precision.price } });
      }),
    );
  });
});
