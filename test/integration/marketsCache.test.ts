/**
 * The markets cache on disk, with the real ccxt against the real-size emulator: a second run takes the markets from
 * the file (handed to ccxt with setMarkets) and opens a chart with the exchange's market listing blocked; a stale,
 * corrupt or foreign file is replaced, never trusted; an inactive (delisted) market gets a clear error at once.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { captureLog, Recorder, type CapturedLog } from '../helpers/emulatorHub';

interface Engine {
  readonly registry: ExchangeRegistry;
  readonly hub: MarketHub;
  readonly log: CapturedLog;
  close(): Promise<void>;
}

function startEngine(emu: ExchangeEmulator<ExchangeId>, dir: string, saveDelayMs?: number): Engine {
  const log = captureLog();
  const registry = new ExchangeRegistry([{ id: emu.exchange, endpoint: emu.url }], { log, marketsCacheDir: path.join(dir, 'markets'), ...(saveDelayMs === undefined ? {} : { marketsCacheTiming: { saveDelayMs } }) });
  const hub = new MarketHub({ clients: registry, cacheDir: path.join(dir, 'candles'), log, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 }, historyBars: 100, restMaxAttempts: 2 });
  return {
    registry,
    hub,
    log,
    close: async () => {
      await hub.close();
      await registry.closeAll();
    },
  };
}

const marketsFile = (dir: string, exchange: string) => path.join(dir, 'markets', `${exchange}.json`);

/** The distinct REST paths requested since `since`. */
const pathsSince = (emu: ExchangeEmulator<ExchangeId>, since: number) => [...new Set(emu.restLog(since).map((e) => e.path))];

async function chartSnapshot(engine: Engine, exchange: string, symbol: string): Promise<number> {
  const request = { kind: 'candles', exchange, symbol, timeframe: '1m' } as const satisfies SubscriptionRequest;
  const rec = new Recorder<typeof request>();
  const sub = engine.hub.subscribe(request, rec.consume);
  try {
    const snapshot = await rec.next((e) => e.type === 'snapshot' || e.type === 'error', `a ${symbol} chart snapshot`, 30_000);
    assert.equal(snapshot.type, 'snapshot', JSON.stringify(snapshot));
    return rec.candles.length;
  } finally {
    sub.dispose();
  }
}

describe('markets cache on disk: saved after the first chart, not in its way (real ccxt, real-size emulator)', function () {
  this.timeout(90_000);
  let emu: ExchangeEmulator<'binance'>;
  let dir: string;
  let engine: Engine | undefined;
  before(async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', markets: 'real-size', seed: 6, tradesPerSecond: 20, historyMinutes: 30 });
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-markets-'));
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });
  after(() => emu?.close());

  const saved = () => fs.stat(marketsFile(dir, 'binance')).then(() => true, () => false);

  it('a download is not saved while the first chart loads its history; closing saves it at once', async () => {
    engine = startEngine(emu, dir, 600_000);
    const markets = await engine.hub.markets('binance');
    assert.ok((await chartSnapshot(engine, 'binance', 'BTC/USDT')) > 0, 'candles painted');
    assert.equal(await saved(), false, 'the markets are saved later, not before the history answer is handled');
    await engine.close();
    engine = undefined;
    const file = JSON.parse(await fs.readFile(marketsFile(dir, 'binance'), 'utf8')) as { markets: unknown[] };
    assert.equal(file.markets.length, markets.length, 'every market saved on close');
  });

  it('without a close the download is saved once the delay is over', async () => {
    engine = startEngine(emu, dir, 20);
    await engine.hub.markets('binance');
    const deadline = Date.now() + 20_000;
    while (!(await saved())) {
      if (Date.now() > deadline) throw new Error('the markets were never saved');
      await new Promise((r) => setTimeout(r, 25));
    }
  });
});

