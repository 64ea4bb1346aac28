/**
 * A market the cached markets list but the exchange delisted since (real ccxt, Binance emulator): Binance answers
 * REST for it with "Invalid symbol" (-1121) and accepts its stream subscriptions without ever sending anything. The
 * markets are downloaded again, and every chart, book, trade and ticker stream of it fails, named, instead of
 * waiting forever; the other markets go on; a new subscription to it is refused at once.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { defaultMarketsCacheTiming, MarketsCache } from '../../src/core/exchange/marketsCache';
import { MarketHub } from '../../src/core/hub/marketHub';
import { systemClock } from '../../src/core/util/clock';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { captureLog, Recorder } from '../helpers/emulatorHub';

const GONE = 'GONE/USDT';

describe('a market delisted since the markets were cached (real ccxt, Binance emulator)', function () {
  this.timeout(60_000);
  let emu: ExchangeEmulator<'binance'> | undefined;
  let dir: string | undefined;
  const engines: Array<{ hub: MarketHub; registry: ExchangeRegistry }> = [];
  const start = () => {
    const log = captureLog();
    const registry = new ExchangeRegistry([{ id: 'binance', endpoint: (emu as ExchangeEmulator<'binance'>).url }], { log, marketsCacheDir: path.join(dir as string, 'markets') });
    const hub = new MarketHub({ clients: registry, cacheDir: path.join(dir as string, 'candles'), log, historyBars: 100, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 } });
    engines.push({ hub, registry });
    return { log, registry, hub };
  };
  afterEach(async () => {
    for (const e of engines.splice(0)) {
      await e.hub.close();
      await e.registry.closeAll();
    }
    await emu?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  /** The markets cache as a run `ageMs` ago left it, with GONE/USDT (a copy of ETH/USDT) among them unless told otherwise. */
  async function cacheListingGone(ageMs: number, withGone = true): Promise<void> {
    const first = start();
    await first.hub.markets('binance');
    await first.hub.close();
    await first.registry.closeAll();
    const file = path.join(dir as string, 'markets', 'binance.json');
    const body = JSON.parse(await fs.readFile(file, 'utf8')) as { savedAt: number; markets: Array<{ symbol: string }> };
    const eth = body.markets.find((m) => m.symbol === 'ETH/USDT');
    assert.ok(eth, 'ETH/USDT cached');
    if (withGone) body.markets.push(JSON.parse(JSON.stringify(eth).replaceAll('ETHUSDT', 'GONEUSDT').replaceAll('ethusdt', 'goneusdt').replaceAll('ETH', 'GONE')) as { symbol: string });
    body.savedAt = Date.now() - ageMs;
    await fs.writeFile(file, JSON.stringify(body));
  }

  for (const { age, downloaded, why } of [
    { age: 20 * 60_000, downloaded: /answered for GONE\/USDT as for no market .* the markets are downloaded again to see whether it is still listed/, why: 'cached 20 min ago: its "Invalid symbol" has them downloaded again' },
    { age: 2 * 3600_000, downloaded: /markets refreshed in the background/, why: 'cached 2 h ago: the background refresh at start finds it gone' },
  ]) {
    it(`${why}: its chart, book, trades and ticker fail within seconds naming why; BTC/USDT streams on; a new subscription is refused at once`, async () => {
      emu = await ExchangeEmulator.start({ exchange: 'binance', seed: 6, tradesPerSecond: 20, historyMinutes: 30 });
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-delisted-'));
      await cacheListingGone(age);
      const engine = start();
      const changes: string[] = [];
      engine.hub.onDidChangeMarkets((exchange) => changes.push(exchange));
      const btc = { kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' } as const;
      const btcTrades = new Recorder<typeof btc>();
      engine.hub.subscribe(btc, btcTrades.consume);
      const started = Date.now();
      const backfills: string[] = [];
      const gone = (['candles', 'orderbook', 'trades', 'ticker'] as const).map((kind) => {
        const request = { kind, exchange: 'binance', symbol: GONE, timeframe: '1m' } as SubscriptionRequest;
        const rec = new Recorder<typeof request>();
        const sub = engine.hub.subscribe(request, rec.consume);
        return { kind, rec, sub };
      });
      // The chart's factory exists once its request is checked against the (cached) markets, before its history answers.
      await gone[0]?.sub.ready;
      engine.hub.onCandleFactoryEvent({ exchange: 'binance', symbol: GONE }, (e) => e.type === 'backfill' && backfills.push(e.outcome === 'done' ? 'done' : `${e.outcome}: ${e.reason}`));
      for (const { kind, rec } of gone) {
        const failed = await rec.next((e) => e.type === 'state' && e.state.status === 'failed', `${kind}: failed`, 15_000);
        assert.equal(failed.type === 'state' && failed.state.status === 'failed' && failed.state.reason, `binance no longer trades ${GONE}: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.`, kind);
      }
      assert.ok(Date.now() - started < 15_000);
      // Its history is given up at once, not retried (a retry follows a `failed` outcome): asking again cannot mend it.
      while (backfills.length === 0) await btcTrades.upcoming((e) => e.type === 'trades', 'BTC/USDT trades while the history is asked for');
      assert.deepEqual(backfills, [`gave up: history unavailable: binance no longer trades ${GONE}: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.`]);
      assert.ok(engine.log.lines.some((l) => downloaded.test(l)), `the download is logged: ${engine.log.lines.join('\n')}`);
      await btcTrades.next((e) => e.type === 'trades', 'BTC/USDT trades', 15_000);
      // The markets in use are the downloaded ones: a new chart of it is refused at validation.
      const again = { kind: 'candles', exchange: 'binance', symbol: GONE, timeframe: '1m' } as const;
      const rec = new Recorder<typeof again>();
      const sub = engine.hub.subscribe(again, rec.consume);
      await assert.rejects(sub.ready, /Unknown symbol "GONE\/USDT" on binance/);
      assert.deepEqual(changes, ['binance'], 'the markets changed once (the Markets tree reads them again)');
    });
  }

  it('a background refresh that finds the same markets says nothing changed', async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', seed: 6, tradesPerSecond: 20, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-delisted-'));
    await cacheListingGone(2 * 3600_000, false);
    const engine = start();
    const changes: string[] = [];
    engine.hub.onDidChangeMarkets((exchange) => changes.push(exchange));
    await engine.hub.markets('binance');
    await engine.registry.closeAll(); // waits for the background refresh the old cache started
    assert.ok(engine.log.lines.some((l) => /markets refreshed in the background: \d+$/.test(l)), engine.log.lines.join('\n'));
    assert.deepEqual(changes, []);
  });

  it('Refresh Markets downloads them again at once, however recent: a market gone leaves the list (a change is announced); the same list announces nothing; a failed download says why and keeps the list', async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', seed: 6, tradesPerSecond: 20, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-delisted-'));
    await cacheListingGone(5 * 60_000); // used as it is: no background refresh for an hour
    const engine = start();
    const changes: string[] = [];
    engine.hub.onDidChangeMarkets((exchange) => changes.push(exchange));
    const exchangeInfos = () => emu!.restLog().filter((e) => e.path.endsWith('/exchangeInfo')).length;
    assert.ok((await engine.hub.markets('binance')).some((m) => m.symbol === GONE), 'listed from the cache');
    assert.equal(exchangeInfos(), 1, 'only the first run downloaded them');
    const fresh = await engine.hub.reloadMarkets('binance');
    assert.equal(exchangeInfos(), 2, 'downloaded again at once');
    assert.ok(!fresh.some((m) => m.symbol === GONE) && fresh.some((m) => m.symbol === 'BTC/USDT'));
    assert.deepEqual(changes, ['binance']);
    assert.deepEqual(await engine.hub.markets('binance'), fresh, 'the markets in use');
    await engine.hub.reloadMarkets('binance');
    assert.equal(exchangeInfos(), 3);
    assert.deepEqual(changes, ['binance'], 'the same list: no change');
    emu!.failRest({ status: 503, path: '/api/v3/exchangeInfo' });
    await assert.rejects(engine.hub.reloadMarkets('binance'), /binance .*Service unavailable/);
    assert.deepEqual(await engine.hub.markets('binance'), fresh, 'a failed download keeps the markets in use');
    assert.deepEqual(changes, ['binance']);
  });

  it('a market in BREAK since cached 20 min ago: its REST history still answers, and its chart fails naming why once its trades stay silent past the limit', async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', seed: 6, tradesPerSecond: 20, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-delisted-'));
    await cacheListingGone(20 * 60_000, false);
    emu.setMarketStatus('SOL/USDT', 'delisted');
    const log = captureLog();
    const cache = new MarketsCache(path.join(dir, 'markets'), log, { ...defaultMarketsCacheTiming, clock: systemClock });
    const registry = new ExchangeRegistry([{ id: 'binance', endpoint: emu.url }], { log, create: (s) => new CcxtMarketDataClient(s, systemClock, log, cache, { silentFirstWatchMs: 1500 }) });
    const hub = new MarketHub({ clients: registry, cacheDir: path.join(dir, 'candles'), log, historyBars: 100, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 } });
    engines.push({ hub, registry });
    const request = { kind: 'candles', exchange: 'binance', symbol: 'SOL/USDT', timeframe: '1m' } as const;
    const rec = new Recorder<typeof request>();
    hub.subscribe(request, rec.consume);
    const bars = await rec.next((e) => e.type === 'snapshot', 'its history by REST', 15_000);
    assert.ok(bars.type === 'snapshot' && bars.candles.length > 0, 'the exchange still answers its klines');
    const failed = await rec.next((e) => e.type === 'state' && e.state.status === 'failed', 'its chart failed', 15_000);
    assert.equal(failed.type === 'state' && failed.state.status === 'failed' && failed.state.reason, 'binance no longer trades SOL/USDT: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.');
    assert.ok(log.lines.some((l) => /answered for SOL\/USDT as for no market \(or sent nothing on its streams\); the markets are downloaded again/.test(l)), log.lines.join('\n'));
  });

  it('markets cached minutes ago are not doubted: the exchange\'s own answer stands', async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', seed: 6, tradesPerSecond: 20, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-delisted-'));
    await cacheListingGone(60_000);
    const engine = start();
    const request = { kind: 'orderbook', exchange: 'binance', symbol: GONE } as const;
    const rec = new Recorder<typeof request>();
    engine.hub.subscribe(request, rec.consume);
    const failed = await rec.next((e) => e.type === 'state' && e.state.status === 'failed', 'the book failed', 15_000);
    assert.match(failed.type === 'state' && failed.state.status === 'failed' ? failed.state.reason : '', /^bad symbol: binance: Invalid symbol\. \(code -1121\)$/);
    assert.ok(!engine.log.lines.some((l) => /downloaded again/.test(l)), 'no download');
  });
});
