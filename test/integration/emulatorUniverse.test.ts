/**
 * The real-size market universe (`markets: 'real-size'`): the real, unmodified ccxt parses every listed market of
 * each exchange, idle markets start no simulation, and a halted market behaves as the exchange's own does.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import ccxt from 'ccxt';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';

function makeExchange(emu: ExchangeEmulator<ExchangeId>): InstanceType<typeof ccxt.pro.binance> {
  const { urls, options } = emu.ccxtConfig();
  const ctor = ccxt.pro[emu.exchange] as unknown as new (config: Record<string, unknown>) => InstanceType<typeof ccxt.pro.binance>;
  return new ctor({ urls, options, httpAgent: new http.Agent() });
}

/** What ccxt's loadMarkets sees of each exchange's real-size listing. */
const EXPECTED: Readonly<Record<ExchangeId, { listed: number; inactive: string }>> = {
  binance: { listed: 3000, inactive: 'status BREAK (delisted) or HALT' },
  coinbase: { listed: 700, inactive: 'trading_disabled' },
  // Closed (delisted) contracts are not listed unless asked for; pre-market (halted) ones are.
  bybit: { listed: 550, inactive: 'PreLaunch' },
};

describe('emulator: real-size market universe', function () {
  this.timeout(60_000);

  for (const exchange of ['binance', 'coinbase', 'bybit'] as const) {
    describe(exchange, () => {
      let emu: ExchangeEmulator<ExchangeId>;
      let client: InstanceType<typeof ccxt.pro.binance>;

      before(async () => {
        emu = await ExchangeEmulator.start<ExchangeId>({ exchange, markets: 'real-size', seed: 5, tradesPerSecond: 20, depthIntervalMs: 20, historyMinutes: 30 });
        client = makeExchange(emu);
      });
      after(async () => {
        await client?.close();
        await emu?.close();
      });

      it(`ccxt loadMarkets parses every listed market (${EXPECTED[exchange].listed}), and only the configured ones simulate`, async () => {
        const markets = Object.values(await client.loadMarkets());
        const delisted = emu.symbols.filter((s) => emu.marketStatus(s) === 'delisted');
        const expected = exchange === 'bybit' ? emu.symbols.filter((s) => !delisted.includes(s)) : emu.symbols;
        assert.equal(emu.symbols.length, EXPECTED[exchange].listed);
        // By id: ccxt renames a few currency codes (its commonCurrencies), the ids are the exchange's own.
        const byId = new Map(markets.flatMap((m) => (m === undefined ? [] : [[m.id, m] as const])));
        assert.equal(byId.size, expected.length);
        for (const symbol of expected) {
          const m = byId.get(emu.marketId(symbol));
          assert.ok(m !== undefined && (m.precision.price ?? 0) > 0 && (m.precision.amount ?? 0) > 0, `${symbol} is parsed, with a tick and a step`);
          assert.equal(m?.active, emu.marketStatus(symbol) === 'trading', `${symbol}: inactive exactly when ${EXPECTED[exchange].inactive}`);
        }
        assert.ok(delisted.length > 0 && emu.symbols.some((s) => emu.marketStatus(s) === 'halted'), 'the universe has halted and delisted markets');
        assert.deepEqual(emu.liveSymbols(), emu.symbols.slice(0, 3), 'listing the markets started no simulation');
      });

      if (exchange === 'binance') {
        it('GET /api/v3/ticker/24hr answers for every listed market without starting a simulation: an idle one as a market without a trade all day, at its common price (ccxt fetchTickers parses them all)', async () => {
          const live = emu.liveSymbols();
          const rows = (await (await fetch(`${emu.url}/api/v3/ticker/24hr`)).json()) as Array<{ symbol: string; lastPrice: string; openPrice: string; highPrice: string; count: number; volume: string }>;
          assert.equal(rows.length, EXPECTED.binance.listed);
          assert.deepEqual(emu.liveSymbols(), live, 'no simulation started');
          const byId = new Map(rows.map((r) => [r.symbol, r]));
          for (const symbol of live) assert.ok((byId.get(emu.marketId(symbol))?.count ?? 0) > 0, `${symbol}: a live market's trades`);
          const idle = emu.symbols.find((s) => !live.includes(s) && emu.marketStatus(s) === 'trading') as string;
          const quiet = byId.get(emu.marketId(idle))!;
          assert.ok(Number(quiet.lastPrice) > 0, `${idle}: a price`);
          assert.deepEqual([quiet.count, Number(quiet.volume), quiet.openPrice, quiet.highPrice], [0, 0, quiet.lastPrice, quiet.lastPrice], `${idle}: nothing traded all day`);
          // An idle price is the common price now, so it may move a tick between two requests: ccxt's parse is
          // checked against the body of its own request.
          client.enableLastJsonResponse = true;
          const parsed = await client.fetchTickers();
          assert.equal(Object.keys(parsed).length, EXPECTED.binance.listed);
          const answered = (client.last_json_response as typeof rows).find((r) => r.symbol === emu.marketId(idle));
          assert.equal(answered?.count, 0, `${idle}: still idle`);
          assert.equal(parsed[idle]?.last, Number(answered?.lastPrice));
          assert.ok(Math.abs(Number(answered?.lastPrice) / Number(quiet.lastPrice) - 1) < 0.001, `${idle}: the common price, a moment later`);
        });
      }

      it('a halted market: its history is there, its book is empty, and a subscription gets no trades', async () => {
        const halted = emu.symbols.find((s) => emu.marketStatus(s) === 'halted') as string;
        const lastTrade = emu.trades(halted).at(-1)?.timestamp as number;
        const since = Math.floor((lastTrade - 10 * 60_000) / 60_000) * 60_000;
        const candles = await client.fetchOHLCV(halted, '1m', since, 5);
        assert.deepEqual(candles.map((c) => c[0]), [0, 1, 2, 3, 4].map((i) => since + i * 60_000), 'klines of the time before the halt');
        const book = await client.fetchOrderBook(halted);
        assert.deepEqual([book.bids.length, book.asks.length], [0, 0]);
        assert.throws(() => emu.injectTrades(halted, [{ price: 1, amount: 1, side: 'buy' }]), /halted/);
        // Subscribed beside a live market: the live one trades, the halted one sends nothing new (Coinbase's
        // market_trades snapshot still carries its last trades).
        const log = emu.trades(halted);
        const live = client.watchTrades(emu.symbols[0] as string);
        const silent = client.watchTrades(halted).then(
          (trades) => trades.every((t) => (t.timestamp as number) <= (log.at(-1)?.timestamp as number)),
          () => true,
        );
        assert.ok((await live).length > 0);
        for (let i = 0; i < 3; i++) await client.watchTrades(emu.symbols[0] as string);
        assert.equal(emu.trades(halted).length, log.length, 'no trade after the halt');
        await client.close();
        assert.equal(await silent, true, 'the halted market sent no trade after its halt');
      });
    });
  }

  it('Bybit lists its delisted (Closed) contracts only when asked for them', async () => {
    const emu = await ExchangeEmulator.start({ exchange: 'bybit', markets: 'real-size', seed: 5, tradesPerSecond: 0 });
    try {
      const closed = emu.symbols.filter((s) => emu.marketStatus(s) === 'delisted');
      const body = (await (await fetch(`${emu.url}/v5/market/instruments-info?category=linear&status=Closed&limit=1000`)).json()) as { result: { list: { status: string }[] } };
      assert.ok(closed.length > 0);
      assert.equal(body.result.list.length, closed.length);
      assert.ok(body.result.list.every((i) => i.status === 'Closed'));
    } finally {
      await emu.close();
    }
  });
});
