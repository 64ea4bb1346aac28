/**
 * Tick rules on a market nothing else holds bars of (no chart, no bar rule: no candle factory), across a reconnect,
 * through real ccxt against the emulator. The trades made while the socket is down are in no message the stream
 * sends; the hub asks REST for them (HoleFetch) and hands them to the rules as late trades: a price rule fires on a
 * spike made in the hole, once, saying so, and a CVD rule's value after the reconnect is the emulator's ground truth.
 * When REST cannot give the hole, the CVD rule reads warming up saying so, and reads again only a window whole again.
 * While REST has not answered yet, the CVD rule reads catching up and reads nothing; then every reading is the truth
 * (also with a chart on the market, whose gap backfill then fetches the hole).
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import { describeStatus } from '../../src/core/alerts/ruleStatus';
import type { TradesEvent } from '../../src/core/hub/requests';
import type { ExchangeId } from '../../src/emulator';
import type { Rig } from '../helpers/emulatorHub';
import { alertRigsPerTest } from '../helpers/alertRigsPerTest';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

const CASES: ReadonlyArray<{ readonly exchange: ExchangeId; readonly symbol: string }> = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
  // Resends its last 50 trades on subscribing (the hole's, unless more were made): the filler makes a hole it cannot.
  { exchange: 'coinbase', symbol: 'BTC/USD' },
];

/** After the hole's own trades, 60 small ones at `last`: more than Coinbase's 50 resent on subscribing. */
const filler = (last: number) => Array.from({ length: 60 }, (_, i) => ({ price: last, amount: 0.001, side: i % 2 ? ('buy' as const) : ('sell' as const) }));

const WINDOW_MS = 10_000;