describe('markets cache on disk (real ccxt, real-size emulator)', function () {
  this.timeout(90_000);

  for (const exchange of ['binance', 'coinbase', 'bybit'] as const) {
    describe(exchange, () => {
      let emu: ExchangeEmulator<ExchangeId>;
      let dir: string;
      let engine: Engine | undefined;

      before(async () => {
        emu = await ExchangeEmulator.start<ExchangeId>({ exchange, markets: 'real-size', seed: 5, tradesPerSecond: 20, depthIntervalMs: 50, historyMinutes: 30 });
      });
      beforeEach(async () => {
        dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-markets-'));
      });
      afterEach(async () => {
        await engine?.close();
        engine = undefined;
        emu.clearFaults();
        await fs.rm(dir, { recursive: true, force: true });
      });
      after(() => emu?.close());

      it('the first run downloads and saves the markets; the next run opens a chart from the file with the market listing blocked', async () => {
        const since = Date.now();
        engine = startEngine(emu, dir);
        const first = await engine.hub.markets(exchange);
        assert.ok(first.length >= 500, `${first.length} markets`);
        const listing = pathsSince(emu, since);
        assert.ok(listing.length > 0, 'the markets were downloaded');
        await engine.close(); // waits for the save
        engine = undefined;
        const saved = JSON.parse(await fs.readFile(marketsFile(dir, exchange), 'utf8')) as { markets: unknown[] };
        assert.equal(saved.markets.length, first.length, 'every market saved');

        // A new window: every path of the market listing fails from now on.
        for (const p of listing) emu.failRest({ status: 503, count: 1000, path: p });
        const again = Date.now();
        engine = startEngine(emu, dir);
        assert.deepEqual(await engine.hub.markets(exchange), first, 'the same markets, from the file');
        const bars = await chartSnapshot(engine, exchange, emu.symbols[0] as string);
        assert.ok(bars > 0, 'candles painted');
        const listed = emu.restLog(again).filter((e) => listing.includes(e.path));
        assert.deepEqual(listed, [], 'no market listing requested');
        assert.ok(engine.log.lines.some((l) => l.includes(`${first.length} markets from the cache`)), engine.log.lines.join('\n'));
      });

      it('a corrupt file is removed and replaced by a download, with a message naming the file and the problem', async () => {
        engine = startEngine(emu, dir);
        await engine.hub.markets(exchange);
        await engine.close();
        const file = marketsFile(dir, exchange);
        const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { markets: Array<Record<string, unknown>> };
        (saved.markets[3] as Record<string, unknown>).symbol = 42;
        await fs.writeFile(file, JSON.stringify(saved));
        const since = Date.now();
        engine = startEngine(emu, dir);
        const markets = await engine.hub.markets(exchange);
        assert.ok(markets.length >= 500);
        assert.ok(pathsSince(emu, since).length > 0, 'downloaded again');
        assert.ok(engine.log.lines.some((l) => l.includes(file) && l.includes('markets[3]: symbol is 42')), engine.log.lines.join('\n'));
        await engine.close();
        engine = undefined;
        const replaced = JSON.parse(await fs.readFile(file, 'utf8')) as { markets: Array<{ symbol: unknown }> };
        assert.ok(replaced.markets.every((m) => typeof m.symbol === 'string'), 'the file was replaced by a good one');
      });

      it('a stale file (older than the TTL) and a file of another endpoint are not used', async () => {
        engine = startEngine(emu, dir);
        await engine.hub.markets(exchange);
        await engine.close();
        engine = undefined;
        const file = marketsFile(dir, exchange);
        const good = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
        for (const [bad, why] of [
          [{ ...good, savedAt: Date.now() - 8 * 24 * 3600_000 }, 'it is stale'],
          [{ ...good, source: JSON.stringify([exchange, null, false, null]) }, 'another endpoint'],
        ] as const) {
          await fs.writeFile(file, JSON.stringify(bad));
          const since = Date.now();
          engine = startEngine(emu, dir);
          await engine.hub.markets(exchange);
          assert.ok(pathsSince(emu, since).length > 0, `downloaded again (${why})`);
          assert.ok(engine.log.lines.some((l) => l.includes(file) && l.includes(why)), engine.log.lines.join('\n'));
          await engine.close();
          engine = undefined;
        }
      });
    });
  }

  describe('binance: refresh and inactive markets', () => {
    let emu: ExchangeEmulator<'binance'>;
    let dir: string;
    let engine: Engine | undefined;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'binance', markets: 'real-size', seed: 5, tradesPerSecond: 20, depthIntervalMs: 50, historyMinutes: 30 });
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-markets-'));
    });
    afterEach(async () => {
      await engine?.close();
      engine = undefined;
      emu.clearFaults();
    });
    after(async () => {
      await emu?.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('a file due for a refresh is used at once and refreshed in the background; a failed refresh keeps it in use', async () => {
      engine = startEngine(emu, dir);
      await engine.hub.markets('binance');
      await engine.close();
      const file = marketsFile(dir, 'binance');
      const good = JSON.parse(await fs.readFile(file, 'utf8')) as { savedAt: number };
      const twoHoursAgo = Date.now() - 2 * 3600_000;

      await fs.writeFile(file, JSON.stringify({ ...good, savedAt: twoHoursAgo }));
      emu.failRest({ status: 503, count: 1000, path: 'exchangeInfo' });
      engine = startEngine(emu, dir);
      assert.ok((await engine.hub.markets('binance')).length >= 3000, 'the cached markets, with the listing failing');
      await engine.close(); // waits for the background refresh
      assert.ok(engine.log.lines.some((l) => l.includes('background refresh of the binance markets failed (the cached ones stay in use)')), engine.log.lines.join('\n'));
      assert.equal((JSON.parse(await fs.readFile(file, 'utf8')) as { savedAt: number }).savedAt, twoHoursAgo, 'the file is kept');

      emu.clearFaults();
      engine = startEngine(emu, dir);
      await engine.hub.markets('binance');
      await engine.close();
      engine = undefined;
      assert.ok((JSON.parse(await fs.readFile(file, 'utf8')) as { savedAt: number }).savedAt > twoHoursAgo, 'refreshed and saved');
    });

    it('a delisted market that a panel or a favourite refers to gets a clear error at once, not a hang', async () => {
      engine = startEngine(emu, dir);
      const delisted = emu.symbols.find((s) => emu.marketStatus(s) === 'delisted') as string;
      for (const kind of ['candles', 'ticker', 'orderbook'] as const) {
        const request = { kind, exchange: 'binance', symbol: delisted, timeframe: '1m' } as SubscriptionRequest;
        const rec = new Recorder<typeof request>();
        const sub = engine.hub.subscribe(request, rec.consume);
        const error = await rec.next((e) => e.type === 'error', `${kind}: an error`);
        assert.equal(error.type === 'error' && error.message, `${delisted} on binance is not trading: the exchange lists it as inactive (halted or delisted), so it has no live data.`);
        await assert.rejects(sub.ready, /is not trading/);
        sub.dispose();
      }
    });
  });
});
