/**
 * `npm run bench`: runs every benchmark and writes bench/results/latest.json (plus a timestamped copy). Numbers
 * belong here, never in tests. Record notable runs in docs/BENCHMARKS.md.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchCandleIngest } from './candleIngest';
import { benchCandleCacheFile } from './candleCacheFile';
import { benchStoreCompaction } from './storeCompaction';
import { benchFootprintMemory } from './footprintIngest';
import { benchFootprintIngestBundled } from './footprintIngestBundled';
import { benchAggregateIngest } from './aggregateIngest';
import { benchAggregatePanels } from './aggregatePanels';
import { benchRecorderOverheadBundled } from './recorderOverheadBundled';
import { benchReplay } from './replayBench';
import { BENCH_EXCHANGES, benchHubThroughput, benchSubscriptionPosition } from './hubThroughput';
import { benchActivation, type ActivationMedians } from './activation';
import { benchVscodeTabSwitch } from './tabSwitchBench';
import { benchKeptPageMemory, type KeptPageMemoryRun } from './keptPageMemory';
import { benchVscodeOpenChart, benchVscodeOpenFloors, benchVscodeOpenFromView, benchVscodePanels, median, type KeptProfileRuns, type OpenSplit } from './vscodeBench';
import { benchAlerts } from './alertsBench';
import { benchMarketsTree } from './marketsTree';
import { benchMarketsLoad } from './marketsLoad';
import { benchOlderBars } from './olderBars';
import { benchHeatmapBuffer } from './heatmapBuffer';
import { benchHeatmapFrames } from './heatmapFrames';
import { benchChartPage } from './chartPage';
import { benchChartBoot } from './chartBoot';
import { benchCcxtLoad } from './ccxtLoad';
import { benchPanelHostCpu } from './panelHostCpu';
import { benchFindMarketBrowser } from './findMarketBrowser';
import { benchMarketsTreeBrowser } from './marketsTreeBrowser';
import { benchHostHeap } from './hostHeap';
import { benchSoak } from './soak';
import { statSync } from 'node:fs';

const BOOT_STEPS = ['panelCreatedMs', 'firstBarsMs', 'pageSetMs', 'pageNavigationMs', 'documentLoadedMs', 'previewPaintedMs', 'scriptFetchedMs', 'scriptStartMs', 'readySentMs', 'readyReceivedMs', 'firstPostMs', 'snapshotReceivedMs', 'snapshotAppliedMs', 'pagePaintedMs', 'paintedMs'] as const;
type BootLine = Record<Exclude<(typeof BOOT_STEPS)[number], 'previewPaintedMs'>, number | null> & { previewPaintedMs?: number | null; hostBlocks?: Array<[number, number]> };
const steps = (b: BootLine) => BOOT_STEPS.map((k) => b[k] ?? '-').join('/');
/** The extension host's event loop held up ≥ 50 ms during the open: length@start, ms after the command. */
const blocks = (b: BootLine) => (b.hostBlocks?.length ? ` host blocked ${b.hostBlocks.map(([at, ms]) => `${ms}@${at}`).join(' ')}` : '');
const tl = (r: { paintMs: number; sameWindowAgainMs: number; boot: BootLine; sameWindowAgainBoot: BootLine }) => `${steps(r.boot)}${blocks(r.boot)} (again ${steps(r.sameWindowAgainBoot)}${blocks(r.sameWindowAgainBoot)})`;

// VS Code's part: the command until our page is requested; ours: from there to painted.
// The page paints before the host hears of it (the message's trip through the workbench): both are shown.
const split = (x: { paintMs: number; boot: BootLine }) => {
  const { pageNavigationMs: nav, pagePaintedMs: painted } = x.boot;
  const preview = x.boot.previewPaintedMs == null ? '' : ` (its preview at ${x.boot.previewPaintedMs} ms)`;
  const onPage = painted === null || nav === null ? '' : `; painted on the page at ${painted} ms${preview} = VS Code ${nav} + ours ${painted - nav}, the host heard it ${x.paintMs - painted} ms later`;
  return `${x.paintMs} ms = VS Code ${nav ?? '-'} + ours ${nav === null ? '-' : x.paintMs - nav}${onPage}`;
};
const med = (x: OpenSplit) => `${x.paintMs} ms (painted on the page: VS Code ${x.vscodeMs ?? '-'} + ours ${x.oursMs ?? '-'}${x.previewMs == null ? '' : `; its preview ${x.previewMs} ms after the command`})`;
const listed = (x: { fromView?: { marketsListedMs: number } }) => `${x.fromView?.marketsListedMs ?? '-'} ms`;

