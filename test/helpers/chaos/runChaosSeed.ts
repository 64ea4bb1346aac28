/**
 * One chaos seed: a rig on the schedule's exchange (real ccxt against its emulator), the consumers, the steps in
 * order, then the end: faults cleared, every subscription live or failed, every bar, trade, book and fire checked
 * against the emulator's log, and once the last consumer leaves no socket, stream or timer of ours left.
 */
import * as assert from 'node:assert/strict';
import type { Timeframe } from '../../../src/core/timeframes';
import type { EmulatorStats, ExchangeId } from '../../../src/emulator';
import { Rig } from '../emulatorHub';
import { isProductTimer, timerOrigin, trackTimers } from '../timerTracker';
import { waitForRuleStatus } from '../ruleStatusWait';
import { applyStep, type StepContext } from './applyStep';
import { ChaosConsumers, CLOSE_RULE, TICK_RULE, type CandleReq, type Held } from './consumers';
import { assertBarsTrue, assertBooksSane, assertFiresTrue, assertNamedStates, assertNothingClosedWrong, assertRuleStatesNamed, assertTradesTrue, describeEvents, settleAll } from './invariants';
import type { ChaosSchedule } from './schedule';

const SYMBOLS: Readonly<Record<ExchangeId, string>> = { binance: 'BTC/USDT', coinbase: 'BTC/USD', bybit: 'BTC/USDT:USDT' };
const TRADES_PER_SECOND = 10;

/** Runs the schedule; `notes` receives what each step did (for the failure message). */
export async function runChaosSeed(schedule: ChaosSchedule, notes: string[]): Promise<void> {
  const timers = trackTimers(isProductTimer);
  const symbol = SYMBOLS[schedule.exchange];
  const releases: Array<() => void> = [];
  let rig: Rig<ExchangeId> | undefined;
  const started = performance.now();
  const at = (what: string): void => {
    notes.push(`${what} (at ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  try {
    const exchangeAheadMs = schedule.exchangeAheadMs;
    rig = await Rig.start(
      { exchange: schedule.exchange, seed: schedule.seed, tradesPerSecond: TRADES_PER_SECOND, historyMinutes: 20, ...(exchangeAheadMs === 0 ? {} : { now: () => Date.now() + exchangeAheadMs }) },
      { restMaxAttempts: 3, strictTradeClock: true },
    );
    const r = rig;
    at('the rig is up');
    const consumers = new ChaosConsumers(r, symbol);
    const ctx: StepContext = { rig: r, consumers, symbol, exchangeNow: () => Date.now() + exchangeAheadMs, notes, releases };
    await consumers.main1m.next((e) => e.type === 'snapshot', 'the first 1m snapshot', 60_000);
    await consumers.mainTrades.next((e) => e.type === 'trades', 'the first trades', 60_000);
    at('the first snapshot and trades came');

    for (const [i, step] of schedule.steps.entries()) {
      at(`${i + 1}. ${step.kind}`);
      await applyStep(ctx, step);
    }

    // The end: the exchange well again, the market frozen once every stream is back, its last trade delivered.
    at('end: faults cleared');
    for (const release of releases.splice(0)) release();
    r.emulator.clearFaults();
    r.emulator.setTradesPerSecond(TRADES_PER_SECOND);
    const held = consumers.held();
    await settleAll(held);
    at('end: every stream back');
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades(symbol).at(-1);
    assert.ok(last !== undefined, 'the market has trades');
    const lastId = r.emulator.wireTradeId(symbol, last);
    const trades = consumers.mainTrades;
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade', 60_000).catch((error: unknown) => {
      throw new Error(`the last trade (${lastId} at ${new Date(last.timestamp).toISOString()}) never reached the trades consumer: ${String(error)}\n  its last events:\n    ${describeEvents(trades.events.slice(-12)).join('\n    ')}`);
    });

    const panel = consumers.panelTrades;
    await panel.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade (panel)', 60_000).catch((error: unknown) => {
      throw new Error(`the last trade (${lastId}) never reached the panel's trades consumer: ${String(error)}\n  its last events:\n    ${describeEvents(panel.events.slice(-12)).join('\n    ')}`);
    });
    at('end: the last trade delivered');
    const tfOf = (h: Held<CandleReq>): Timeframe => (h.name.includes('5m') ? '5m' : '1m');
    const heldCandles = consumers.candles.filter((h) => h.open);
    assertNamedStates([...consumers.candles, ...consumers.trades, ...consumers.books]);
    await assertBarsTrue(r, symbol, heldCandles, tfOf);
    assertNothingClosedWrong(r, symbol, consumers.candles, tfOf);
    assertTradesTrue(r, symbol, trades, 'trades');
    assertTradesTrue(r, symbol, panel, 'panel trades');
    assertBooksSane(consumers.books);
    await Promise.all([waitForRuleStatus(consumers.engine, TICK_RULE, 'armed', 60_000), waitForRuleStatus(consumers.engine, CLOSE_RULE, 'armed', 60_000)]);
    assertFiresTrue(r, symbol, consumers);
    assertRuleStatesNamed(consumers);

    // Nothing outlives the last consumer: no topic or socket at the exchange (but the silenced ones, whose network is
    // gone: the server never reads the client's close), no stream, no timer of ours.
    at('end: checked; every consumer leaves');
    consumers.closeAll();
    const noneLeft = (s: EmulatorStats) => s.openSockets === s.silentSockets && (s.silentSockets > 0 || Object.keys(s.subscriptions).length === 0);
    await r.emulator.waitForStats(noneLeft, 20_000).catch((error: unknown) => {
      throw new Error(`sockets left after the last consumer: ${String(error)} ${JSON.stringify(r.emulator.stats().subscriptions)}`);
    });
    at('end: no socket left at the exchange');
    await r.hub.whenStreamsIdle();
    at('end: every stream stopped');
    assert.deepEqual(r.hub.activeStreams(), [], 'no stream left');
    // A socket left on a dead network (silenced) closes by ws's close handshake, which no answer ends: its timer (30 s,
    // then the socket is destroyed) is a close under way, bounded, not something left running.
    const left = timers.pendingStacks().filter((stack) => !/setCloseTimer/.test(timerOrigin(stack)));
    assert.deepEqual(left.map(timerOrigin), [], `timers of ours left after the last consumer:\n${left.join('\n---\n')}`);
  } catch (error) {
    const lines = rig?.log.lines ?? [];
    throw new Error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nthe hub's log (last 60 of ${lines.length} lines):\n${lines.slice(-60).join('\n')}`);
  } finally {
    for (const release of releases.splice(0)) release();
    timers.restore();
    await rig?.close();
    if (process.env.CHAOS_TRACE === '1') console.log(`${notes.join('\n')}\nclosed (at ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}
