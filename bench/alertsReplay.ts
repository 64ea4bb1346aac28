/**
 * The alert engine alone, without sockets or ccxt: the bench's 1000 rules on 20 markets fed a deterministic trade
 * stream (500 trades/s per market in market time) through an in-process hub that hands out trades and the 1m
 * candle deltas a candle factory would emit for them, one trade per batch as live. CPU per trade is therefore the
 * engine's own cost (evaluation, status upkeep, its garbage), free of the network noise of the live bench.
 */
import { AlertEngine, AlertStateStore, parseAlertsConfig } from '../src/core/alerts';
import type { AlertHub } from '../src/core/alerts/alertHub';
import type { CandleEvent, EventFor, Subscription, SubscriptionRequest, TradesEvent } from '../src/core/hub/requests';
import { bucketStart } from '../src/core/timeframes';
import type { AlertRule } from '../src/core/alerts/rules';
import type { Candle, Trade } from '../src/core/types';

export interface AlertsReplayResult {
  name: string;
  markets: number;
  rules: number;
  tradesReplayed: number;
  /** Engine CPU per trade over the measured stretch. */
  perTradeMicros: number;
  perTradePerRuleNanos: number;
  /** perTradeMicros at 10 000 trades/s, as a share of one core. */
  cpuPercentAt10kPerSecond: number;
  evaluationsPerTrade: number;
}

type Consumer = { request: SubscriptionRequest; emit: (e: CandleEvent | TradesEvent) => void };

/** Trades and candles of every market, pushed synchronously by the replay. */
class ReplayHub implements AlertHub {
  readonly consumers = new Set<Consumer>();

  constructor(private readonly historyOf: (symbol: string) => Candle[]) {}

  async candlesBetween(): Promise<Candle[]> {
    return [];
  }

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const c: Consumer = { request, emit: consumer as (e: CandleEvent | TradesEvent) => void };
    this.consumers.add(c);
    if (request.kind === 'candles') c.emit({ type: 'snapshot', candles: this.historyOf(request.symbol) });
    c.emit({ type: 'state', state: { status: 'live', since: 0 } });
    return { ready: Promise.resolve(), dispose: () => this.consumers.delete(c) };
  }

  /** Consumers per symbol, split by kind, for the replay loop. */
  bySymbol(): Map<string, { trades: Consumer[]; candles: Consumer[] }> {
    const m = new Map<string, { trades: Consumer[]; candles: Consumer[] }>();
    for (const c of this.consumers) {
      const entry = m.get(c.request.symbol) ?? { trades: [], candles: [] };
      (c.request.kind === 'candles' ? entry.candles : entry.trades).push(c);
      m.set(c.request.symbol, entry);
    }
    return m;
  }
}

