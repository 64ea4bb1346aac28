import { AlertEngine, AlertStateStore, parseAlertsConfig } from '../src/core/alerts';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import { startEmulatorProcess } from './emulatorProcess';

export interface AlertsBenchResult {
  name: string;
  markets: number;
  rules: number;
  emulatorTradesPerSecond: number;
  seconds: number;
  baseline: { tradesPerSecond: number; cpuPercent: number };
  withRules: { tradesPerSecond: number; cpuPercent: number };
  alertEngineCpuPercent: number;
  perTradeEvaluationMicros: number;
  perTradePerRuleNanos: number;
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

async function phase(url: string, seconds: number, withRules: boolean): Promise<{ tradesPerSecond: number; cpuPercent: number }> {
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
  await new Promise((r) => setTimeout(r, 3000)); // warm-up: sockets open, history seeded, JIT warm
  trades = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const counted = trades;
  engine?.dispose();
  for (const s of subs) s.dispose();
  await hub.close();
  await registry.closeAll();
  return { tradesPerSecond: Math.round(counted / elapsed), cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 1000) / 10 };
}

/** 1000 rules over 20 markets at 10k trades/s: the alert engine's share of a core and its per-trade cost. */
export async function benchAlerts(seconds = 10): Promise<AlertsBenchResult> {
  const perSymbol = 500;
  const emu = await startEmulatorProcess(['--rate', String(perSymbol), '--symbols', SYMBOLS.join(','), '--history-minutes', '60']);
  try {
    const baseline = await phase(emu.url, seconds, false);
    const withRules = await phase(emu.url, seconds, true);
    const engineCpu = Math.max(0, withRules.cpuPercent - baseline.cpuPercent);
    const perTradeMicros = (engineCpu / 100 / Math.max(1, withRules.tradesPerSecond)) * 1e6;
    return {
      name: 'alerts-1000-rules-20-markets',
      markets: SYMBOLS.length,
      rules: 1000,
      emulatorTradesPerSecond: perSymbol * SYMBOLS.length,
      seconds,
      baseline,
      withRules,
      alertEngineCpuPercent: Math.round(engineCpu * 10) / 10,
      perTradeEvaluationMicros: Math.round(perTradeMicros * 100) / 100,
      perTradePerRuleNanos: Math.round((perTradeMicros * 1000) / 50),
    };
  } finally {
    await emu.stop();
  }
}
