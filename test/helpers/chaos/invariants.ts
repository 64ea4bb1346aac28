/**
 * What must hold at the end of every chaos seed: nothing lost, nothing wrong, nothing fatal. Each check throws an
 * assertion naming the consumer and the bar, trade or state that broke it.
 */
import * as assert from 'node:assert/strict';
import type { StreamState } from '../../../src/core/types';
import type { Timeframe } from '../../../src/core/timeframes';
import { bucketStart } from '../../../src/core/timeframes';
import type { Candle } from '../../../src/core/types';
import type { EmulatorTrade, ExchangeId } from '../../../src/emulator';
import type { RuleStatus } from '../../../src/core/alerts/ruleStatus';
import type { LostHole } from '../../../src/core/hub/requests';
import type { Recorder, Rig } from '../emulatorHub';
import { referenceCandles, roundCandle } from '../referenceCandles';
import { CLOSE_RULE, TICK_RULE, type AnyRecorder, type CandleReq, type ChaosConsumers, type Held } from './consumers';

const NAMED: ReadonlySet<StreamState['status']> = new Set(['connecting', 'live', 'reconnecting', 'retrying', 'degraded', 'stopped', 'failed']);
const SETTLE_MS = 60_000;

export const statesOf = (rec: AnyRecorder): StreamState[] => (rec.events as ReadonlyArray<{ type: string; state?: StreamState }>).flatMap((e) => (e.type === 'state' && e.state ? [e.state] : []));
const lastState = (rec: AnyRecorder): StreamState | undefined => statesOf(rec).at(-1);
const settled = (s: StreamState | undefined): boolean => (s?.status === 'live' && s.catchingUp !== true) || s?.status === 'failed';
const show = (rec: AnyRecorder): string => statesOf(rec).map((s) => JSON.stringify(s)).join('\n    ');

/** Every state is one of the named ones, and a state that tells of trouble says what. */
export function assertNamedStates(held: ReadonlyArray<{ name: string; rec: AnyRecorder }>): void {
  for (const { name, rec } of held) {
    for (const s of statesOf(rec)) {
      assert.ok(NAMED.has(s.status), `${name}: an unnamed state ${JSON.stringify(s)}`);
      if (s.status === 'reconnecting' || s.status === 'retrying' || s.status === 'degraded' || s.status === 'failed') assert.ok(s.reason.trim() !== '', `${name}: ${s.status} without a reason`);
    }
  }
}

/** Each held subscription ends live (caught up) or in a named failed state. */
export async function settleAll(held: ReadonlyArray<{ name: string; rec: AnyRecorder }>): Promise<void> {
  await Promise.all(
    held.map(({ name, rec }) =>
      (rec as Recorder<CandleReq>).next(() => settled(lastState(rec)), `${name}: live or failed`, SETTLE_MS).catch((error: unknown) => {
        throw new Error(`${name} did not end live or failed: ${String(error)}\n  states:\n    ${show(rec)}`);
      }),
    ),
  );
}

type Truth = ReadonlyMap<number, Candle>;
const truthOf = (trades: readonly EmulatorTrade[], tf: Timeframe): Truth => new Map(referenceCandles(trades, tf).map((c) => [c.time, roundCandle(c)]));