/** A seeded random walk per market. */
function walker(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export function benchAlertsReplay(rulesYaml: string, symbols: readonly string[], perSymbolPerSecond = 500, measuredSeconds = 10): AlertsReplayResult {
  const config = parseAlertsConfig(rulesYaml);
  if (config.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(config.diagnostics.slice(0, 3)));
  const script = buildScript(symbols, perSymbolPerSecond, measuredSeconds);
  // Delivering the prepared events costs something too: measured without rules and taken off. Rounds alternate
  // (after one unmeasured round each, for the JIT) and the medians are compared.
  replay([], script);
  replay(config.rules, script);
  const bare: number[] = [];
  const withRules: number[] = [];
  let evaluations = 0;
  for (let round = 0; round < 3; round++) {
    bare.push(replay([], script).cpuMicros);
    const r = replay(config.rules, script);
    withRules.push(r.cpuMicros);
    evaluations = r.evaluations;
  }
  const trades = script.measured.length;
  const micros = Math.max(0, median(withRules) - median(bare)) / trades;
  const rules = config.rules.length;
  return {
    name: 'alerts-engine-replay',
    markets: symbols.length,
    rules,
    tradesReplayed: trades,
    perTradeMicros: round(micros, 2),
    perTradePerRuleNanos: Math.round((micros * 1000 * symbols.length) / rules),
    cpuPercentAt10kPerSecond: round((micros * 10_000) / 1e4, 1),
    evaluationsPerTrade: round(evaluations / trades, 1),
  };
}

/** One trade as the hub would deliver it: the trades event and the candle deltas it causes. */
interface Step {
  readonly symbol: number;
  readonly time: number;
  readonly trades: TradesEvent;
  readonly candles: CandleEvent;
}

interface Script {
  readonly symbols: readonly string[];
  readonly start: number;
  readonly history: readonly (readonly Candle[])[];
  /** Six minutes at one trade per second per market: fills every CVD window before measuring. */
  readonly warmup: readonly Step[];
  readonly measured: readonly Step[];
}

function buildScript(symbols: readonly string[], perSymbolPerSecond: number, measuredSeconds: number): Script {
  const start = Date.UTC(2026, 0, 1);
  const markets = symbols.map((_, i) => ({ next: walker(i + 1), price: 100 + i, bar: undefined as Candle | undefined }));
  const history = symbols.map((_, m) =>
    Array.from({ length: 100 }, (_, i) => {
      const p = 100 + m + Math.sin(i / 5);
      return { time: start - (100 - i) * 60_000, open: p, high: p + 0.5, low: p - 0.5, close: p, volume: 10 };
    }),
  );
  const step = (symbol: number, t: number): Step => {
    const m = markets[symbol]!;
    m.price *= 1 + (m.next() - 0.5) * 0.0004;
    const tr: Trade = { id: String(t), timestamp: t, price: m.price, amount: 0.01 + m.next(), side: m.next() < 0.5 ? 'buy' : 'sell' };
    const time = bucketStart('1m', t);
    const deltas: { kind: 'updated' | 'closed'; candle: Candle }[] = [];
    if (m.bar && m.bar.time !== time) {
      deltas.push({ kind: 'closed', candle: m.bar });
      m.bar = undefined;
    }
    m.bar = m.bar
      ? { ...m.bar, high: Math.max(m.bar.high, tr.price), low: Math.min(m.bar.low, tr.price), close: tr.price, volume: m.bar.volume + tr.amount }
      : { time, open: tr.price, high: tr.price, low: tr.price, close: tr.price, volume: tr.amount };
    deltas.push({ kind: 'updated', candle: m.bar });
    return { symbol, time: t, trades: { type: 'trades', trades: [tr] }, candles: { type: 'deltas', deltas } };
  };
  const warmup: Step[] = [];
  for (let s = 0; s < 360; s++) for (let i = 0; i < symbols.length; i++) warmup.push(step(i, start + s * 1000 + i));
  const measured: Step[] = [];
  const measuredStart = start + 360_000;
  for (let k = 0; k < perSymbolPerSecond * measuredSeconds; k++) {
    const t = measuredStart + Math.floor((k * 1000) / perSymbolPerSecond);
    for (let i = 0; i < symbols.length; i++) measured.push(step(i, t));
  }
  return { symbols, start, history, warmup, measured };
}

function replay(rules: readonly AlertRule[], script: Script): { cpuMicros: number; evaluations: number } {
  let now = script.start;
  const hub = new ReplayHub((symbol) => [...(script.history[script.symbols.indexOf(symbol)] ?? [])]);
  const engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), clock: { now: () => now }, minHistoryBars: 100 });
  engine.setRules(rules);
  const targets = hub.bySymbol();
  const consumers = script.symbols.map((symbol) => targets.get(symbol) ?? { trades: [], candles: [] });
  const play = (steps: readonly Step[]): void => {
    for (const s of steps) {
      now = s.time;
      const c = consumers[s.symbol]!;
      for (const t of c.trades) t.emit(s.trades);
      for (const k of c.candles) k.emit(s.candles);
    }
  };
  play(script.warmup);
  const evaluationsBefore = totalEvaluations(engine);
  const cpu0 = process.cpuUsage();
  play(script.measured);
  const cpu = process.cpuUsage(cpu0);
  const evaluations = totalEvaluations(engine) - evaluationsBefore;
  engine.dispose();
  return { cpuMicros: cpu.user + cpu.system, evaluations };
}

function totalEvaluations(engine: AlertEngine): number {
  let n = 0;
  for (const count of engine.evaluationCounts().values()) n += count;
  return n;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
