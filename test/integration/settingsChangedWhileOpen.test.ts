/**
 * `tradesuite.*` settings changed while panels are open (real ccxt, Binance emulator): each panel shows them at once,
 * without being closed and opened again: a chart's EMAs and volume, its footprint built again with the new cells and
 * imbalance ratio, a book's levels and the tape's sizes (unless chosen in that panel), the heatmap's levels and bound
 * (its columns held kept); an aggregate edited or removed. The extension's own panels on a plain-Node webview stand-in.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE, type AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { HeatmapPanel } from '../../src/extension/panels/heatmapPanel';
import { OrderBookPanel } from '../../src/extension/panels/orderBookPanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { columnsFor } from '../../src/extension/panels/heatmapSampler';
import { readSettings, type Settings } from '../../src/extension/settings';
import type { HostMessage, PanelKind } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

const BTC = 'BTC/USDT';

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
const received = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);
const last = <M extends HostMessage['method']>(fake: FakePanel, method: M) => received(fake, method).at(-1);
/** `affects` as VS Code's `affectsConfiguration` answers it for a change of these `tradesuite.*` keys. */
const changeOf = (...keys: string[]) => (key: string) => keys.some((k) => k === key || k.startsWith(`${key}.`));

describe('settings changed while panels are open: each panel shows them at once (real ccxt, emulator)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  const panels: TradePanel[] = [];
  after(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
  });

  it('chart, footprint, order book, tape and heatmap follow the settings; a value chosen in a panel stays', async () => {
    rig = await Rig.start({ seed: 4, tradesPerSecond: 40, historyMinutes: 30 }, { historyBars: 50 });
    let settings: Settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const open = <P extends TradePanel>(make: (fake: FakePanel) => P, kind: PanelKind) => {
      const fake = fakeWebviewPanel({ keep: true });
      const panel = make(fake);
      panels.push(panel);
      fake.fromPage({ method: 'webview/ready', params: { kind } });
      return { fake, panel };
    };
    const chart = open((f) => new ChartPanel(f.panel, { kind: 'chart', exchange: 'binance', symbol: BTC, timeframe: '1m' }, ctx), 'chart');
    const footprint = open((f) => new ChartPanel(f.panel, { kind: 'chart', exchange: 'binance', symbol: BTC, timeframe: '1m', footprint: true }, ctx), 'chart');
    const book = open((f) => new OrderBookPanel(f.panel, { kind: 'orderbook', exchange: 'binance', symbol: BTC }, ctx), 'orderbook');
    const chosenBook = open((f) => new OrderBookPanel(f.panel, { kind: 'orderbook', exchange: 'binance', symbol: BTC }, ctx), 'orderbook');
    const tape = open((f) => new TapePanel(f.panel, { kind: 'tape', exchange: 'binance', symbol: BTC }, ctx), 'tape');
    const chosenTape = open((f) => new TapePanel(f.panel, { kind: 'tape', exchange: 'binance', symbol: BTC }, ctx), 'tape');
    const heatmap = open((f) => new HeatmapPanel(f.panel, { kind: 'heatmap', exchange: 'binance', symbol: BTC }, ctx), 'heatmap');

    await pageUntil('the chart snapshot', () => (last(chart.fake, 'chart/snapshot')?.params.candles.length ?? 0) > 0);
    await pageUntil('the footprint', () => last(footprint.fake, 'chart/footprint') !== undefined);
    await pageUntil('a book', () => last(book.fake, 'book/update') !== undefined && last(chosenBook.fake, 'book/update') !== undefined);
    await pageUntil('the tapes', () => last(tape.fake, 'tape/snapshot') !== undefined && last(chosenTape.fake, 'tape/snapshot') !== undefined);
    await pageUntil('heatmap columns', () => (heatmap.panel as HeatmapPanel).heldColumns >= 3);
    assert.deepEqual(last(chart.fake, 'chart/snapshot')?.params.options, { emaPeriods: [20, 50], showVolume: true }, 'the defaults first');
    const ratioBefore = last(footprint.fake, 'chart/footprint')!.params.imbalanceRatio;
    assert.equal(ratioBefore, 3);

    chosenBook.fake.fromPage({ method: 'book/setLevels', params: { levels: 10 } });
    chosenTape.fake.fromPage({ method: 'tape/setFilter', params: { minSize: 5, highlightSize: 50 } });
    await pageUntil('the choices taken', () => last(chosenBook.fake, 'book/update')?.params.levels === 10 && last(chosenTape.fake, 'tape/snapshot')?.params.filter.minSize === 5);

    const heldBefore = (heatmap.panel as HeatmapPanel).heldColumns;
    const snapshotsBefore = received(chart.fake, 'chart/snapshot').length;
    settings = {
      ...settings,
      chart: { emaPeriods: [9, 21, 200], showVolume: false },
      footprint: { ...settings.footprint, imbalanceRatio: 2.5, bucketTicks: 7 },
      orderBookLevels: 40,
      timeAndSales: { minSize: 1000, highlightSize: 20_000 },
      heatmap: { ...settings.heatmap, levels: 12, minutes: 5 },
    };
    const affects = changeOf('chart.emaPeriods', 'chart.showVolume', 'footprint.imbalanceRatio', 'footprint.bucketTicks', 'orderBook.levels', 'timeAndSales.minSize', 'timeAndSales.highlightSize', 'heatmap.levels', 'heatmap.minutes');
    for (const p of panels) p.settingsChanged(affects);

    await pageUntil('the chart redrawn with the new look', () => received(chart.fake, 'chart/snapshot').length > snapshotsBefore);
    const redrawn = last(chart.fake, 'chart/snapshot')!.params;
    assert.deepEqual(redrawn.options, { emaPeriods: [9, 21, 200], showVolume: false });
    assert.ok(redrawn.candles.length > 0, 'with its bars');

    await pageUntil('the footprint built again', () => last(footprint.fake, 'chart/footprint')?.params.imbalanceRatio === 2.5);
    const fp = last(footprint.fake, 'chart/footprint')!.params;
    const tick = (await rig.hub.markets('binance')).find((m) => m.symbol === BTC)!.tickSize!;
    assert.ok(Math.abs(fp.bucket - 7 * tick) < tick / 1000, `cells of 7 ticks: ${fp.bucket} (tick ${tick})`);
    assert.deepEqual(last(footprint.fake, 'chart/snapshot')?.params.options, { emaPeriods: [9, 21, 200], showVolume: false });

    await pageUntil('the book at the new levels', () => last(book.fake, 'book/update')?.params.levels === 40);
    assert.equal(last(chosenBook.fake, 'book/update')?.params.levels, 10, 'the levels chosen in that panel stay');
    await pageUntil('the tape at the new sizes', () => last(tape.fake, 'tape/snapshot')?.params.filter.minSize === 1000);
    assert.deepEqual(last(tape.fake, 'tape/snapshot')?.params.filter, { minSize: 1000, highlightSize: 20_000 });
    assert.deepEqual(last(chosenTape.fake, 'tape/snapshot')?.params.filter, { minSize: 5, highlightSize: 50 }, 'the sizes chosen in that panel stay');

    const hm = last(heatmap.fake, 'heatmap/snapshot')!.params;
    assert.equal(hm.maxColumns, columnsFor(5, settings.heatmap.sampleMs), 'the new bound');
    assert.ok(hm.columns.length >= heldBefore, `the columns held kept: ${hm.columns.length} of ${heldBefore}`);
    const columnsBefore = received(heatmap.fake, 'heatmap/columns').length;
    await pageUntil('a new column', () => received(heatmap.fake, 'heatmap/columns').length > columnsBefore);
    const newest = received(heatmap.fake, 'heatmap/columns').at(-1)!.params.columns.at(-1)!;
    assert.ok(newest[1].length / 2 <= 12 && newest[2].length / 2 <= 12, 'new columns with at most 12 levels per side');
    assert.ok(hm.columns[0]![1].length / 2 > 12, 'the held ones as they were sampled');
  });

  it('an aggregate edited in the settings: its open chart, tape and DOM follow the new legs; removed, they say so', async () => {
    rig ??= await Rig.start({ seed: 4, tradesPerSecond: 40, historyMinutes: 30 }, { historyBars: 50 });
    const def = (symbol: string): AggregateDefinition => ({ name: 'BTC (agg test)', legs: [{ exchange: 'binance', symbol }], price: { kind: 'vwap' }, usdtIsUsd: false });
    let settings: Settings = { ...readSettings().settings, aggregates: [def(BTC)] };
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const chartFake = fakeWebviewPanel({ keep: true });
    const tapeFake = fakeWebviewPanel({ keep: true });
    panels.push(new ChartPanel(chartFake.panel, { kind: 'chart', exchange: AGGREGATE_EXCHANGE, symbol: 'BTC (agg test)', timeframe: '1m' }, ctx));
    panels.push(new TapePanel(tapeFake.panel, { kind: 'tape', exchange: AGGREGATE_EXCHANGE, symbol: 'BTC (agg test)' }, ctx));
    const domFake = fakeWebviewPanel({ keep: true });
    panels.push(new DomPanel(domFake.panel, { kind: 'dom', exchange: AGGREGATE_EXCHANGE, symbol: 'BTC (agg test)' }, ctx));
    domFake.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    chartFake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
    tapeFake.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    await pageUntil('the aggregate chart on BTC', () => (last(chartFake, 'chart/snapshot')?.params.candles.length ?? 0) > 0 && (last(chartFake, 'chart/snapshot')?.params.legs ?? []).length === 1);
    await pageUntil('the aggregate tape on BTC', () => last(tapeFake, 'tape/snapshot')?.params.legs !== undefined);
    await pageUntil('the aggregate DOM on BTC', () => last(domFake, 'dom/update') !== undefined);
    const btcMultiple = last(domFake, 'dom/update')!.params.multiple;
    const btcLegs = last(chartFake, 'chart/snapshot')!.params.legs;
    const btcClose = last(chartFake, 'chart/snapshot')!.params.candles.at(-1)![4];

    await pageUntil('BTC prints on the tape', () => received(tapeFake, 'tape/rows').some((m) => m.params.rows.length > 0));
    // Each row names its leg (the page's exchange column), from the first print on.
    const btcRows = received(tapeFake, 'tape/rows').flatMap((m) => m.params.rows);
    assert.deepEqual([...new Set(btcRows.map((r) => r[6]))], [0], 'every BTC row is leg 0');
    const tapeSnapshots = received(tapeFake, 'tape/snapshot').length;
    settings = { ...settings, aggregates: [def('ETH/USDT')] };
    for (const p of panels) p.settingsChanged(changeOf('aggregates'));
    await pageUntil('the chart on the new leg', () => {
      const legs = last(chartFake, 'chart/snapshot')?.params.legs;
      return legs !== undefined && legs.join() !== btcLegs?.join() && (last(chartFake, 'chart/snapshot')?.params.candles.length ?? 0) > 0;
    });
    const ethClose = last(chartFake, 'chart/snapshot')!.params.candles.at(-1)![4];
    const ethLast = rig.emulator.trades('ETH/USDT').at(-1)!.price;
    assert.ok(Math.abs(ethClose - ethLast) < Math.abs(btcClose - ethLast), `ETH's prices now: ${btcClose} → ${ethClose} (ETH last ${ethLast})`);
    // The tape starts over (its BTC rows are not this aggregate's any more), then shows ETH's prints.
    await pageUntil('the tape started over', () => received(tapeFake, 'tape/snapshot').length > tapeSnapshots && last(tapeFake, 'tape/snapshot')?.params.rows.length === 0);
    const startedOver = tapeFake.messages.length;
    await pageUntil('the tape on the new leg', () => receivedByPage(tapeFake.messages.slice(startedOver)).some((m) => m.method === 'tape/rows' && m.params.rows.length > 0));
    const rows = receivedByPage(tapeFake.messages.slice(startedOver)).flatMap((m) => (m.method === 'tape/rows' ? m.params.rows : []));
    assert.ok(rows.every((r) => Math.abs(r[2] - ethLast) < Math.abs(r[2] - btcClose)), `only ETH's prints after the edit: ${rows.map((r) => r[2]).join(' ')}`);
    assert.deepEqual([...new Set(rows.map((r) => r[6]))], [0], 'every ETH row is leg 0');

    // The DOM's ladder starts over on ETH's prices, grouped for them (not BTC's grouping, about 20× coarser).
    const domBefore = domFake.messages.length;
    await pageUntil('the DOM on the new leg', () => receivedByPage(domFake.messages.slice(domBefore)).some((m) => m.method === 'dom/update' && m.params.lastPrice !== null));
    const dom = receivedByPage(domFake.messages.slice(domBefore)).filter((m): m is Of<'dom/update'> => m.method === 'dom/update').at(-1)!.params;
    assert.ok(Math.abs(dom.lastPrice! - ethLast) < Math.abs(dom.lastPrice! - btcClose), `ETH's last price: ${dom.lastPrice}`);
    assert.ok(dom.multiple < btcMultiple, `grouped for ETH: ${btcMultiple} → ${dom.multiple}`);
    const errorsBefore = received(chartFake, 'panel/error').length;
    settings = { ...settings, aggregates: [] };
    for (const p of panels) p.settingsChanged(changeOf('aggregates'));
    await pageUntil('the chart says its aggregate is gone', () => received(chartFake, 'panel/error').length > errorsBefore);
    assert.match(last(chartFake, 'panel/error')!.params.message, /no aggregate named "BTC \(agg test\)"/);
    await pageUntil('the tape says so too', () => /no aggregate named/.test(last(tapeFake, 'panel/error')?.params.message ?? ''));
  });
});
