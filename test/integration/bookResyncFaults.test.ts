/**
 * Order books under random faults, real ccxt against each exchange's emulator (only its URLs overridden), through
 * the hub as a book panel takes them. Seeded: each run draws bursts of faults — a lost book message ('book-gap':
 * Binance's U jumps, Coinbase's sequence_num skips, Bybit's u skips), a crossed level, a dropped socket, on Bybit a
 * fresh snapshot mid-stream, on Binance a failed REST depth snapshot or a drop while it is on its way — at random book
 * steps. Throughout, every book delivered is uncrossed and equals the emulator's book at some update id (top
 * COMPARED levels), never an older one than the book delivered before it; after each burst a book newer than the
 * burst is delivered (the stream caught up instead of freezing or holding a wrong book).
 *
 * BOOK_FAULT_SEEDS=n runs n seeds per exchange (default 2; 1 for orderbook.1); BOOK_FAULT_SEED=s runs that one.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import ccxt from 'ccxt';
import { resyncBybitBooksOnGaps } from '../../src/core/exchange/bybitBookGaps';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { checkOrderBook } from '../../src/core/exchange/normalize';
import type { OrderBook } from '../../src/core/types';
import { mulberry32 } from '../../src/emulator/prng';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { THREE_MARKETS } from '../helpers/threeExchanges';

/** Levels per side compared with the emulator's book (Bybit's `orderbook.50` holds 50). */
const COMPARED = 50;
const BURSTS = 3;

type Fault = 'book-gap' | 'crossed-level' | 'drop' | 'book-snapshot' | 'rest-depth-fails' | 'drop-during-snapshot';
const FAULTS: Record<ExchangeId, readonly Fault[]> = {
  binance: ['book-gap', 'crossed-level', 'drop', 'rest-depth-fails', 'drop-during-snapshot'],
  coinbase: ['book-gap', 'crossed-level', 'drop'],
  bybit: ['book-gap', 'crossed-level', 'drop', 'book-snapshot'],
};

const seeds = (): number[] => {
  if (process.env.BOOK_FAULT_SEED !== undefined) return [Number(process.env.BOOK_FAULT_SEED)];
  return Array.from({ length: Number(process.env.BOOK_FAULT_SEEDS ?? 2) }, (_, i) => i + 1);
};

const keyOf = (bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): string =>
  JSON.stringify([bids.slice(0, COMPARED), asks.slice(0, COMPARED)]);

/** The emulator's book (top COMPARED levels) at every update id it published, by content. */
class BookTruth {
  private readonly ids = new Map<string, number>();
  private readonly listener = (symbol: string, updateId: number): void => {
    if (symbol === this.symbol) this.record(updateId);
  };

  constructor(
    private readonly emu: ExchangeEmulator<ExchangeId>,
    private readonly symbol: string,
  ) {
    this.record(emu.orderBook(symbol, 1).lastUpdateId);
    emu.on('book', this.listener);
  }

  /** The update id whose book the delivered one equals; undefined when none does. */
  idOf(book: OrderBook): number | undefined {
    return this.ids.get(keyOf(book.bids, book.asks));
  }

  latest(): number {
    return this.emu.orderBook(this.symbol, 1).lastUpdateId;
  }

  /** Where the delivered book differs from the emulator's now: for the failure message. */
  describeDifference(book: OrderBook): string {
    const truth = this.emu.orderBook(this.symbol, COMPARED);
    for (const side of ['bids', 'asks'] as const) {
      for (let i = 0; i < COMPARED; i++) {
        const got = book[side][i];
        const want = truth[side][i];
        if (JSON.stringify(got) !== JSON.stringify(want)) return `${side}[${i}]: delivered ${JSON.stringify(got)}, the emulator's now ${JSON.stringify(want)} (update id ${truth.lastUpdateId})`;
      }
    }
    return 'the same as the emulator now';
  }

  dispose(): void {
    this.emu.off('book', this.listener);
  }

  private record(updateId: number): void {
    const book = this.emu.orderBook(this.symbol, COMPARED);
    this.ids.set(keyOf(book.bids, book.asks), updateId);
  }
}

