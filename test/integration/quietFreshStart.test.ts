/**
 * A quiet market's fresh start (the first open, the Reconnect command, a hub restart): no trade comes, but the exchange
 * confirms the subscription and the markets list the market as trading, so its chart reads `live` the quiet span after
 * the confirmation instead of `connecting` for as long as nobody trades. A market halted or delisted since the markets
 * in use were loaded (Binance confirms its subscription too) is never `live`: it fails, named. Real ccxt against each
 * emulator.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';
import { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { defaultMarketsCacheTiming, MarketsCache } from '../../src/core/exchange/marketsCache';
import { MarketHub } from '../../src/core/hub/marketHub';
import { systemClock } from '../../src/core/util/clock';
import { captureLog, Recorder, Rig, type CapturedLog } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';

const FRESH_LIVE = /live before its first update: the exchange confirmed the subscription and the markets list it as trading/;
const freshLives = (log: CapturedLog) => log.lines.filter((l) => FRESH_LIVE.test(l)).length;

describe('a quiet market reads live on a fresh start once the exchange confirms it and its markets list it as trading (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: live with no trade on the first open, after Reconnect and after a hub restart`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 0, historyMinutes: 20 });
      const made = rig.emulator.trades(m.symbol).length;
      const request: CandleReq = { kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' };
      const open = async (hub: MarketHub, log: CapturedLog, what: string) => {
        const chart = new Recorder<CandleReq>();
        const sub = hub.subscribe(request, chart.consume);
        await chart.next(isState('live'), `${what}: the chart live`, 30_000).catch((err: unknown) => {
          throw new Error(`${String(err)}\nlog:\n${log.lines.slice(-20).join('\n')}`);
        });
        return { chart, sub };
      };
      const first = await open(rig.hub, rig.log, 'first open');
      // Coinbase answers a subscribe with a snapshot of its recent trades (older ones here): that update makes it live.
      // Binance and Bybit confirm the subscribe and send nothing else.
      const confirmedOnly = m.exchange !== 'coinbase';
      if (confirmedOnly) assert.equal(freshLives(rig.log), 1, rig.log.lines.join('\n'));

      const key = { kind: 'trades', exchange: m.exchange, symbol: m.symbol } as const;
      // Reconnect takes over from a live stream: its consumers read a reconnect (they fill what the sockets' change
      // missed), live again from the exchange's confirmation as after any drop, with no listing check.
      const at = first.chart.events.length;
      const again = first.chart.upcoming(isState('live'), 'live again after Reconnect', 30_000);
      rig.hub.reconnect(key);
      await again;
      const states = first.chart.events.slice(at).flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
      assert.deepEqual(states, ['reconnecting', 'live']);
      if (confirmedOnly) assert.equal(freshLives(rig.log), 1, rig.log.lines.join('\n'));
      first.sub.dispose();

      rig = await rig.restartHub();
      const restarted = await open(rig.hub, rig.log, 'after a restart');
      if (confirmedOnly) assert.equal(freshLives(rig.log), 1, rig.log.lines.join('\n'));
      restarted.sub.dispose();
      assert.equal(rig.emulator.trades(m.symbol).length, made, 'no trade was made meanwhile');
    });
  }
});

describe('a market halted or delisted since the markets in use were cached is never live on a fresh start (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let emu: ExchangeEmulator<ExchangeId> | undefined;
  let dir: string | undefined;
  const engines: Array<{ hub: MarketHub; registry: ExchangeRegistry }> = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) {
      await e.hub.close();
      await e.registry.closeAll();
    }
    await emu?.close();
    emu = undefined;
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  /** A registry reading and saving the markets cache under `dir`, with a hub over it. */
  const engine = (exchange: ExchangeId, endpoint: string) => {
    const log = captureLog();
    const cache = new MarketsCache(path.join(dir as string, 'markets'), log, { ...defaultMarketsCacheTiming, clock: systemClock });
    // A silent first watch doubts its market only long after the quiet span: what fails it here is the fresh start's
    // check. The emulator's history runs up to now: Coinbase's answer to the subscribe (its last trades) counts as old
    // from any age, as it would once its newest trade is 10 s old.
    const registry = new ExchangeRegistry([{ id: exchange, endpoint }], { log, create: (s) => new CcxtMarketDataClient(s, systemClock, log, cache, { silentFirstWatchMs: 600_000, snapshotRecentMs: 0 }) });
    const hub = new MarketHub({ clients: registry, cacheDir: path.join(dir as string, 'candles'), log, historyBars: 100, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 } });
    engines.push({ hub, registry });
    return { log, registry, hub };
  };

  for (const m of THREE_MARKETS) {
    for (const status of ['halted', 'delisted'] as const) {
      it(`${m.exchange}: ${status} since the markets were cached 20 min ago: its chart fails naming why, never live`, async () => {
        emu = await ExchangeEmulator.start({ exchange: m.exchange, seed: 7, tradesPerSecond: 0, historyMinutes: 20 });
        dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-quiet-fresh-'));
        // The markets as a run 20 min ago saved them, listing the market as trading (no background refresh for an hour).
        const before = engine(m.exchange, emu.url);
        assert.ok((await before.hub.markets(m.exchange)).some((x) => x.symbol === m.symbol && x.active));
        await before.hub.close();
        await before.registry.closeAll();
        const file = path.join(dir, 'markets', `${m.exchange}.json`);
        const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { savedAt: number };
        saved.savedAt = Date.now() - 20 * 60_000;
        await fs.writeFile(file, JSON.stringify(saved));

        emu.setMarketStatus(m.symbol, status);
        const { hub, log } = engine(m.exchange, emu.url);
        const chart = new Recorder<CandleReq>();
        hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, chart.consume);
        const failed = await chart.next(isState('failed'), 'the chart failed', 30_000).catch((err: unknown) => {
          throw new Error(`${String(err)}\nlog:\n${log.lines.slice(-20).join('\n')}`);
        });
        assert.ok(failed.type === 'state' && failed.state.status === 'failed');
        assert.equal(failed.state.reason, `${m.exchange} no longer trades ${m.symbol}: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.`);
        assert.ok(!chart.events.some(isState('live')), 'never live');
        assert.ok(!log.lines.some((l) => FRESH_LIVE.test(l)), log.lines.join('\n'));
      });
    }
  }
});