function wrongBars(bars: readonly Candle[], truth: Truth): string[] {
  return bars.filter((b) => !b.partial).flatMap((b) => {
    const want = truth.get(b.time);
    const got = roundCandle(b);
    return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${new Date(b.time).toISOString()}: ${JSON.stringify(got)}, true ${JSON.stringify(want)}`];
  });
}

/**
 * The market frozen and its last trade delivered: each held candles consumer's bars all equal the ground truth, but
 * for partial ones that say why: the bar since when its trades may be missing (`partialSince`: held bars the
 * exchange's klines do not hold yet, replaced once they close, which a frozen market's last bar never does), or its
 * series degraded with a reason. Waited for, as a gap's backfill may still be repairing them.
 */
export async function assertBarsTrue(rig: Rig<ExchangeId>, symbol: string, held: ReadonlyArray<Held<CandleReq>>, timeframeOf: (h: Held<CandleReq>) => Timeframe): Promise<void> {
  const trades = rig.emulator.trades(symbol);
  for (const h of held) {
    const tf = timeframeOf(h);
    const truth = truthOf(trades, tf);
    const degraded = () => {
      const s = lastState(h.rec);
      return s?.status === 'degraded' && s.reason !== '';
    };
    const unexplained = () => h.rec.candles.filter((c) => c.partial && c.partialSince === undefined && !degraded());
    const ok = () => h.rec.candles.length > 0 && wrongBars(h.rec.candles, truth).length === 0 && unexplained().length === 0;
    await h.rec.next(ok, `${h.name}: every bar true`, SETTLE_MS).catch(() => {
      const partial = h.rec.candles.filter((c) => c.partial).map((c) => JSON.stringify(c));
      throw new Error(`${h.name}: bars unlike the ground truth:\n    ${wrongBars(h.rec.candles, truth).slice(0, 8).join('\n    ')}\n  partial bars (series degraded: ${degraded()}):\n    ${partial.join('\n    ')}\n  states:\n    ${show(h.rec)}`);
    });
  }
}

/**
 * Whatever each candles consumer was ever told was final is true: every bar a `closed` delta carried and every bar
 * but the newest of each snapshot (partial ones aside), and no closed bar was revised.
 */
export function assertNothingClosedWrong(rig: Rig<ExchangeId>, symbol: string, all: ReadonlyArray<Held<CandleReq>>, timeframeOf: (h: Held<CandleReq>) => Timeframe): void {
  const trades = rig.emulator.trades(symbol);
  for (const h of all) {
    const truth = truthOf(trades, timeframeOf(h));
    const closed: Candle[] = [];
    const revised: Candle[] = [];
    for (const e of h.rec.events) {
      if (e.type === 'deltas') for (const d of e.deltas) (d.kind === 'closed' ? closed : d.kind === 'revised' ? revised : []).push(d.candle);
      if (e.type === 'snapshot') closed.push(...e.candles.slice(0, -1));
    }
    assert.deepEqual(revised.map((c) => JSON.stringify(c)), [], `${h.name}: a closed bar was revised`);
    const wrong = wrongBars(closed, truth);
    assert.deepEqual(wrong, [], `${h.name}: bars given as final that are not the ground truth`);
  }
}

type TradesRead = ReadonlyArray<{ type: string; late?: true; lost?: LostHole; found?: { from: number; until: number }; trades?: ReadonlyArray<{ id: string; price: number; timestamp: number; amount: number }> }>;

/**
 * The spans a consumer was told it will never get the trades of (a lost hole: `lost`), each from the trade it follows
 * to the stream's pick-up; one given up before the pick-up ends at the first trade streamed after it was told. A span
 * found after all (a later event's `found` from its start on) is no gap: its trades must then all have come.
 */
export function announcedGaps(events: TradesRead): Array<{ readonly from: number; readonly until: number }> {
  return events.flatMap((e, k) => {
    if (e.type !== 'trades' || e.lost === undefined) return [];
    const pickUp = e.lost.until ?? events.slice(k + 1).find((x) => x.type === 'trades' && x.late !== true && (x.trades?.length ?? 0) > 0)?.trades?.[0]?.timestamp;
    const from = e.lost.from;
    if (events.slice(k + 1).some((x) => x.found !== undefined && x.found.from <= from && (pickUp === undefined || x.found.until >= pickUp))) return [];
    return [{ from, until: pickUp ?? Number.POSITIVE_INFINITY }];
  });
}

/**
 * Every trade delivered is one the exchange made, once, and from the first to the last delivered none is missing,
 * but in a span the consumer was told is lost (announcedGaps): a gap named is not a trade silently lost.
 */
export function assertTradesTrue(rig: Rig<ExchangeId>, symbol: string, rec: AnyRecorder, name: string): void {
  const emu = rig.emulator;
  const log = emu.trades(symbol);
  const byWire = new Map(log.map((t, i) => [emu.wireTradeId(symbol, t), i]));
  const seen = new Map<string, number>();
  const events = rec.events as TradesRead;
  const gaps = announcedGaps(events);
  const announced = (t: EmulatorTrade): boolean => gaps.some((g) => t.timestamp >= g.from && t.timestamp <= g.until);
  const deliveries = (id: string) => events.flatMap((e, k) => (e.type === 'trades' && e.trades?.some((x) => x.id === id) ? [`event ${k}${e.late ? ' (late)' : ''} of ${e.trades.length}`] : []));
  for (const e of events) {
    if (e.type !== 'trades' || e.trades === undefined) continue;
    for (const t of e.trades) {
      const i = byWire.get(t.id);
      assert.ok(i !== undefined, `${name}: trade ${JSON.stringify(t)} is none the exchange made`);
      const real = log[i] as EmulatorTrade;
      assert.ok(real.price === t.price && real.timestamp === t.timestamp && Math.abs(real.amount - t.amount) <= 1e-9 * Math.max(1, real.amount), `${name}: trade ${JSON.stringify(t)} differs from the exchange's ${JSON.stringify(real)}`);
      assert.ok(!seen.has(t.id), `${name}: trade ${t.id} delivered twice: ${deliveries(t.id).join(', ')}`);
      seen.set(t.id, i);
    }
  }
  const indexes = [...seen.values()].sort((a, b) => a - b);
  if (indexes.length === 0) return;
  const missing = log.slice(indexes[0], (indexes.at(-1) as number) + 1).filter((t) => !seen.has(emu.wireTradeId(symbol, t)) && !announced(t));
  const around = (t: EmulatorTrade) => {
    const events = rec.events as ReadonlyArray<{ type: string; late?: true; trades?: ReadonlyArray<{ id: string }> }>;
    const near = new Set([t.id - 2, t.id - 1, t.id + 1, t.id + 2].map((id) => log.find((x) => x.id === id)).flatMap((x) => (x ? [emu.wireTradeId(symbol, x)] : [])));
    return events.flatMap((e, i) => (e.type === 'trades' && e.trades?.some((x) => near.has(x.id)) ? [`event ${i}${e.late ? ' (late)' : ''}: ${e.trades.map((x) => x.id).join(' ')}`] : []));
  };
  assert.deepEqual(
    missing.slice(0, 5).map((t) => `${t.id} at ${new Date(t.timestamp).toISOString()}`),
    [],
    `${name}: ${missing.length} trade(s) between the first and the last delivered never came, in no span told lost (${JSON.stringify(gaps)}); the events of its neighbours:\n${missing.slice(0, 2).flatMap(around).join('\n')}`,
  );
}

