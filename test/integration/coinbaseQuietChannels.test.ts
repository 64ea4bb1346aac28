// Coinbase closes the channels of a connection it sent nothing for 60-90 s, without a word: a quiet market's stream
// must not go silent for good (real ccxt, the Coinbase emulator with a short idle period).
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { RawClient } from '../helpers/rawClient';
import { Recorder, Rig } from '../helpers/emulatorHub';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

describe('a quiet Coinbase market (real ccxt, emulator closing idle channels)', function () {
  this.timeout(60_000);
  let rig: Rig<'coinbase'> | undefined;
  let control: RawClient | undefined;
  afterEach(async () => {
    control?.ws.terminate();
    await rig?.close();
    rig = control = undefined;
  });

  it('its stream stays subscribed past the idle period (the client keeps heartbeats coming), gets the next trade, and its socket still closes with the last stream', async () => {
    rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 5, coinbaseIdleChannelsMs: 1500 });
    const emu = rig.emulator;
    const tape = new Recorder<TradesReq>();
    const sub = rig.hub.subscribe({ kind: 'trades', exchange: 'coinbase', symbol: 'BTC/USD' }, tape.consume);
    await tape.next((e) => e.type === 'state' && e.state.status === 'live', 'live', 30_000);
    await emu.waitForStats((s) => s.subscriptions['market_trades:BTC-USD'] === 1 && s.subscriptions['heartbeats'] === 1, 10_000);
    // A connection without heartbeats, opened after ours: once its channel has closed, ours has been idle longer.
    control = new RawClient(emu.ccxtUrls().api.ws);
    await control.open();
    control.send({ type: 'subscribe', product_ids: ['ETH-USD'], channel: 'market_trades' });
    await emu.waitForStats((s) => s.subscriptions['market_trades:ETH-USD'] === 1);
    await emu.waitForStats((s) => s.subscriptions['market_trades:ETH-USD'] === undefined, 10_000);
    assert.equal(emu.stats().subscriptions['market_trades:BTC-USD'], 1, "our market's channel is still open");

    const [trade] = emu.injectTrades('BTC/USD', [{ price: 60_000, amount: 0.5, side: 'sell' }]);
    const wire = emu.wireTradeId('BTC/USD', trade!);
    await tape.upcoming((e) => e.type === 'trades' && e.trades.some((t) => t.id === wire), 'the trade after the quiet spell', 10_000);
    assert.deepEqual(tape.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : [])), ['connecting', 'live'], 'no reconnect');

    sub.dispose();
    await emu.waitForStats((s) => s.openSockets === 1, 10_000); // the control's only: heartbeats do not hold our socket open
  });
});