describe('order book: resync under random faults (seeded; real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    for (const seed of seeds()) {
      it(`${m.exchange} seed ${seed}: every book delivered is the exchange's at some update id, uncrossed and never older than the last; each burst of faults settles on a newer one`, async () => {
        const random = mulberry32(seed);
        const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
        rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 5, seed });
        const emu = rig.emulator;
        const truth = new BookTruth(emu, m.symbol);
        const request = { kind: 'orderbook', exchange: m.exchange, symbol: m.symbol } as const;
        const rec = new Recorder<typeof request>();
        const problems: string[] = [];
        let lastId = 0;
        let lastDelivered = 0;
        const sub = rig.hub.subscribe(request, (e) => {
          if (e.type === 'orderbook') {
            const { book } = e;
            const bid = book.bids[0]?.[0];
            const ask = book.asks[0]?.[0];
            if (bid !== undefined && ask !== undefined && bid >= ask) problems.push(`a crossed book was delivered: ${bid} ≥ ${ask}`);
            const id = truth.idOf(book);
            if (id === undefined) problems.push(`a book the exchange never held was delivered: ${truth.describeDifference(book)}`);
            else if (id < lastId) problems.push(`a book older (update id ${id}) than the one before it (${lastId}) was delivered`);
            else lastId = id;
            lastDelivered = id ?? lastDelivered;
          }
          rec.consume(e);
        });
        const steps = (n: number): Promise<void> =>
          new Promise((resolve) => {
            let left = n;
            const onBook = (symbol: string): void => {
              if (symbol !== m.symbol || --left > 0) return;
              emu.off('book', onBook);
              resolve();
            };
            emu.on('book', onBook);
          });
        const done: string[] = [];
        try {
          await rec.next((e) => e.type === 'orderbook', 'a first book', 30_000);
          for (let burst = 0; burst < BURSTS; burst++) {
            await steps(1 + Math.floor(random() * 10));
            const faults = Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(FAULTS[m.exchange]));
            for (const fault of faults) {
              await inject(emu, m.symbol, fault, random);
              done.push(fault);
              await steps(1 + Math.floor(random() * 5));
            }
            const since = truth.latest();
            await rec.upcoming(() => lastDelivered >= since, `a book at or after update id ${since} after ${faults.join(' + ')} (faults so far: ${done.join(', ')}; problems: ${problems.join(' | ') || 'none'})`, 30_000);
            emu.clearFaults();
            assert.deepEqual(problems, [], `seed ${seed}, after ${done.join(', ')}`);
          }
        } finally {
          sub.dispose();
          truth.dispose();
        }
        assert.deepEqual(problems, [], `seed ${seed}, faults ${done.join(', ')}`);
      });
    }
  }
});

/**
 * Bybit's `orderbook.1` sends snapshots only; the engine watches `orderbook.50`, so this drives real ccxt on depth 1
 * directly, with TradeSuite's gap hook and book check: a crossed snapshot is refused and the next snapshot mends it;
 * a lost snapshot is no gap (the next one replaces the book whole); a drop reconnects.
 */
