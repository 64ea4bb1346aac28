// The multi-symbol ticker stream ('tickers'): one `!miniTicker@arr` subscription per exchange, shared and ref-counted.
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { EVERY_SYMBOL } from '../../src/core/keys';
import { tickerStreamSymbols } from '../../src/core/exchange/tickerStreams';
import { referenceCandles } from '../helpers/referenceCandles';
import { Recorder, Rig } from '../helpers/emulatorHub';

/**
 * The last consumer's leave closes its socket then, not after a linger: nothing else would close it before ccxt's
 * keep-alive or the server gave up on it (tens of seconds, or never). A bound far under those, wide enough for a
 * loaded machine (a 1–2 s bound is a timing claim a CI under load can miss).
 */
const SOCKET_CLOSED_WITHIN_MS = 10_000;

const ALL = { kind: 'tickers', exchange: 'binance', symbol: EVERY_SYMBOL } as const satisfies SubscriptionRequest;

describe('multi-symbol ticker stream against the emulator (real ccxt watchTickers)', function () {
  this.timeout(60_000);
  let rig: Rig;
  afterEach(() => rig?.close());

  it("two consumers share one `!miniTicker@arr` subscription on one socket; every market's last price and 24h change arrive; the last leaving closes the socket", async () => {
    rig = await Rig.start({ tradesPerSecond: 10, tickerIntervalMs: 200 });
    const a = new Recorder<typeof ALL>();
    const b = new Recorder<typeof ALL>();
    const subA = rig.hub.subscribe(ALL, a.consume);
    const subB = rig.hub.subscribe(ALL, b.consume);
    const seen = new Map<string, { last: number; change: number | undefined }>();
    await a.next((e) => {
      if (e.type === 'tickers') for (const t of e.tickers) seen.set(t.symbol, { last: t.ticker.last, change: t.ticker.change24hPercent });
      return seen.size === 3;
    }, 'tickers of all three markets', 20_000);
    await b.next((e) => e.type === 'tickers' && e.tickers.length > 0, 'tickers for the second consumer');
    assert.deepEqual([...seen.keys()].sort(), ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    for (const [symbol, t] of seen) {
      assert.ok(t.last > 0 && t.change !== undefined && Number.isFinite(t.change), `${symbol}: ${JSON.stringify(t)}`);
      // The price is the emulator's own: its ground-truth log has traded at it.
      const bars = referenceCandles(rig.emulator.trades(symbol), '1d');
      const lo = Math.min(...bars.map((c) => c.low));
      const hi = Math.max(...bars.map((c) => c.high));
      assert.ok(t.last >= lo && t.last <= hi, `${symbol} last ${t.last} within the traded range ${lo}..${hi}`);
    }
    const stats = await rig.emulator.waitForStats((s) => s.subscriptions['!miniTicker@arr'] === 1);
    assert.equal(stats.openSockets, 1, 'one socket for both consumers');
    assert.deepEqual(Object.keys(stats.subscriptions), ['!miniTicker@arr'], 'no per-symbol streams');
    subA.dispose();
    await b.upcoming((e) => e.type === 'tickers', 'tickers still flowing to the remaining consumer');
    subB.dispose();
    await rig.emulator.waitForStats((s) => s.openSockets === 0 && Object.keys(s.subscriptions).length === 0, 2000);
    assert.deepEqual(rig.hub.activeStreams(), []);
  });

  it('a stream restarted after its last consumer left subscribes again', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, tickerIntervalMs: 200 });
    for (let i = 0; i < 3; i++) {
      const rec = new Recorder<typeof ALL>();
      const sub = rig.hub.subscribe(ALL, rec.consume);
      await rec.next((e) => e.type === 'tickers' && e.tickers.length === 3, `tickers, round ${i + 1}`, 20_000);
      sub.dispose();
      await rig.emulator.waitForStats((s) => s.openSockets === 0, SOCKET_CLOSED_WITHIN_MS);
    }
  });

  it('while another stream keeps the exchange client open, leaving unsubscribes `!miniTicker@arr` and closes its socket', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, tickerIntervalMs: 200 });
    const trades = new Recorder<{ kind: 'trades'; exchange: 'binance'; symbol: 'BTC/USDT' }>();
    const tradeSub = rig.hub.subscribe({ kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' }, trades.consume);
    const rec = new Recorder<typeof ALL>();
    const sub = rig.hub.subscribe(ALL, rec.consume);
    await rec.next((e) => e.type === 'tickers' && e.tickers.length === 3, 'tickers', 20_000);
    await rig.emulator.waitForStats((s) => s.openSockets === 2 && s.subscriptions['btcusdt@aggTrade'] === 1 && s.subscriptions['!miniTicker@arr'] === 1);
    sub.dispose();
    const after = await rig.emulator.waitForStats((s) => s.openSockets === 1 && s.subscriptions['!miniTicker@arr'] === undefined, 2000);
    assert.deepEqual(Object.keys(after.subscriptions), ['btcusdt@aggTrade']);
    await trades.upcoming((e) => e.type === 'trades', 'trades still flowing');
    tradeSub.dispose();
    await rig.emulator.waitForStats((s) => s.openSockets === 0, SOCKET_CLOSED_WITHIN_MS);
  });

  for (const leaving of ['favourite', 'group'] as const) {
    it(`Bybit: a favourite's ticker and its quote group's stream share the \`tickers.{id}\` topic; the ${leaving} leaving leaves the other live and updating, and the topic ends with the last`, async () => {
      const bybit = await Rig.start({ exchange: 'bybit', tradesPerSecond: 10, tickerIntervalMs: 100 });
      try {
        const group = (await bybit.hub.markets('bybit')).filter((m) => m.quote === 'USDT');
        const [groupSymbol] = tickerStreamSymbols('bybit', group);
        const btc = 'BTC/USDT:USDT';
        assert.ok(groupSymbol !== undefined && groupSymbol.split(',').includes(btc), `the group's stream covers ${btc}: ${groupSymbol}`);
        const favourite = new Recorder<{ kind: 'ticker'; exchange: 'bybit'; symbol: string }>();
        const groupRec = new Recorder<{ kind: 'tickers'; exchange: 'bybit'; symbol: string }>();
        const favSub = bybit.hub.subscribe({ kind: 'ticker', exchange: 'bybit', symbol: btc }, favourite.consume);
        const groupSub = bybit.hub.subscribe({ kind: 'tickers', exchange: 'bybit', symbol: groupSymbol }, groupRec.consume);
        const btcTick = { favourite: (e: (typeof favourite.events)[number]) => e.type === 'ticker', group: (e: (typeof groupRec.events)[number]) => e.type === 'tickers' && e.tickers.some((t) => t.symbol === btc) };
        await favourite.next(btcTick.favourite, 'the favourite ticker', 20_000);
        await groupRec.next(btcTick.group, "the group's BTC ticker", 20_000);
        await bybit.emulator.waitForStats((s) => ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].every((id) => s.subscriptions[`tickers.${id}`] === 1));

        const stays = leaving === 'favourite' ? groupRec : favourite;
        const statesBefore = stays.events.filter((e) => e.type === 'state').length;
        (leaving === 'favourite' ? favSub : groupSub).dispose();
        if (leaving === 'group') await bybit.emulator.waitForStats((s) => s.subscriptions['tickers.ETHUSDT'] === undefined && s.subscriptions['tickers.SOLUSDT'] === undefined, 5000);
        for (let i = 0; i < 3; i++) {
          if (stays === favourite) await favourite.upcoming(btcTick.favourite, `the favourite's ticker after the group left (${i + 1})`);
          else await groupRec.upcoming(btcTick.group, `the group's BTC ticker after the favourite left (${i + 1})`);
        }
        const statesAfter = stays.events.filter((e) => e.type === 'state').slice(statesBefore);
        assert.deepEqual(statesAfter, [], `the ${leaving === 'favourite' ? 'group' : 'favourite'} stayed live`);
        assert.ok(!bybit.log.lines.some((l) => /UnsubscribeError/.test(l)), bybit.log.lines.filter((l) => /ticker/.test(l)).join('\n'));
        const during = await bybit.emulator.waitForStats((s) => s.subscriptions['tickers.BTCUSDT'] === 1);
        assert.equal(during.openSockets, 1);

        (leaving === 'favourite' ? groupSub : favSub).dispose();
        await bybit.emulator.waitForStats((s) => s.openSockets === 0 && Object.keys(s.subscriptions).length === 0, 5000);
        assert.deepEqual(bybit.hub.activeStreams(), []);
      } finally {
        await bybit.close();
      }
    });
  }
});
