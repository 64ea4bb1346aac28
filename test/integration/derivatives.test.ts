/** A Bybit perpetual's ticker through the hub (real ccxt, emulator) carries its mark price, funding and open interest (issue 12). */
import * as assert from 'node:assert/strict';
import { Recorder, Rig } from '../helpers/emulatorHub';

describe('derivatives in the ticker (Bybit perpetual, real ccxt, emulator)', function () {
  this.timeout(30_000);
  let rig: Rig<'bybit'> | undefined;
  afterEach(() => rig?.close());

  it('mark and index price, funding rate and time, open interest from the ticker stream equal the ticker the emulator sent', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 5, tickerIntervalMs: 100 });
    const symbol = 'BTC/USDT:USDT';
    const req = { kind: 'ticker', exchange: 'bybit', symbol } as const;
    const rec = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, rec.consume);
    const first = await rec.next((e) => e.type === 'ticker', 'a ticker', 15_000);
    assert.ok(first.type === 'ticker');
    const d = first.ticker.derivatives;
    assert.ok(d, 'the perpetual ticker has derivatives fields');
    // The ticker the emulator sent at that time (funding and mark move with the market: compare like with like).
    const sent = rig.emulator.tickers(symbol).find((t) => t.timestamp === first.ticker.timestamp);
    assert.ok(sent, `the emulator logged a ticker at ${first.ticker.timestamp}`);
    assert.deepEqual(d, { markPrice: sent.markPrice, indexPrice: sent.indexPrice, fundingRate: sent.fundingRate, nextFundingTime: sent.nextFundingTime, openInterest: sent.openInterest });
    sub.dispose();
  });
});
