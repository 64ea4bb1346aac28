/**
 * A full page of REST trades with one row the boundary drops (a price that is not a positive number) is still a full
 * page. The pagers took the page's length after the drop for the exchange's: one short of the limit, it read as the
 * end of the trades (Binance: of its hour's window, so the trades after the page's last up to the window's end were
 * skipped, every one of them; Coinbase: of the span, answered as complete while its older trades were never asked).
 * Only the dropped row may be missing. Real ccxt against the emulators.
 */
import * as assert from 'node:assert/strict';
import type { Json } from '../../src/emulator/json';
import { Rig } from '../helpers/emulatorHub';

type Exchange = 'binance' | 'coinbase';
const CASES: readonly { exchange: Exchange; symbol: string; path: string; rows: (body: Json) => { [key: string]: Json }[]; price: string }[] = [
  { exchange: 'binance', symbol: 'BTC/USDT', path: '/aggTrades', rows: (body) => body as { [key: string]: Json }[], price: 'p' },
  { exchange: 'coinbase', symbol: 'BTC/USD', path: '/ticker', rows: (body) => (body as { trades: { [key: string]: Json }[] }).trades, price: 'price' },
];

describe('a full REST trades page with one invalid row (real ccxt, emulators)', function () {
  this.timeout(60_000);
  let rig: Rig<Exchange> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const c of CASES) {
    it(`${c.exchange}: the trades after the bad row are all still fetched (only that one is missing)`, async () => {
      rig = await Rig.start({ exchange: c.exchange, tradesPerSecond: 0, historyMinutes: 5 });
      const emu = rig.emulator;
      const start = emu.trades(c.symbol).at(-1)!.timestamp + 1;
      // 1,500 trades 3 ms apart: more than one page of 1,000, all inside one of Binance's hour windows.
      const made = emu.injectTrades(
        c.symbol,
        Array.from({ length: 1500 }, (_, k) => ({ price: 100 + (k % 7), amount: 1, side: k % 2 === 0 ? ('buy' as const) : ('sell' as const), timestamp: start + k * 3 })),
      );
      let spoiled: string | undefined;
      emu.alterNextRest(c.path, (body) => {
        const rows = c.rows(body);
        assert.equal(rows.length, 1000, 'the first page is full');
        const row = rows[400]!;
        spoiled = String(row[c.price]);
        row[c.price] = '-1';
        return body;
      });
      const until = made.at(-1)!.timestamp + 1;
      const got = await rig.hub.tradesBetween({ exchange: c.exchange, symbol: c.symbol }, start, until);
      assert.ok(spoiled !== undefined, 'a page was spoiled');
      assert.ok(rig.log.lines.some((l) => /dropped invalid data from .* trades .*price -1 is not a positive number/.test(l)), 'the dropped row is named');
      const want = made.map((t) => emu.wireTradeId(c.symbol, t));
      const gotIds = new Set(got.map((t) => t.id));
      const missing = want.filter((id) => !gotIds.has(id));
      assert.equal(missing.length, 1, `only the spoiled row is missing, not ${missing.length} trades (first ${missing.slice(0, 3).join(', ')})`);
    });
  }
});
