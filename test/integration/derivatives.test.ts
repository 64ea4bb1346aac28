/** A Bybit perpetual's ticker through the hub (real ccxt, emulator) carries its mark price, funding and open interest (issue 12). */
import * as assert from 'node:assert/strict';
import { Recorder, Rig } from '../helpers/emulatorHub';

describe('derivatives in the ticker (Bybit perpetual, real ccxt, emulator)', function () {
  this.timeout(30_000);
  let rig: Rig<'bybit'> | undefined;
  afterEach(() => rig?.close());

  it('mark and index price, funding rate and time, open interest from the ticker stream (funding equal to the emulator truth)', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 5, tickerIntervalMs: 100 });
    const symbol = 'BTC/USDT:USDT';
    const req = { kind: 'ticker', exchange: 'bybit', symbol } as const;
    const rec = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, rec.consume);
    const first = await rec.next((e) => e.type === 'ticker', 'a ticker', 15_000);
    assert.ok(first.type === 'ticker');
    const d = first.ticker.derivatives;
    assert.ok(d, 'the perpetual ticker has derivatives fields');
    const truth = rig.emulator.derivatives(symbol);
    // Funding is fixed until the next funding time; mark and open interest move with the market.
    assert.equal(d.fundingRate, truth.fundingRate);
    assert.equal(d.nextFundingTime, truth.nextFundingTime);
    for (const [name, v] of [['mark', d.markPrice], ['index', d.indexPrice], ['open interest', d.openInterest]] as const) assert.ok(typeof v === 'number' && v > 0, `${name} ${v}`);
    assert.ok(Math.abs(d.markPrice! / first.ticker.last - 1) < 0.01, 'mark close to last');
    sub.dispose();
  });
});