/** One line an event of a trades consumer: a batch's size and ids (first..last), late or lost, or a state. */
export function describeEvents(events: TradesRead): string[] {
  return events.map((e) => {
    if (e.type === 'state') return `state ${JSON.stringify((e as { state?: StreamState }).state)}`;
    if (e.type !== 'trades') return e.type;
    const t = e.trades ?? [];
    const ids = t.length === 0 ? '' : ` ${t[0]?.id}..${t.at(-1)?.id} (${new Date(t[0]?.timestamp ?? 0).toISOString()}..${new Date(t.at(-1)?.timestamp ?? 0).toISOString()})`;
    return `trades ×${t.length}${e.late ? ' late' : ''}${e.lost ? ` lost ${JSON.stringify(e.lost)}` : ''}${e.found ? ` found ${JSON.stringify(e.found)}` : ''}${ids}`;
  });
}

/** Every book a consumer saw is a book: bids falling, asks rising, positive amounts, not crossed. */
export function assertBooksSane(books: ReadonlyArray<{ name: string; rec: AnyRecorder }>): void {
  for (const { name, rec } of books) {
    for (const e of rec.events as ReadonlyArray<{ type: string; book?: { bids: ReadonlyArray<readonly [number, number]>; asks: ReadonlyArray<readonly [number, number]> } }>) {
      if (e.type !== 'orderbook' || e.book === undefined) continue;
      const { bids, asks } = e.book;
      const where = `${name}: the book ${JSON.stringify({ bids: bids.slice(0, 3), asks: asks.slice(0, 3) })}`;
      for (let i = 1; i < bids.length; i++) assert.ok((bids[i] as [number, number])[0] < (bids[i - 1] as [number, number])[0], `${where}: bids not falling`);
      for (let i = 1; i < asks.length; i++) assert.ok((asks[i] as [number, number])[0] > (asks[i - 1] as [number, number])[0], `${where}: asks not rising`);
      assert.ok([...bids, ...asks].every(([, amount]) => amount > 0), `${where}: a level without an amount`);
      if (bids.length > 0 && asks.length > 0) assert.ok((bids[0] as [number, number])[0] < (asks[0] as [number, number])[0], `${where}: crossed`);
    }
  }
}

const range = (c: Candle): number => ((c.high - c.low) / c.close) * 100;

/** The tick rule fired at most once a minute, on a real trade's price; the close rule at most once a bar, on its true range. */
export function assertFiresTrue(rig: Rig<ExchangeId>, symbol: string, consumers: ChaosConsumers): void {
  const trades = rig.emulator.trades(symbol);
  const truth = truthOf(trades, '1m');
  const ticks = consumers.fires.filter((f) => f.ruleId === TICK_RULE);
  const tickBars = ticks.map((f) => bucketStart('1m', f.firedAt));
  assert.equal(new Set(tickBars).size, tickBars.length, `${TICK_RULE} fired more than once in a minute: ${JSON.stringify(ticks)}`);
  for (const f of ticks) assert.ok(trades.some((t) => t.timestamp === f.firedAt && t.price === f.value), `${TICK_RULE} fired on ${f.value} at ${f.firedAt}: no such trade`);
  const closes = consumers.fires.filter((f) => f.ruleId === CLOSE_RULE);
  const closeBars = closes.map((f) => f.barTime);
  assert.equal(new Set(closeBars).size, closeBars.length, `${CLOSE_RULE} fired more than once for a bar: ${JSON.stringify(closes)}`);
  for (const f of closes) {
    const bar = truth.get(f.barTime ?? NaN);
    assert.ok(bar !== undefined, `${CLOSE_RULE} fired for a bar the exchange never had: ${JSON.stringify(f)}`);
    assert.ok(Math.abs(f.value - range(bar)) <= 1e-9 * Math.max(1, range(bar)), `${CLOSE_RULE} fired for ${new Date(bar.time).toISOString()} on ${f.value}, its true range is ${range(bar)}`);
  }
}

const RULE_STATES: ReadonlySet<RuleStatus['kind']> = new Set(['armed', 'warming_up', 'cooling', 'snoozed', 'paused', 'done', 'expired', 'disabled', 'catching_up', 'retrying', 'degraded', 'failed']);

/** Every rule status seen is a named one. */
export function assertRuleStatesNamed(consumers: ChaosConsumers): void {
  for (const [rule, list] of consumers.ruleStatuses) for (const s of list) assert.ok(RULE_STATES.has(s.kind), `rule ${rule}: an unnamed status ${JSON.stringify(s)}`);
}
