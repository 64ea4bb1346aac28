/**
 * The Markets tree and Find Market… at real size, in the extension's own code (VS Code's rendering excluded):
 * expanding a quote group of 2,000 markets (getChildren + getTreeItem of every row) against a group of 3, and
 * building the Find Market rows of every market of three real-size emulators (real ccxt) against 3 markets.
 */
import { setConfiguration } from '../test/helpers/fakeVscode';
import type * as vscode from 'vscode';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import type { MarketInfo } from '../src/core/exchange/marketDataClient';
import { ExchangeEmulator, type ExchangeId } from '../src/emulator';
import type { EngineHost } from '../src/extension/engineHost';
import { marketPickItems } from '../src/extension/markets/findMarket';
import type { MarketNode } from '../src/extension/markets/marketNodes';
import { MarketsTreeProvider } from '../src/extension/markets/marketsTreeProvider';
import { readSettings } from '../src/extension/settings';

export interface MarketsTreeBenchResult {
  /** `perRowRatio`: the cost per row against the baseline's; about 1 means linear (no per-row work grows with n). */
  expandGroup: { rows: number; medianMs: number; baselineRows: number; baselineMedianMs: number; ratio: number; perRowRatio: number };
  findMarketItems: { markets: number; exchanges: readonly string[]; medianMs: number; baselineMarkets: number; baselineMedianMs: number; ratio: number; perRowRatio: number };
}

const RUNS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(s.length / 2)] ?? 0) * 1000) / 1000;
}

function fakeMarkets(count: number): MarketInfo[] {
  return Array.from({ length: count }, (_, i) => ({ symbol: `C${i.toString(36).toUpperCase()}/USDT`, base: `C${i.toString(36).toUpperCase()}`, quote: 'USDT', active: i % 3 !== 0, tickSize: 0.0001 }));
}

const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;

/** One fresh provider per run: the exchange node is opened first (markets loaded and grouped), then the timed group. */
async function timeExpand(markets: readonly MarketInfo[]): Promise<number> {
  const engine = { hub: { markets: () => Promise.resolve(markets) }, warm: () => undefined } as unknown as EngineHost;
  const settings = readSettings().settings;
  const tree = new MarketsTreeProvider(engine, () => settings, memento);
  try {
    const [group] = (await tree.getChildren({ kind: 'exchange', exchange: 'binance' })) as MarketNode[];
    if (group?.kind !== 'quote') throw new Error('no quote group');
    const t0 = performance.now();
    const rows = await tree.getChildren(group);
    for (const row of rows) tree.getTreeItem(row);
    const ms = performance.now() - t0;
    if (rows.length !== markets.length) throw new Error(`${rows.length} rows for ${markets.length} markets`);
    return ms;
  } finally {
    tree.dispose();
  }
}

async function realSizeMarkets(): Promise<Array<{ exchange: string; markets: readonly MarketInfo[] }>> {
  const exchanges: ExchangeId[] = ['binance', 'coinbase', 'bybit'];
  const emulators = await Promise.all(exchanges.map((exchange) => ExchangeEmulator.start<ExchangeId>({ exchange, markets: 'real-size', seed: 5, tradesPerSecond: 1, historyMinutes: 5 })));
  const registry = new ExchangeRegistry(emulators.map((e) => ({ id: e.exchange, endpoint: e.url })));
  try {
    return await Promise.all(exchanges.map(async (exchange) => ({ exchange, markets: await (await registry.get(exchange)).loadMarkets() })));
  } finally {
    await registry.closeAll();
    await Promise.all(emulators.map((e) => e.close()));
  }
}

function timeItems(lists: ReadonlyArray<{ exchange: string; markets: readonly MarketInfo[] }>): number {
  const t0 = performance.now();
  marketPickItems(lists);
  return performance.now() - t0;
}

export async function benchMarketsTree(): Promise<MarketsTreeBenchResult> {
  setConfiguration({ 'tradesuite.exchanges': ['binance'] });
  const big = fakeMarkets(2000);
  const small = fakeMarkets(3);
  const bigRuns: number[] = [];
  const smallRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so the machine's noise falls on both alike.
    smallRuns.push(await timeExpand(small));
    bigRuns.push(await timeExpand(big));
  }
  const lists = await realSizeMarkets();
  const baseline = [{ exchange: 'binance', markets: lists[0]!.markets.slice(0, 3) }];
  const itemRuns: number[] = [];
  const baseRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseRuns.push(timeItems(baseline));
    itemRuns.push(timeItems(lists));
  }
  const expand = { rows: big.length, medianMs: median(bigRuns), baselineRows: small.length, baselineMedianMs: median(smallRuns) };
  const items = { markets: lists.reduce((n, l) => n + l.markets.length, 0), exchanges: lists.map((l) => l.exchange), medianMs: median(itemRuns), baselineMarkets: 3, baselineMedianMs: median(baseRuns) };
  const ratio = (ms: number, baseMs: number) => Math.round((ms / Math.max(0.001, baseMs)) * 10) / 10;
  const perRow = (ms: number, n: number, baseMs: number, baseN: number) => Math.round((ms / n / (Math.max(0.001, baseMs) / baseN)) * 100) / 100;
  return {
    expandGroup: { ...expand, ratio: ratio(expand.medianMs, expand.baselineMedianMs), perRowRatio: perRow(expand.medianMs, expand.rows, expand.baselineMedianMs, expand.baselineRows) },
    findMarketItems: { ...items, ratio: ratio(items.medianMs, items.baselineMedianMs), perRowRatio: perRow(items.medianMs, items.markets, items.baselineMedianMs, items.baselineMarkets) },
  };
}
