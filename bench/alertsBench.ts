import { AlertEngine, AlertStateStore, parseAlertsConfig } from '../src/core/alerts';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import { benchAlertsReplay, type AlertsReplayResult } from './alertsReplay';
import { cpuOver } from './cpuWindow';
import { startEmulatorProcess } from './emulatorProcess';

interface PhaseResult {
  tradesPerSecond: number;
  cpuPercent: number;
}

export interface AlertsBenchResult {
  name: string;
  markets: number;
  rules: number;
  emulatorTradesPerSecond: number;
  seconds: number;
  rounds: number;
  /** The median phase, and every phase's CPU. */
  baseline: PhaseResult & { runs: number[] };
  withRules: PhaseResult & { runs: number[] };
  /** Median with rules − median without, in % of one core. */
  alertEngineCpuPercent: number;
  /** The engine alone, in process: CPU per trade and per rule. */
  replay: AlertsReplayResult;
}

const SYMBOLS = Array.from({ length: 20 }, (_, i) => `C${String.fromCharCode(65 + i)}/USDT`);

/** 50 rules per market that evaluate on every trade or bar but never fire: the cost of watching, not of alerting. */
function rulesYaml(): string {
  const kinds = [
    (s: string, i: number) => `  - { id: p${i}, name: p${i}, type: price_level, symbol: ${s}, above: 1000000000 }`,
    (s: string, i: number) => `  - { id: c${i}, name: c${i}, type: cvd_change, symbol: ${s}, window: 1m, above: 1000000000 }`,
    (s: string, i: number) => `  - { id: r${i}, name: r${i}, type: cvd_ratio, symbol: ${s}, window: 5m, above: 1 }`,
    (s: string, i: number) => `  - { id: e${i}, name: e${i}, type: indicator, symbol: ${s}, timeframe: 1m, left: close, op: above, right: { indicator: ema, period: ${5 + (i % 20)} }, frequency: once_per_bar_close, cooldown: 1000d }`,
    (s: string, i: number) => `  - { id: s${i}, name: s${i}, type: indicator, symbol: ${s}, timeframe: 1m, left: { indicator: rsi, period: 14 }, op: above, right: 101 }`,
  ];
  const lines = ['defaults: { exchange: binance }', 'rules:'];
  let n = 0;
  for (const s of SYMBOLS) for (let j = 0; j < 50; j++) lines.push(kinds[j % kinds.length]!(s, n++));
  return lines.join('\n') + '\n';
}

/**
 * Seeding a candle series fetches its history and the trades of the bar in progress over REST (up to a minute of
 * trades per market here, parsed by ccxt): that start-up work must be over before the measurement starts.
 */
async function candleHistoryLoaded(engine: AlertEngine, timeoutMs = 120_000): Promise<void> {
  const warming = new Set(engine.statuses().flatMap((s) => (s.ruleType === 'indicator' && s.status.kind === 'warming_up' ? [s.ruleId] : [])));
  if (warming.size === 0) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`candle history still loading after ${timeoutMs} ms for ${warming.size} rules`));
    }, timeoutMs);
    const sub = engine.onStatus((entry) => {
      if (entry.ruleType !== 'indicator') return;
      if (entry.status.kind === 'warming_up') warming.add(entry.ruleId);
      else warming.delete(entry.ruleId);
      if (warming.size > 0) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

async function phase(url: string, seconds: number, withRules: boolean): Promise<PhaseResult> {
  const registry = new ExchangeRegistry([{ id: 'binance', endpoint: url }]);
  const hub = new MarketHub({ clients: registry, historyBars: 100 });
  let trades = 0;
  const subs = SYMBOLS.map((symbol) => hub.subscribe({ kind: 'trades', exchange: 'binance', symbol }, (e) => e.type === 'trades' && (trades += e.trades.length)));
  let engine: AlertEngine | undefined;
  if (withRules) {
    const config = parseAlertsConfig(rulesYaml());
    if (config.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(config.diagnostics.slice(0, 3)));
    engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), minHistoryBars: 100 });
    engine.setRules(config.rules);
  }
  await Promise.all(subs.map((s) => s.ready));
  if (engine) await candleHistoryLoaded(engine);
  await new Promise((r) => setTimeout(r, 3000)); // warm-up: sockets open, JIT warm
  const result = await cpuOver(seconds, () => trades);
  engine?.dispose();
  for (const s of subs) s.dispose();
  await hub.close();
  await registry.closeAll();
  return result;
}

/**
 * 1000 rules over 20 markets at 10k trades/s: the alert engine's share of a core (live, through ccxt and the
 * emulator) and its own cost per trade (replayed in process, see alertsReplay). Live phases alternate, without and
 * with the rules, `rounds` times; the medians are compared, as single phases vary by several points of a core.
 */
export async function benchAlerts(seconds = 8, rounds = 5): Promise<AlertsBenchResult> {
  const perSymbol = 500;
  const replay = benchAlertsReplay(rulesYaml(), SYMBOLS, perSymbol);
  const emu = await startEmulatorProcess(['--rate', String(perSymbol), '--symbols', SYMBOLS.join(','), '--history-minutes', '60', '--markets', 'real-size']);
  try {
    const baselines: PhaseResult[] = [];
    const withRules: PhaseResult[] = [];
    for (let r = 0; r < rounds; r++) {
      baselines.push(await phase(emu.url, seconds, false));
      withRules.push(await phase(emu.url, seconds, true));
    }
    const baseline = medianPhase(baselines);
    const rules = medianPhase(withRules);
    const engineCpu = Math.max(0, rules.cpuPercent - baseline.cpuPercent);
    return {
      name: 'alerts-1000-rules-20-markets',
      markets: SYMBOLS.length,
      rules: 1000,
      emulatorTradesPerSecond: perSymbol * SYMBOLS.length,
      seconds,
      rounds,
      baseline: { ...baseline, runs: baselines.map((p) => p.cpuPercent) },
      withRules: { ...rules, runs: withRules.map((p) => p.cpuPercent) },
      alertEngineCpuPercent: Math.round(engineCpu * 10) / 10,
      replay,
    };
  } finally {
    await emu.stop();
  }
}

function medianPhase(phases: readonly PhaseResult[]): PhaseResult {
  const sorted = [...phases].sort((a, b) => a.cpuPercent - b.cpuPercent);
  return sorted[Math.floor(sorted.length / 2)]!;
}