describe("order book: Bybit's orderbook.1 under random faults (seeded; real ccxt with TradeSuite's hook and check)", function () {
  this.timeout(60_000);
  const symbol = 'BTC/USDT:USDT';
  const FAULTS_1: readonly Fault[] = ['crossed-level', 'book-gap', 'book-snapshot', 'drop'];
  let emu: ExchangeEmulator<'bybit'> | undefined;
  let exchange: { watchOrderBook(symbol: string, limit?: number): Promise<unknown>; close(): Promise<unknown> } | undefined;
  afterEach(async () => {
    await exchange?.close();
    await emu?.close();
    exchange = undefined;
    emu = undefined;
  });

  // One seed unless more are asked for: the engine's own path (orderbook.50) is the one above.
  const seedsHere = process.env.BOOK_FAULT_SEEDS === undefined && process.env.BOOK_FAULT_SEED === undefined ? [1] : seeds();
  for (const seed of seedsHere) {
    it(`seed ${seed}: every book ccxt gives is the exchange's top level or refused as crossed, and each fault settles on a newer one`, async () => {
      const random = mulberry32(seed);
      const bybit = await ExchangeEmulator.start({ exchange: 'bybit', seed, tradesPerSecond: 5 });
      emu = bybit;
      const { urls, options } = bybit.ccxtConfig();
      const ex = new ccxt.pro.bybit({ urls, options: { ...options, ws: { backoff: { base: 50 } } }, httpAgent: new http.Agent() });
      exchange = ex;
      resyncBybitBooksOnGaps(ex as unknown as ProExchange);
      await ex.loadMarkets();
      const truth = new Map<string, number>();
      const record = (s: string, id: number): void => {
        if (s !== symbol) return;
        const book = bybit.orderBook(symbol, 1);
        truth.set(JSON.stringify([book.bids, book.asks]), id);
      };
      record(symbol, bybit.orderBook(symbol, 1).lastUpdateId);
      bybit.on('book', record);
      const problems: string[] = [];
      let refusedCrossed = 0;
      let lastId = 0;
      let running = true;
      const reader = (async () => {
        while (running) {
          let raw: unknown;
          try {
            raw = await ex.watchOrderBook(symbol, 1);
          } catch {
            continue; // a drop: ccxt reconnects on the next watch
          }
          const checked = checkOrderBook(raw, 1, { now: Date.now() });
          if (!checked.ok) {
            if (/crossed/.test(checked.issue)) refusedCrossed += 1;
            else problems.push(`refused: ${checked.issue}`);
            continue;
          }
          const id = truth.get(JSON.stringify([checked.value.bids, checked.value.asks]));
          if (id === undefined) problems.push(`a top level the exchange never held: ${JSON.stringify([checked.value.bids, checked.value.asks])}`);
          else if (id < lastId) problems.push(`an older book (${id}) after ${lastId}`);
          else lastId = id;
        }
      })();
      const steps = (n: number): Promise<void> =>
        new Promise((resolve) => {
          let left = n;
          const onBook = (s: string): void => {
            if (s !== symbol || --left > 0) return;
            bybit.off('book', onBook);
            resolve();
          };
          bybit.on('book', onBook);
        });
      const done: Fault[] = [];
      try {
        for (let n = 0; n < 6; n++) {
          await steps(1 + Math.floor(random() * 8));
          const fault = FAULTS_1[Math.floor(random() * FAULTS_1.length)] as Fault;
          await inject(bybit, symbol, fault, random);
          done.push(fault);
          const since = bybit.orderBook(symbol, 1).lastUpdateId;
          while (lastId < since) await steps(1);
          assert.deepEqual(problems, [], `seed ${seed}, after ${done.join(', ')}`);
        }
        if (done.includes('crossed-level')) assert.ok(refusedCrossed >= 1, 'a crossed snapshot was refused');
      } finally {
        running = false;
        bybit.off('book', record);
        await ex.close();
        await reader.catch(() => undefined);
      }
    });
  }
});

async function inject(emu: ExchangeEmulator<ExchangeId>, symbol: string, fault: Fault, random: () => number): Promise<void> {
  switch (fault) {
    case 'book-gap':
    case 'crossed-level':
    case 'book-snapshot':
      emu.sendMalformed(fault, undefined, symbol);
      return;
    case 'drop':
      emu.dropConnections(symbol);
      return;
    case 'rest-depth-fails': {
      // The next snapshot (or two) fails, and a lost diff makes ccxt ask for one.
      const status = ([429, 500, 503] as const)[Math.floor(random() * 3)] ?? 500;
      emu.failRest({ status, count: 1 + Math.floor(random() * 2), path: '/api/v3/depth', retryAfterSec: 1 });
      emu.sendMalformed('book-gap', undefined, symbol);
      return;
    }
    case 'drop-during-snapshot': {
      const release = emu.holdRest('/api/v3/depth');
      try {
        emu.sendMalformed('book-gap', undefined, symbol);
        await emu.waitForStats((s) => s.restHeld >= 1, 20_000);
        emu.dropConnections(symbol);
      } finally {
        release();
      }
      return;
    }
  }
}