function printFromView(v: KeptProfileRuns, goals: { coldMs: number; warmMs: number }): void {
  const floor = v.medians.floor;
  console.log(
    `  kept browser, from the Markets view (the view shown, the chart opened once the tree can list the markets), medians of ${v.medians.pairs} pairs: cold ${med(v.medians.cold)} (goal ≤ ${goals.coldMs}), warm ${med(v.medians.warm)} (goal ≤ ${goals.warmMs}); ` +
      (floor ? `the floor, a bare webview as the window's first (same path, warm cache): ${med(floor)}, warm ×${Math.round((v.medians.warm.paintMs / Math.max(1, floor.paintMs)) * 100) / 100} of it; ` : '') +
      `each pair (markets listed after the view was shown; the open): ${[{ cold: v.cold, warm: v.warm }, ...v.more].map((p) => `cold ${listed(p.cold)}; ${split(p.cold)}, warm ${listed(p.warm)}; ${split(p.warm)}`).join(' | ')}` +
      (v.floors?.length ? `; floors: ${v.floors.map((f) => `${f.variant && f.variant !== 'bare' ? `(${f.variant}) ` : ''}${f.floor.paintMs} ms = VS Code ${f.floor.pageNavigationMs} + page ${f.floor.pagePaintedMs - f.floor.pageNavigationMs}${f.floor.previewPaintedMs === undefined ? '' : ` (its preview ${f.floor.previewPaintedMs - f.floor.pageNavigationMs})`}`).join(', ')}` : ''),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // The soak's length: `--minutes N` (or a bare number, as before).
  const minutesAt = args.indexOf('--minutes');
  const minutesArg = minutesAt >= 0 ? args.splice(minutesAt, 2)[1] : args.find((a) => /^\d+$/.test(a));
  const soakMinutes = Number(minutesArg ?? 30);
  if (!(soakMinutes > 0)) throw new Error(`--minutes must be a positive number, got ${minutesArg}`);
  const only = args.filter((a) => !/^\d+$/.test(a));
  const want = (name: string) => only.length === 0 || only.includes(name);
  const results: Record<string, unknown> = {};
  if (want('ingest')) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await benchCandleIngest());
    runs.sort((a, b) => a.tradesPerSecond - b.tradesPerSecond);
    results.candleIngest = { median: runs[1], runs: runs.map((r) => r.tradesPerSecond) };
    console.log(`candle ingest, 6 timeframes: median ${runs[1]!.tradesPerSecond.toLocaleString()} trades/s (runs: ${runs.map((r) => r.tradesPerSecond.toLocaleString()).join(', ')}; per CPU second ${runs.map((r) => r.tradesPerCpuSecond.toLocaleString()).join(', ')})`);
  }
  if (want('candlecache')) {
    const r = await benchCandleCacheFile();
    results.candleCacheFile = r;
    const c = (x: typeof r.small) => `newest 500 read ${x.newest500Ms} ms, a closed bar merged ${x.mergeOneMs} ms (the whole file read ${x.wholeReadMs} ms, read + merged + rewritten ${x.wholeMergeMs} ms)`;
    console.log(`candle cache, a file of ${r.large.rows.toLocaleString()} 1m bars: ${c(r.large)}; of ${r.small.rows}: ${c(r.small)}; ×${r.readRatio} and ×${r.mergeRatio} of the small file's`);
  }
  if (want('compaction')) {
    const r = await benchStoreCompaction();
    results.storeCompaction = r;
    console.log(`record store compaction, a day of ${r.many.rows.toLocaleString()} trades: ${r.many.parts.toLocaleString()} parts ${r.many.ms} ms (${r.many.usPerRow} µs a row) against ${r.few.parts} parts ${r.few.ms} ms (${r.few.usPerRow} µs a row): ×${r.ratio}`);
  }
  if (want('footprint')) {
    const runs = await benchFootprintIngestBundled(5);
    runs.sort((a, b) => a.footprintTradesPerCpuSecond - b.footprintTradesPerCpuSecond);
    const median = runs[2]!;
    const memory = await benchFootprintMemory();
    results.footprintIngest = { median, runs: runs.map((r) => ({ footprintPerCpuSecond: r.footprintTradesPerCpuSecond, candlesPerCpuSecond: r.candleTradesPerCpuSecond, ratio: r.ratio, footprintWall: r.footprintTradesPerSecond, candlesWall: r.candleTradesPerSecond })), memory };
    const m = (n: number) => `${(n / 1e6).toFixed(1)} M`;
    console.log(
      `footprint ingest (bundled), ${median.timeframes.join(' ')}: median ${m(median.footprintTradesPerCpuSecond)} trades per CPU second vs candles ${m(median.candleTradesPerCpuSecond)} in the same run (×${median.ratio}; ` +
        `runs ${runs.map((r) => `${m(r.footprintTradesPerCpuSecond)}/${m(r.candleTradesPerCpuSecond)}`).join(', ')}; wall clock ${runs.map((r) => `${m(r.footprintTradesPerSecond)}/${m(r.candleTradesPerSecond)}`).join(', ')}); ` +
        `${memory.bars} bars of 1m footprint (${memory.cellsPerBar} cells a bar) hold ${memory.megabytes} MB`,
    );
  }
  if (want('aggregate')) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await benchAggregateIngest());
    runs.sort((a, b) => a.cpuRatio - b.cpuRatio);
    const median = runs[1]!;
    results.aggregateIngest = { median, runs: runs.map((r) => ({ aggregatePerCpuSecond: r.aggregateTradesPerCpuSecond, candlesPerCpuSecond: r.candleTradesPerCpuSecond, cpuRatio: r.cpuRatio })) };
    const m = (n: number) => `${(n / 1e6).toFixed(1)} M`;
    console.log(
      `aggregate ingest, ${median.legs} legs, ${median.timeframes.join(' ')}: median ${m(median.aggregateTradesPerCpuSecond)} trades per CPU second vs candles of the same trades ${m(median.candleTradesPerCpuSecond)} ` +
        `(CPU ×${median.cpuRatio}; runs ${runs.map((r) => `×${r.cpuRatio}`).join(', ')})`,
    );
  }
  if (want('aggpanels')) {
    const r = await benchAggregatePanels();
    results.aggregatePanels = r;
    const p = (x: typeof r.aggregate) => `${x.cpuPercent}% CPU (runs ${x.runs.join('/')}) for ${x.tradesPerSecond} trades/s received, ${x.messagesPerSecond} msg/s, at most ${x.maxMessagesPerFrame} per panel in any 16 ms (shortest gap ${x.minGapMs} ms)`;
    console.log(`aggregate chart of 3 legs at ${r.tradesPerSecondPerLeg} trades/s each: ${p(r.aggregate)} vs the 3 legs' single charts ${p(r.singles)}: ×${r.cpuRatio} (load ${r.loadAverage})`);
  }
  if (want('replay')) {
    const r = await benchReplay();
    results.replay = r;
    console.log(
      `replay: ${r.trades.toLocaleString()} trades from the store through the hub + 6 timeframes in ${r.replay.seconds} s = ${r.replay.tradesPerSecond.toLocaleString()} trades/s ` +
        `(${r.replay.tradesPerCpuSecond.toLocaleString()} per CPU second of this process) ` +
        `vs ${r.baselineInMemory.tradesPerSecond.toLocaleString()} from memory into a factory in the same run (×${r.ratio}); on disk ${r.bytesPerTrade} B/trade, ${r.bytesPerBookDelta} B/book delta (a busy day ≈ ${r.busyDayMB} MB)`,
    );
    const ch = r.clickHouse;
    console.log(
      'skipped' in ch
        ? `replay from ClickHouse: not measured (${ch.skipped})`
        : `replay from ClickHouse: ${ch.replay.tradesPerSecond.toLocaleString()} trades/s (${ch.replay.tradesPerCpuSecond.toLocaleString()} per CPU second of this process; the server's CPU is not counted) through the same path in ${ch.replay.seconds} s (×${ch.ratioToEmbedded} of the embedded store, ×${ch.ratio} of memory); ` +
            `inserted in ${ch.insertSeconds} s; on disk after merges ${ch.bytesPerTrade} B/trade, ${ch.bytesPerBookDelta} B/book delta; ` +
            `the trades read alone, alternated: Native columns ${ch.readTrades.nativeCpuMs} CPU ms (${ch.readTrades.nativeWallMs} ms wall) vs RowBinary rows ${ch.readTrades.rowsCpuMs} (${ch.readTrades.rowsWallMs}): ×${ch.readTrades.cpuRatio}`,
    );
  }
  if (want('record')) {
    const r = await benchRecorderOverheadBundled();
    results.recorderOverhead = r;
    console.log(
      `recording: ${r.markets} markets × ${r.emulatorTradesPerSecondPerMarket} trades/s and ${r.bookUpdatesPerSecondPerMarket} book updates/s (trades, book, ticker, 1m candles held): ` +
        `host CPU ${r.off.cpuPercent}% without → ${r.on.cpuPercent}% recording (×${r.ratio}; median of ${r.rounds} alternating phases of ${r.seconds} s: ${r.off.runs.join('/')} → ${r.on.runs.join('/')}); ` +
        `received ${r.off.tradesPerSecond}/${r.on.tradesPerSecond} trades/s, so per trade ${r.perTrade.offMicros} → ${r.perTrade.onMicros} µs of CPU (×${r.perTrade.ratio}); ${Math.round(r.storedBytes / 1e3)} kB stored`,
    );
  }
  if (want('throughput') || only.includes('throughput-emptied')) {
    // Opt-in `throughput-emptied`: the bare loop empties ccxt's trade cache after each read, as the client does.
    const emptied = only.includes('throughput-emptied');
    const runs = [];
    for (const exchange of BENCH_EXCHANGES) {
      const r = await benchHubThroughput(exchange, 2000, 8, 9, emptied);
      runs.push(r);
      const rounds = r.rounds.map(
        (o) =>
          `${o.first} subscribed first: bare ccxt${emptied ? ' (emptying its cache)' : ''} ${o.bare.tradesPerSecond}/s (${o.bare.cpuPercent}% CPU; ${o.bare.cpuRuns.join('/')}), ` +
          `hub + ${r.timeframes.length} timeframes ${o.hub.tradesPerSecond}/s (${o.hub.cpuPercent}% CPU; ${o.hub.cpuRuns.join('/')}), trades ratio ${o.ratio}, CPU per trade ×${o.cpuRatio} (${o.cpuRatioRuns.join('/')})`,
      );
      console.log(`${exchange} emulator at ${r.emulatorTradesPerSecond}/s, side by side over ${r.windows} windows of ${r.seconds} s per round (medians): CPU per trade ×${r.cpuRatio} (goal ≤ ${r.cpuRatioGoal}); ${rounds.join('; ')}`);
    }
    if (emptied) results.hubThroughputEmptied = runs;
    else results.hubThroughput = runs;
  }
  if (want('activation')) {
    const r = benchActivation();
    const vsix = path.join(__dirname, '..', 'dist', 'tradesuite.vsix');
    const vsixMiB = Math.round((statSync(vsix).size / 2 ** 20) * 100) / 100;
    results.activation = { ...r, vsixMiB };
    console.log(`activation (medians of ${r.runs}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}); .vsix ${vsixMiB} MiB`);
    for (const b of r.builds) {
      const says = (m: ActivationMedians) => `require ${m.medianRequireMs} + activate() ${m.medianActivateMs} = ${m.medianTotalMs} ms`;
      console.log(`  ${b.bundle} (${b.extensionBundleKiB} KiB): first window ${says(b.first)}; with its code cache ${says(b.cached)}; ccxt loaded: ${b.ccxtLoadedAtActivation}; required: ${b.requiredAtActivation.join(', ')}`);
    }
  }
  if (want('alerts')) {
    const r = await benchAlerts();
    results.alerts = r;
    console.log(
      `alerts: ${r.rules} rules on ${r.markets} markets, emulator ${r.emulatorTradesPerSecond}/s; received ${r.withRules.tradesPerSecond}/s; ` +
        `CPU (median of ${r.rounds}) ${r.baseline.cpuPercent}% → ${r.withRules.cpuPercent}%: engine ${r.alertEngineCpuPercent}% of a core ` +
        `(runs ${r.baseline.runs.join('/')} → ${r.withRules.runs.join('/')}); replayed in process: ${r.replay.perTradeMicros} µs per trade, ` +
        `${r.replay.perTradePerRuleNanos} ns per rule, ${r.replay.cpuPercentAt10kPerSecond}% of a core at 10k trades/s, ${r.replay.evaluationsPerTrade} evaluations per trade`,
    );
  }
  if (want('marketsload')) {
    const r = await benchMarketsLoad();
    results.marketsLoad = r;
    console.log(
      `binance loadMarkets, real-size emulator: spot (${r.markets.spot} markets) ${r.rateLimited.spotMs} ms vs spot + USDⓈ-M (${r.markets.spotAndLinear}) ${r.rateLimited.spotAndLinearMs} ms, ×${r.rateLimited.ratio}; ` +
        `ccxt's rate limiter off: ${r.unlimited.spotMs} vs ${r.unlimited.spotAndLinearMs} ms, ×${r.unlimited.ratio}`,
    );
  }
  if (want('tree')) {
    const r = await benchMarketsTree();
    results.marketsTree = r;
    const e = r.expandGroup;
    const f = r.findMarketItems;
    console.log(
      `markets tree: expand a group of ${e.rows} → ${e.medianMs} ms (${e.baselineRows}: ${e.baselineMedianMs} ms, ×${e.ratio}, per row ×${e.perRowRatio}); ` +
        `Find Market rows for ${f.markets} markets of ${f.exchanges.join('/')} → ${f.medianMs} ms (${f.baselineMarkets}: ${f.baselineMedianMs} ms, ×${f.ratio}, per row ×${f.perRowRatio})`,
    );
  }
  if (want('older')) {
    const r = await benchOlderBars();
    results.olderBars = r;
    console.log(
      `older bars: a page of ${r.page} → ${r.coldMedianMs} ms from REST (runs ${r.coldRunsMs.join('/')}; bare fetchOHLCV ${r.bareFetchMedianMs} ms, ×${r.coldRatioToBareFetch}), ` +
        `${r.cachedMedianMs} ms from the cache; wire + webview validation + prepend ${r.toWebviewModelMedianMs} ms (goal ≤ ${r.goalMs} ms to painted)`,
    );
  }
  if (want('chartpage')) {
    const r = await benchChartPage();
    results.chartPage = r;
    const o = r.older;
    const u = (x: typeof r.updates.big) => `${x.bars.toLocaleString()} bars: median ${x.p50} ms, p95 ${x.p95} ms, max ${x.max} ms over ${x.updates} updates`;
    console.log(
      `chart webview in code-server's Chromium: a page of ${o.page} older bars, request → painted median ${o.medianPaintedMs} ms ` +
        `(${o.pages.map((p) => `${p.answeredMs}/${p.appliedMs}/${p.paintedMs}`).join(', ')} answered/applied/painted; bare fetchOHLCV ${o.bareFetchMedianMs} ms, ×${o.ratioToBareFetch}; goal ≤ ${o.goalMs} ms); ` +
        `live update with ${u(r.updates.big)} vs ${u(r.updates.baseline)} (×${r.updates.ratio}; goal median ≤ ${r.updates.goalMedianMs} ms); ` +
        `footprint mode: ${u(r.footprint.big)} (${r.footprint.big.footprintBars} footprint bars, ${r.footprint.big.heldFootprintBars} in its series) vs ${u(r.footprint.baseline)} (${r.footprint.baseline.footprintBars}, ${r.footprint.baseline.heldFootprintBars}) (×${r.footprint.ratio})`,
    );
  }
  if (want('heatmap')) {
    const r = benchHeatmapBuffer();
    results.heatmapBuffer = r;
    for (const l of r.perLevels) console.log(`heatmap buffer at its bound (${r.columns} samples, ${l.levels} levels per side): ${l.dataMB} MB of level data, ${l.microsPerSample} µs per sample`);
  }
  if (want('panels')) {
    const r = await benchPanelHostCpu();
    results.panelHostCpu = r;
    const p = (x: typeof r.chart) => `${x.cpuPercent}% CPU (runs ${x.runs.join('/')}), ${x.messagesPerSecond} msg/s, ${Math.round(x.bytesPerSecond / 1024)} KiB/s, at most ${x.maxMessagesPerFrame} per frame`;
    console.log(`panel host CPU at ${r.emulatorTradesPerSecond} trades/s, book sampled every ${r.sampleMs} ms: heatmap ${p(r.heatmap)} vs chart ${p(r.chart)}: ×${r.cpuRatio}`);
  }
  if (want('frames')) {
    const r = await benchHeatmapFrames();
    results.heatmapFrames = r;
    const f = (x: typeof r.live) => `draw p50 ${x.drawP50} / p95 ${x.drawP95} / max ${x.drawMax} ms over ${x.draws} draws (${x.fullDraws} full: ${Object.entries(x.fullWhy).map(([w, n]) => `${w} ${n}`).join(', ') || 'none'}; ${x.recolours} recoloured) of ${x.drawnColumns} columns [${Object.entries(x.byKind).map(([k, d]) => `${k} ${d.n}: p50 ${d.p50} / p95 ${d.p95} / max ${d.max}`).join('; ')}; phases ${Object.entries(x.phases).map(([k, d]) => `${k} ${d.p50}/${d.p95}`).join(', ')}], frame interval p95 ${x.frameP95} ms (max ${x.frameMax}); main-thread work ${x.workPerFrameMs} ms a frame (script ${x.scriptPerFrameMs}, style + layout ${x.styleLayoutPerFrameMs}; ${x.workScope}), ${x.longFrames === null ? 'no long-animation-frame entries in this Chromium' : `${x.longFrames} frames over 50 ms (longest ${x.longFrameMaxMs})`}`;
    console.log(
      `heatmap webview in code-server's Chromium, ${r.columns} columns × ${r.levelsPerSide} levels a side held: live view ${f(r.live)} (×${r.liveRatio} of the first seconds' ${f(r.baseline)}); ` +
        `whole buffer in view ${f(r.wholeBuffer)} (×${r.wholeBufferRatio}) (goal p95 ≤ ${r.goalMs} ms)`,
    );
  }
  if (want('open')) {
    const r = await benchVscodeOpenChart();
    results.vscodeOpenChart = r;
    const b = r.breakdownRealSize;
    const bs = r.breakdownSmall;
    console.log(
      `real VS Code, open chart → candles painted, ${b.markets} markets: cold ${r.cold.paintMs} ms (goal ≤ ${r.goals.coldMs}; engine started before: ${r.cold.engineStartedBefore}), ` +
        `warm new window ${r.warm.paintMs} ms (goal ≤ ${r.goals.warmMs}); cold on ${bs.markets} markets ${r.coldSmallMarkets.paintMs} ms (×${r.coldRatioToSmallMarkets}); ` +
        `host share, fresh process: ccxt import ${b.ccxtImportMs} ms, markets ${b.marketsMs} ms (${Math.round(b.exchangeInfoBytes / 1024)} KiB; ${bs.markets} markets: ${bs.marketsMs} ms), ${b.historyBars} bars REST ${b.historyRestMs} ms; ` +
        `warm instead: markets cache ${b.marketsCacheLoadMs} ms (${Math.round(b.cacheFileBytes / 1024)} KiB) + setMarkets ${b.setMarketsMs} ms; ` +
        `timelines (${BOOT_STEPS.join(' / ')}): cold ${tl(r.cold)}, warm ${tl(r.warm)}, small ${tl(r.coldSmallMarkets)}`,
    );
    const kept = (k: typeof r.keptProfile) => `cold ${split(k.cold)}, warm ${split(k.warm)} (the window before them: ${split(k.warmUp)}); timelines: cold ${tl(k.cold)}, warm ${tl(k.warm)}`;
    console.log(`  fresh browser profile (each window its own new browser): cold ${split(r.cold)}, warm ${split(r.warm)}, small ${split(r.coldSmallMarkets)}`);
    console.log(`  kept profile, the browser started again per window: ${kept(r.keptProfile)}`);
    console.log(`  kept profile, one running browser (a new window of a running VS Code): ${kept(r.keptBrowser)}`);
    const m = r.keptBrowser.medians;
    console.log(`  kept browser, medians of ${m.pairs} cold + warm pairs: cold ${med(m.cold)} (goal ≤ ${r.goals.coldMs}), warm ${med(m.warm)} (goal ≤ ${r.goals.warmMs}); the other pairs: ${r.keptBrowser.more.map((p) => `cold ${split(p.cold)}, warm ${split(p.warm)}`).join('; ') || 'none'}`);
    printFromView(r.keptBrowserFromView, r.goals);
  }
  // Opt-in: the `open` bench's last sequence alone (the user's path, with the bare-webview floor).
  if (only.includes('open-view')) {
    const r = await benchVscodeOpenFromView();
    results.vscodeOpenFromView = r;
    printFromView(r.keptBrowserFromView, r.goals);
  }
  // Opt-in: where a chart page kept while hidden holds its memory, and what panel/hidden frees (s40).
  if (only.includes('kept-memory')) {
    const r = await benchKeptPageMemory();
    results.keptPageMemory = r;
    const line = (m: KeptPageMemoryRun['shown']) => `canvases ${m.canvasMb} MB (${m.canvases}), JS heap ${m.jsHeapMb} MB, browser PSS ${m.browserPssMb} MB`;
    for (const run of r.runs) {
      console.log(
        `a chart page kept while hidden, round ${run.round}: shown ${line(run.shown)}; hidden as VS Code does ${line(run.hiddenKept)}; and its canvases freed ${line(run.hiddenFreed)}; shown again ${line(run.shownAgain)}; ` +
          `panel/hidden handled in ${run.hideHandledMs} ms, panel/shown in ${run.showHandledMs} ms (load ${os.loadavg()[0]?.toFixed(1)}), the same picture as hidden: ${run.samePicture}`,
      );
    }
  }
  // Opt-in: a chart shown again by switching to its tab, in one running window (s37).
  if (only.includes('tab-switch')) {
    const r = await benchVscodeTabSwitch();
    results.vscodeTabSwitch = r;
    for (const w of r.windows) {
      const m = w.medians;
      const n = w.runs.length;
      console.log(
        `a chart shown again by switching to its tab, pages ${w.pages} (${r.extensionDir}), medians of ${n}: painted ${m.paintMs} ms after the switch (on the page ${m.pagePaintedMs ?? '–'}, its document requested at ${m.pageNavigationMs ?? '–'}); ` +
          `shown with its kept page in ${w.runs.filter((x) => (x.keptShown ?? 0) > 0).length} of ${n} rounds, asked for its bundle in ${w.runs.filter((x) => x.asked > 0).length}, took the early resync in ${w.runs.filter((x) => (x.earlyTaken ?? 0) > 0).length}; each: ${w.runs.map((x) => `${x.paintMs}${x.asked > 0 ? ' (asked)' : ''}`).join(', ')}; ` +
          `the browser's memory ${w.memory.beforeMb} MB with the book shown, ${w.memory.afterMb} MB with ${w.memory.hiddenCharts} charts hidden behind it` +
          (w.memory.heatmapMb === undefined ? '' : `, ${w.memory.heatmapMb} MB with a heatmap too, ${w.memory.domMb} MB with a DOM too`),
      );
    }
    const of = (pages: 'kept' | 'reloaded', pick: (w: (typeof r.windows)[number]) => number) => median(r.windows.filter((w) => w.pages === pages).map(pick)) ?? 0;
    const grown = (w: (typeof r.windows)[number]) => w.memory.afterMb - w.memory.beforeMb;
    const heatmapGrown = (w: (typeof r.windows)[number]) => (w.memory.heatmapMb ?? w.memory.afterMb) - w.memory.afterMb;
    const domGrown = (w: (typeof r.windows)[number]) => (w.memory.domMb ?? w.memory.afterMb) - (w.memory.heatmapMb ?? w.memory.afterMb);
    console.log(`tab switch, kept vs reloaded pages, the browser grew with a hidden heatmap ${Math.round(of('kept', heatmapGrown))} vs ${Math.round(of('reloaded', heatmapGrown))} MB, with a hidden DOM ${Math.round(of('kept', domGrown))} vs ${Math.round(of('reloaded', domGrown))} MB`);
    console.log(`tab switch, kept vs reloaded pages: painted ${of('kept', (w) => w.medians.paintMs)} vs ${of('reloaded', (w) => w.medians.paintMs)} ms (×${(of('kept', (w) => w.medians.paintMs) / of('reloaded', (w) => w.medians.paintMs)).toFixed(2)}); the browser grew ${Math.round(of('kept', grown))} vs ${Math.round(of('reloaded', grown))} MB with 5 more charts hidden`);
  }
  // Opt-in: VS Code's part for a bare page and our chart's page, posted and carried, taking turns (s36).
  if (only.includes('open-floors')) {
    const r = await benchVscodeOpenFloors();
    results.vscodeOpenFloors = r;
    const line = (v: keyof typeof r.medians) => {
      const m = r.medians[v];
      return `${v} ${m.paintMs} ms (VS Code ${m.vscodeMs} + page ${m.oursMs}${m.previewMs === undefined ? '' : `; preview ${m.previewMs} ms after the command`})`;
    };
    console.log(`new windows' first webview from the Markets view, medians of ${r.rounds} each, taking turns: ${line('bare')}; ${line('chart')}; ${line('chart-carried')}; ${line('chart-asked')}`);
  }
  if (want('chartboot')) {
    const r = await benchChartBoot();
    results.chartBoot = r;
    console.log(
      `chart page's own start, fresh Chromium page, ${r.bars} cached bars inline: painted ${r.ours.paintedMs} ms after navigation (script ${r.ours.scriptStartMs}, bars received ${r.ours.snapshotReceivedMs}, applied ${r.ours.snapshotAppliedMs}; ${Math.round(r.ours.htmlBytes / 1024)} KiB page), ` +
        `a bare lightweight-charts page with the same bars ${r.bare.paintedMs} ms: ×${r.ratio} (medians of ${r.rounds} each, interleaved)`,
    );
  }
  if (want('ccxtload')) {
    const r = benchCcxtLoad();
    results.ccxtLoad = { ...r, node: process.version };
    console.log(
      `ccxt chunk in a fresh process (Node ${process.version}): with its code cache ${r.cached.loadMs} ms load + ${r.cached.firstExchangeMs} ms first exchange, ` +
        `plain require ${r.plain.loadMs} + ${r.plain.firstExchangeMs} ms: ×${r.ratio} (medians of ${r.rounds} each, interleaved; cache ${r.cacheKiB} KiB)`,
    );
  }
  if (want('heap')) {
    const r = await benchHostHeap();
    results.hostHeap = r;
    console.log(
      `host heap: ${r.charts} charts × ${r.barsPerChart} bars of 1m open → +${r.chartsOpenMB} MB above the idle engine (goal ≤ ${r.goalMB}); ` +
        `idle engine (ccxt + ${r.markets} markets) +${r.engineIdleMB} MB above a bare process; after closing them ${r.afterCloseMB} MB above idle`,
    );
  }
  if (want('findmarket')) {
    const r = await benchFindMarketBrowser();
    results.findMarketBrowser = r;
    const line = (x: typeof r.small) =>
      `${x.markets} markets: median ${x.medianMs} ms, p95 ${x.p95Ms} ms, max ${x.maxMs} ms over ${x.keystrokes} keystrokes; the extension's rows for the whole text: median ${x.answer.medianMs} ms, p95 ${x.answer.p95Ms} ms (opened in ${x.openMs} ms)`;
    console.log(`Find Market… per keystroke in real VS Code, to the frame after the filter: ${line(r.realSize)}; ${line(r.small)}; ×${r.medianRatio} (goal ≤ ${r.goalMs} ms)`);
  }
  if (want('treebrowser')) {
    const r = await benchMarketsTreeBrowser();
    results.marketsTreeBrowser = r;
    const line = (x: typeof r.small) => `a group of ${x.groupRows}: first ${x.firstMs} ms, again median ${x.againMedianMs} ms (max ${x.againMaxMs})`;
    console.log(`Markets view in real VS Code, expand a quote group → its rows drawn: ${line(r.realSize)}; ${line(r.small)}; first ×${r.firstRatio} (goal ≤ ${r.goalMs} ms)`);
  }
  // Opt-in only (30 minutes by default): never part of a plain `npm run bench`.
  if (only.includes('throughput-position')) {
    const runs = [];
    for (const exchange of BENCH_EXCHANGES) {
      for (const mode of ['bare', 'hub'] as const) {
        const r = await benchSubscriptionPosition(exchange, mode);
        runs.push(r);
        console.log(`${exchange}, two ${mode} consumers side by side: CPU per trade of the one subscribed second ×${r.secondOverFirst} of the first's (${r.runs.join('/')})`);
      }
    }
    results.subscriptionPosition = runs;
  }
  if (only.includes('soak')) {
    const r = await benchSoak(soakMinutes);
    results.soak = r;
    console.log(
      `soak: ${r.minutes} min, 3 exchanges × ${r.tradesPerSecondPerExchange} trades/s (received ${r.receivedTradesPerSecond}/s), ${r.subscriptions} subscriptions: ` +
        `heap ${r.heapAfterWarmUpMB} → ${r.heapAtEndMB} MB after ${r.warmUpMinutes} min of warm-up (${r.heapGrowthPercent} %, goal < ${r.goal.heapGrowthPercent} %); ` +
        `growing handles: ${Object.keys(r.growingHandles).length ? JSON.stringify(r.growingHandles) : 'none'}; errors: ${r.errors.length}; ${r.met ? 'met' : 'NOT met'}`,
    );
  }
  if (want('vscode')) {
    const r = await benchVscodePanels();
    results.vscodePanels = r;
    console.log(`real VS Code: open chart → painted ${r.coldPaintMs} ms cold, ${r.warmPaintMs} ms warm; 1 panel ${r.onePanel.cpuPercent}% CPU ${r.onePanel.messagesPerSecond} msg/s; 10 panels ${r.tenPanels.cpuPercent}% CPU ${r.tenPanels.messagesPerSecond} msg/s (×${r.cpuRatio}); sockets ${r.emulatorStats.openSockets}; heatmap ${r.heatmap.cpuPercent}% CPU ${r.heatmap.messagesPerSecond} msg/s (×${r.heatmapCpuRatio} of one chart)`);
  }
  const record = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    results,
  };
  const dir = path.join(__dirname, 'results');
  await fs.mkdir(dir, { recursive: true });
  const json = JSON.stringify(record, null, 2);
  await fs.writeFile(path.join(dir, 'latest.json'), json);
  await fs.writeFile(path.join(dir, `${record.date.replace(/[:.]/g, '-')}.json`), json);
  console.log(`wrote ${path.join(dir, 'latest.json')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