describe("tick rules without a candle factory: a reconnect's hole (real ccxt, emulator)", function () {
  this.timeout(120_000);
  const rigs = alertRigsPerTest();

  /** An engine with one CVD rule over `windowMs` that fires on every trade (its threshold far below any), armed. */
  const armedCvdRule = async (r: Rig<ExchangeId>, exchange: ExchangeId, symbol: string, windowMs: number) => {
    const cfg = parseAlertsConfig(`defaults: { exchange: ${exchange}, frequency: every_time, autoPause: false }\nrules:\n  - { id: cvd, name: cvd, type: cvd_change, symbol: "${symbol}", window: ${windowMs / 1000}s, above: -1000000000 }\n`);
    assert.deepEqual(cfg.diagnostics, []);
    const e = rigs.engine(r);
    const alerts: AlertEvent[] = [];
    e.onAlert((a) => alerts.push(a));
    e.setRules(cfg.rules);
    await waitForRuleStatus(e, 'cvd', 'armed');
    return { e, alerts };
  };

  for (const { exchange, symbol } of CASES) {
    const market = { exchange, symbol } as const;

    /** The engine on `yaml`'s rules; resolves `fired(id, n)` once `n` alerts of `id` came. */
    const start = (r: Rig<ExchangeId>, yaml: string) => {
      const cfg = parseAlertsConfig(`defaults: { exchange: ${exchange}, frequency: every_time, autoPause: false }\nrules:\n${yaml}`);
      assert.deepEqual(cfg.diagnostics, []);
      const e = rigs.engine(r);
      const alerts: AlertEvent[] = [];
      e.onAlert((a) => alerts.push(a));
      e.setRules(cfg.rules);
      const fired = (id: string, n: number, what: string, pred: (a: AlertEvent) => boolean = () => true) =>
        new Promise<void>((resolve, reject) => {
          const count = () => alerts.filter((a) => a.ruleId === id && pred(a)).length;
          const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}: ${count()} of ${n}\n${r.log.lines.filter((l) => /hole|late|reconnect/i.test(l)).slice(-15).join('\n')}`)), 60_000);
          const sub = e.onAlert(() => check());
          const check = () => {
            if (count() < n) return;
            clearTimeout(timer);
            sub.dispose();
            resolve();
          };
          check();
        });
      return { alerts, fired };
    };

    /**
     * Drops the market's socket; while it is down `hole` trades (before the stream picks up again). Resolves with them
     * once the hub sent them late, and the trades events a watcher saw.
     */
    const dropWithHole = async (r: Rig<ExchangeId>, hole: (last: number) => Parameters<typeof r.emulator.injectTrades>[1]) => {
      const streamed: TradesEvent[] = [];
      let injected: ReturnType<typeof r.emulator.injectTrades> | undefined;
      let gotLate!: () => void;
      const late = new Promise<void>((resolve) => (gotLate = resolve));
      const watch = r.hub.subscribe({ kind: 'trades', ...market }, (e) => {
        streamed.push(e);
        if (e.type === 'trades' && e.late === true) gotLate();
        if (e.type !== 'state' || e.state.status !== 'reconnecting' || injected) return;
        injected = r.emulator.injectTrades(symbol, hole(r.emulator.trades(symbol).at(-1)!.price));
      });
      await watch.ready;
      assert.ok(r.emulator.dropConnections(symbol) > 0, `a ${exchange} socket to drop`);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no late trades within 60 s\n${r.log.lines.filter((l) => /hole|late|reconnect/i.test(l)).slice(-15).join('\n')}`)), 60_000);
      });
      try {
        await Promise.race([late, timedOut]);
      } finally {
        clearTimeout(timer);
      }
      return { watch, streamed, injected: injected! };
    };

    it(`${exchange}: a tick-only price rule whose crossing lies in a reconnect's hole fires once, flagged late, at its own price`, async () => {
      const r = await rigs.start({ exchange, seed: 29, tradesPerSecond: 10, historyMinutes: 5 });
      const level = Math.round(r.emulator.trades(symbol).at(-1)!.price * 1.04);
      const { alerts, fired } = start(
        r,
        `  - { id: spike, name: spike, type: price_level, symbol: "${symbol}", above: ${level} }
  - { id: flow, name: flow, type: price_level, symbol: "${symbol}", above: 1 }
`,
      );
      await fired('flow', 1, 'the stream to reach the rules');
      const { watch, streamed, injected } = await dropWithHole(r, (last) => [
        { price: level * 1.01, amount: 0.5, side: 'buy' },
        { price: last, amount: 0.5, side: 'sell' },
        ...filler(last),
      ]);
      await fired('spike', 1, 'the late spike');
      // The stream goes on after the late event: a later batch with no copy of the spike.
      const after = streamed.length;
      await new Promise<void>((resolve) => {
        const more = r.hub.subscribe({ kind: 'trades', ...market }, (e) => {
          if (e.type === 'trades' && !e.late && streamed.length > after) {
            more.dispose();
            resolve();
          }
        });
      });
      watch.dispose();
      const spikeAt = injected[0]!.timestamp;
      const spikePrice = injected[0]!.price; // on the market's tick
      const at = new Date(spikeAt).toISOString().replace('T', ' ').replace('Z', '');
      const spikes = alerts.filter((a) => a.ruleId === 'spike');
      assert.equal(spikes.length, 1, `once: ${JSON.stringify(spikes)}`);
      assert.equal(spikes[0]!.value, spikePrice, 'at its own price');
      assert.ok(spikes[0]!.message.endsWith(` (a late trade, made at ${at} UTC)`), spikes[0]!.message);
      assert.equal(r.hub.candleFactoryCount, 0, 'no candle factory held the market');
      assert.ok(r.log.lines.some((l) => /trade\(s\) of the reconnect's hole, fetched from REST \(no candle factory\)/.test(l)), 'the hub fetched the hole');
      assert.equal(streamed.filter((e) => e.type === 'trades' && e.late === true).length, 1, 'one late event');
      const ids = streamed.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
      assert.equal(new Set(ids).size, ids.length, 'no trade twice');
      assert.ok(!streamed.some((e) => e.type === 'trades' && !e.late && e.trades.some((t) => t.price === spikePrice)), 'the spike is in no streamed message');
    });

    it(`${exchange}: a CVD rule's value after a reconnect, its hole taken in late, equals the emulator's ground truth`, async () => {
      const r = await rigs.start({ exchange, seed: 31, tradesPerSecond: 10, historyMinutes: 5 });
      const { alerts, fired } = start(r, `  - { id: cvd, name: cvd, type: cvd_change, symbol: "${symbol}", window: ${WINDOW_MS / 1000}s, above: -1000000000 }\n`);
      await fired('cvd', 1, 'a whole window observed');
      // A large buy in the hole: a window without it is far from the truth.
      const { watch, injected } = await dropWithHole(r, (last) => [{ price: last, amount: 7, side: 'buy' }, ...filler(last)]);
      watch.dispose();
      const holeAt = injected[0]!.timestamp;
      // Readings after the late event, within the window of the hole's trade: the one read last at its millisecond
      // (every trade of that millisecond taken) is checked.
      const lateShown = alerts.length;
      await fired('cvd', 3, 'readings after the hole', (a) => alerts.indexOf(a) >= lateShown);
      const after = alerts.slice(lateShown).filter((a) => a.ruleId === 'cvd');
      const lastTime = after.at(-1)!.firedAt;
      const checked = after.filter((a) => a.firedAt < lastTime).at(-1) ?? after[0]!;
      const T = checked.firedAt;
      assert.ok(holeAt > T - WINDOW_MS && holeAt <= T, `the hole's trade (${holeAt}) in the window read at ${T}`);
      let truth = 0;
      for (const t of r.emulator.trades(symbol)) if (t.timestamp > T - WINDOW_MS && t.timestamp <= T) truth += t.side === 'buy' ? t.amount : -t.amount;
      assert.ok(Math.abs(checked.value - truth) < 1e-9, `CVD ${checked.value} at ${T}, the emulator's ${truth}`);
    });
  }

  for (const chart of [false, true]) {
    it(`binance${chart ? ', a chart on the market (its gap backfill fetches the hole)' : ''}: while REST holds the hole's request the CVD rule reads catching up and nothing, though the stream is live; once answered, every reading (those of the trades streamed meanwhile too) is the emulator's ground truth`, async () => {
      const exchange = 'binance';
      const symbol = 'BTC/USDT';
      const r = await rigs.start({ exchange, seed: 41, tradesPerSecond: 10, historyMinutes: 5 });
      const bars = chart ? r.hub.subscribe({ kind: 'candles', exchange, symbol, timeframe: '1m' }, () => undefined) : undefined;
      await bars?.ready;
      const { e, alerts } = await armedCvdRule(r, exchange, symbol, WINDOW_MS);

      // While the socket is down: a large buy (a window without it is far from the truth). The hole's request waits.
      const release = r.emulator.holdRest('/api/v3/aggTrades');
      let injected: ReturnType<typeof r.emulator.injectTrades> | undefined;
      let liveAfter = 0;
      let gotLive!: () => void;
      const streamedAfter = new Promise<void>((resolve) => (gotLive = resolve));
      const watch = r.hub.subscribe({ kind: 'trades', exchange, symbol }, (ev) => {
        if (ev.type === 'trades' && !ev.late && injected && ++liveAfter === 3) gotLive();
        if (ev.type !== 'state' || ev.state.status !== 'reconnecting' || injected) return;
        injected = r.emulator.injectTrades(symbol, [{ price: r.emulator.trades(symbol).at(-1)!.price, amount: 7, side: 'buy' }]);
      });
      await watch.ready;
      const catchingUp = waitForRuleStatus(e, 'cvd', 'catching_up', 30_000);
      const before = alerts.length;
      assert.ok(r.emulator.dropConnections(symbol) > 0, 'a binance socket to drop');
      await catchingUp;
      await streamedAfter;
      assert.equal(describeStatus(e.status('cvd')!.status), 'catching up: the trades missed while reconnecting are being fetched');
      assert.equal(r.hub.holeFetchState({ exchange, symbol })?.kind, chart ? 'factory' : 'fetching', "the hole's request is held");
      assert.equal(r.hub.candleFactoryCount, chart ? 1 : 0);
      const whileHeld = alerts.slice(before).filter((a) => a.ruleId === 'cvd');
      assert.ok(whileHeld.every((a) => a.firedAt < injected![0]!.timestamp), `no reading after the drop while the hole is owed: ${JSON.stringify(whileHeld.map((a) => a.firedAt))}`);
      const streamedBeforeRelease = r.emulator.trades(symbol).at(-1)!.timestamp;

      const armed = waitForRuleStatus(e, 'cvd', 'armed', 30_000);
      release();
      await armed;
      watch.dispose();
      bars?.dispose();
      const after = alerts.slice(before).filter((a) => a.ruleId === 'cvd' && a.firedAt >= injected![0]!.timestamp);
      const holeAt = injected![0]!.timestamp;
      assert.ok(after.some((a) => a.firedAt > holeAt && a.firedAt <= streamedBeforeRelease), 'the trades streamed while the hole was owed were read, after it');
      assert.ok(after.some((a) => holeAt > a.firedAt - WINDOW_MS), "a reading whose window holds the hole's trade");
      for (const a of after) {
        const T = a.firedAt;
        // Readings within one millisecond come before all its trades are taken: the one read last at it is whole.
        if (after.some((b) => b !== a && b.firedAt === T && after.indexOf(b) > after.indexOf(a))) continue;
        let truth = 0;
        for (const t of r.emulator.trades(symbol)) if (t.timestamp > T - WINDOW_MS && t.timestamp <= T) truth += t.side === 'buy' ? t.amount : -t.amount;
        assert.ok(Math.abs(a.value - truth) < 1e-9, `CVD ${a.value} at ${T}, the emulator's ${truth}`);
      }
    });
  }

  it("binance: REST fails for the hole; the CVD rule reads warming up saying the reconnect's trades could not be fetched, then, its window whole again, the emulator's ground truth", async () => {
    const exchange = 'binance';
    const symbol = 'BTC/USDT';
    const windowMs = 2_000;
    // Two REST attempts (50–400 ms apart): the hole's request is given up in well under a second.
    const r = await rigs.start({ exchange, seed: 37, tradesPerSecond: 10, historyMinutes: 5 }, { restMaxAttempts: 2 });
    const { e, alerts } = await armedCvdRule(r, exchange, symbol, windowMs);

    // While the socket is down: a large buy (a window without it is far from the truth), and REST failing for the market.
    let injected: ReturnType<typeof r.emulator.injectTrades> | undefined;
    const watch = r.hub.subscribe({ kind: 'trades', exchange, symbol }, (ev) => {
      if (ev.type !== 'state' || ev.state.status !== 'reconnecting' || injected) return;
      r.emulator.failRest({ status: 503, count: 1_000, symbol });
      injected = r.emulator.injectTrades(symbol, [{ price: r.emulator.trades(symbol).at(-1)!.price, amount: 7, side: 'buy' }]);
    });
    await watch.ready;
    const warming = waitForRuleStatus(e, 'cvd', 'warming_up', 30_000);
    assert.ok(r.emulator.dropConnections(symbol) > 0, 'a binance socket to drop');
    await warming;
    const lostAt = alerts.length;
    const status = e.status('cvd')!.status;
    assert.match(describeStatus(status), /^warming up: the trades missed while reconnecting \(.+\) could not be fetched: binance failed the request: Service unavailable.*; started over: needs 2s of trades$/, describeStatus(status));
    assert.equal(r.hub.holeFetchState({ exchange, symbol })?.kind, 'failed');
    assert.equal(r.hub.candleFactoryCount, 0, 'no candle factory held the market');

    await waitForRuleStatus(e, 'cvd', 'armed', 30_000);
    watch.dispose();
    const after = alerts.slice(lostAt).filter((a) => a.ruleId === 'cvd');
    assert.ok(after.length > 0, 'it reads again');
    // Every reading since the hole was lost is of a window wholly observed after it: the emulator's ground truth.
    const holeAt = injected![0]!.timestamp;
    for (const a of after) {
      const T = a.firedAt;
      assert.ok(T - windowMs > holeAt, `read at ${T}: its window starts after the hole's trade (${holeAt})`);
      let truth = 0;
      for (const t of r.emulator.trades(symbol)) if (t.timestamp > T - windowMs && t.timestamp <= T) truth += t.side === 'buy' ? t.amount : -t.amount;
      // Readings within one millisecond come before all its trades are taken: the one read last at it is whole.
      if (after.some((b) => b !== a && b.firedAt === T && after.indexOf(b) > after.indexOf(a))) continue;
      assert.ok(Math.abs(a.value - truth) < 1e-9, `CVD ${a.value} at ${T}, the emulator's ${truth}`);
    }
  });
});
