import * as assert from 'node:assert/strict';
import { ExchangeEmulator } from '../../../src/emulator';

type Row = [number, string, string, string, string, string, number, string, number, string, string, string];

const MINUTE = 60_000;

describe('emulator: Binance klines of buckets without trades (generated market)', () => {
  let now = Date.UTC(2026, 11, 1, 12, 0, 30);
  let emu: ExchangeEmulator;

  before(async () => {
    emu = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 0, historyMinutes: 10, now: () => now });
  });
  after(() => emu.close());

  const klines = async (query: string): Promise<Row[]> => {
    const res = await fetch(`${emu.url}/api/v3/klines?symbol=BTCUSDT&${query}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Row[];
  };

  it('a minute without trades is a bar flat at the previous close with volume 0, as Binance answers it', async () => {
    const lastTrade = emu.trades('BTC/USDT').at(-1);
    assert.ok(lastTrade !== undefined);
    const close = lastTrade.price;
    const lastBar = Math.floor(lastTrade.timestamp / MINUTE) * MINUTE;
    now = lastBar + 4 * MINUTE + 10_000;
    const rows = await klines('interval=1m&limit=5');
    assert.deepEqual(rows.map((r) => r[0]), [0, 1, 2, 3, 4].map((i) => lastBar + i * MINUTE), 'every minute up to the one in progress');
    for (const row of rows.slice(1)) {
      assert.deepEqual([Number(row[1]), Number(row[2]), Number(row[3]), Number(row[4])], [close, close, close, close], `${new Date(row[0]).toISOString()} flat at the previous close`);
      assert.deepEqual([row[5], row[7], row[8], row[9], row[10]].map(Number), [0, 0, 0, 0, 0], 'no volume, quote volume, trades or taker volume');
      assert.equal(row[6], row[0] + MINUTE - 1);
    }
  });

  it('a trade after quiet minutes: the quiet minutes stay flat, the wider bar folds only the minutes with trades', async () => {
    const before = emu.trades('BTC/USDT').at(-1);
    assert.ok(before !== undefined);
    const [traded] = emu.injectTrades('BTC/USDT', [{ price: before.price + 25, amount: 0.5, side: 'buy', timestamp: now }]);
    assert.ok(traded !== undefined);
    now += MINUTE;
    const start = Math.floor(before.timestamp / MINUTE) * MINUTE;
    const rows = await klines(`interval=1m&startTime=${start}`);
    const byOpen = new Map(rows.map((r) => [r[0], r]));
    const tradedBar = byOpen.get(Math.floor(traded.timestamp / MINUTE) * MINUTE);
    assert.ok(tradedBar !== undefined);
    assert.deepEqual([tradedBar[1], tradedBar[5], tradedBar[8]].map(Number), [traded.price, 0.5, 1], 'the traded minute opens at its trade');
    const after = byOpen.get(Math.floor(traded.timestamp / MINUTE) * MINUTE + MINUTE);
    assert.ok(after !== undefined, 'the minute in progress after it');
    assert.deepEqual([after[1], after[4], after[5]].map(Number), [traded.price, traded.price, 0], 'flat at the new close');
    const hour = await klines(`interval=1h&startTime=${Math.floor(start / 3_600_000) * 3_600_000}&limit=1`);
    assert.equal(Number(hour[0]?.[4]), traded.price, 'the hour closes at the last trade');
  });

  it('nothing before the first trade: a startTime before the market opened starts at its first bucket', async () => {
    const first = emu.trades('BTC/USDT')[0];
    assert.ok(first !== undefined);
    const rows = await klines(`interval=1m&startTime=${first.timestamp - 60 * MINUTE}&limit=3`);
    assert.equal(rows[0]?.[0], Math.floor(first.timestamp / MINUTE) * MINUTE);
  });
});
