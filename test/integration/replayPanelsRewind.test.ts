/**
 * A replay seeked back (issue 16): every panel kind that shows it starts over. The tape, the heatmap, the DOM and the
 * chart's footprint held data of the abandoned future; after the seek they hold none of it, and what they build as
 * the replay plays on equals a straight play. The extension's own panels on plain-Node webview stand-ins, the real
 * hub and a real recording.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BookRow } from '../../src/core/record/recordTypes';
import type { Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import { DomPanel } from '../../src/extension/panels/domPanel';
import { HeatmapPanel } from '../../src/extension/panels/heatmapPanel';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { RecordedReplay } from '../helpers/recordedReplay';

const ETH = { exchange: 'binance', symbol: 'ETH/USDT' } as const;
const T0 = Date.parse('2026-11-28T10:00:00Z');
const START = T0 + 10 * 60_000;
const END = START + 20 * 60_000;

function recordedTrades(): Trade[] {
  const out: Trade[] = [];
  for (let ts = T0, i = 0; ts < END; ts += 2000, i++) out.push({ id: String(i + 1), timestamp: ts, price: Math.round(3000 * (1 + 0.003 * Math.sin(i / 11)) * 100) / 100, amount: 0.1 + (i % 4) * 0.05, side: i % 3 ? 'buy' : 'sell' });
  return out;
}

/** A book snapshot before the start, and a delta every 30 s, so the heatmap has a book to sample. */
function recordedBook(): BookRow[] {
  const rows: BookRow[] = [
    { ts: START - 60_000, seq: 1, kind: 'snapshot', side: 'bid', price: 2999.5, amount: 3 },
    { ts: START - 60_000, seq: 1, kind: 'snapshot', side: 'ask', price: 3000.5, amount: 4 },
  ];
  for (let ts = START + 30_000, seq = 2; ts < END; ts += 30_000, seq++) rows.push({ ts, seq, kind: 'delta', side: 'bid', price: 2999, amount: seq });
  return rows;
}

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
const all = <M extends HostMessage['method']>(fake: FakePanel, method: M): Of<M>[] => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);


describe('seeking a replay back: tape, heatmap, DOM and footprint start over', function () {
  this.timeout(60_000);
  let replay: RecordedReplay | undefined;
  const panels: { panel: vscode.WebviewPanel }[] = [];
  afterEach(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await replay?.close();
    replay = undefined;
  });

  it('drops what was built from the abandoned future; played on, each equals a straight play', async () => {
    const trades = recordedTrades();
    replay = await RecordedReplay.start(ETH, trades, START, 150, recordedBook());
    const { hub, replays, id, session } = replay;
    const base = readSettings().settings;
    const settings = { ...base, heatmap: { ...base.heatmap, sampleMs: 20 }, footprint: { ...base.footprint, historyBars: 30, bucketTicks: 10 } };
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub, replays } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const open = <P extends { panel: vscode.WebviewPanel }>(make: (fake: FakePanel) => P): [P, FakePanel] => {
      const fake = fakeWebviewPanel({ keep: true });
      const panel = make(fake);
      panels.push(panel);
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      return [panel, fake];
    };
    const [, tapePage] = open((f) => new TapePanel(f.panel, { kind: 'tape', ...ETH, exchange: id }, ctx));
    const [heatmap, heatmapPage] = open((f) => new HeatmapPanel(f.panel, { kind: 'heatmap', ...ETH, exchange: id }, ctx));
    const [, domPage] = open((f) => new DomPanel(f.panel, { kind: 'dom', ...ETH, exchange: id }, ctx));
    const [chart, chartPage] = open((f) => new ChartPanel(f.panel, { kind: 'chart', ...ETH, exchange: id, timeframe: '1m', footprint: true }, ctx));
    // Every panel subscribed (a panel on a replay subscribes once the replay is open) before anything is released.
    await pageUntil('the panels subscribed', () => hub.activeStreams().filter((k) => k.exchange === id).length >= 2 && all(chartPage, 'chart/snapshot').length > 0 && all(tapePage, 'tape/snapshot').length > 0);
    const far = START + 15 * 60_000;
    await session.seek(far);
    const tradesUpTo = (to: number) => trades.filter((t) => t.timestamp <= to);
    const tapeCount = () => all(tapePage, 'tape/rows').reduce((n, m) => n + m.params.rows.length, 0);
    await pageUntil('the tape up to 15 minutes in', () => tapeCount() > 0 && all(tapePage, 'tape/rows').at(-1)!.params.rows.at(-1)![1] === tradesUpTo(far).at(-1)!.timestamp);
    await pageUntil('heatmap columns', () => heatmap.heldColumns > 0);
    await pageUntil('footprint bars up to 15 minutes in', () => chart.footprintBarCount > 0 && maxFootprintTime(chartPage) >= far - 60_000);
    await pageUntil('the DOM counted traded volume', () => lastDomTraded(domPage) > 0);

    const back = START + 4 * 60_000;
    const marks = { tape: receivedByPage(tapePage.messages).length, heatmap: receivedByPage(heatmapPage.messages).length, chart: receivedByPage(chartPage.messages).length, dom: receivedByPage(domPage.messages).length };
    await session.seek(back);
    const after = (fake: FakePanel, from: number) => receivedByPage(fake.messages).slice(from);

    // At once (in the next frame): each page is told to show nothing of what it held.
    const sent = (fake: FakePanel, from: number, method: HostMessage['method']) => after(fake, from).some((m) => m.method === method);
    await pageUntil('the pages sent again', () => sent(tapePage, marks.tape, 'tape/snapshot') && sent(heatmapPage, marks.heatmap, 'heatmap/snapshot') && sent(domPage, marks.dom, 'dom/update') && sent(chartPage, marks.chart, 'chart/footprint'));
    const tapeReset = after(tapePage, marks.tape).find((m): m is Of<'tape/snapshot'> => m.method === 'tape/snapshot');
    assert.ok(tapeReset, 'the tape was sent again');
    assert.deepEqual(tapeReset.params.rows, [], 'no row of the abandoned future');
    assert.equal(tapeReset.params.stats.tradesPerMinute, 0, 'nor its minute of trades');
    const heatmapReset = after(heatmapPage, marks.heatmap).find((m): m is Of<'heatmap/snapshot'> => m.method === 'heatmap/snapshot');
    assert.deepEqual(heatmapReset?.params.columns, [], 'no heatmap column of the abandoned future');
    const domReset = after(domPage, marks.dom).find((m): m is Of<'dom/update'> => m.method === 'dom/update');
    assert.equal(domReset?.params.rows.reduce((n, r) => n + r.traded, 0), 0, 'the DOM forgot the traded volume of the abandoned future');
    const footprintReset = after(chartPage, marks.chart).find((m): m is Of<'chart/footprint'> => m.method === 'chart/footprint');
    // Empty, or (when the new feed's history came in the same frame) the bars before the new position only.
    assert.ok(footprintReset, 'the footprint was sent again');
    for (const bar of footprintReset.params.bars) {
      const truth = trades.filter((t) => t.timestamp >= bar.time && t.timestamp < Math.min(bar.time + 60_000, back)).reduce((s, t) => s + t.amount, 0);
      assert.ok(bar.time < back, `footprint bar ${new Date(bar.time).toISOString()} is not in the abandoned future`);
      assert.equal(Math.round((bar.buy + bar.sell) * 1e6), Math.round(truth * 1e6), `footprint bar ${new Date(bar.time).toISOString()} holds no trade of the abandoned future`);
    }

    // Played on: the tape holds exactly the trades released since, the footprint's volumes equal the trades', the
    // heatmap's columns are stamped on the replay's clock, after the new position.
    const later = START + 9 * 60_000;
    await session.seek(later);
    const released = trades.filter((t) => t.timestamp >= back && t.timestamp <= later);
    await pageUntil('the tape up to 9 minutes in', () => after(tapePage, marks.tape).some((m) => m.method === 'tape/rows' && m.params.rows.at(-1)?.[1] === released.at(-1)!.timestamp));
    const rowsAfter = after(tapePage, marks.tape).flatMap((m) => (m.method === 'tape/rows' ? m.params.rows : []));
    assert.equal(Math.round(rowsAfter.reduce((s, r) => s + r[3], 0) * 1e6), Math.round(released.reduce((s, t) => s + t.amount, 0) * 1e6), 'the tape counts every trade since the seek once');
    await pageUntil('the footprint up to 9 minutes in', () => maxFootprintTime(chartPage) === later - (later % 60_000));
    const footprint = all(chartPage, 'chart/footprint').at(-1)!;
    const barsAfter = new Map<number, number>();
    for (const m of after(chartPage, marks.chart)) {
      if (m.method === 'chart/footprint' || m.method === 'chart/footprintBars') for (const b of m.params.bars) barsAfter.set(b.time, b.buy + b.sell);
    }
    assert.ok(footprint, 'a new footprint was sent');
    for (const [time, volume] of barsAfter) {
      assert.ok(time <= later, `bar ${new Date(time).toISOString()} is not in the abandoned future`);
      const truth = trades.filter((t) => t.timestamp >= time && t.timestamp < time + 60_000 && t.timestamp <= later).reduce((s, t) => s + t.amount, 0);
      assert.equal(Math.round(volume * 1e6), Math.round(truth * 1e6), `the footprint bar of ${new Date(time).toISOString()} counts its trades once`);
    }
    await pageUntil('heatmap columns after the seek', () => heatmap.heldColumns > 0);
    const columns = heatmap.heldColumns;
    assert.ok(columns > 0);
    // The columns after the reset (one sampled before the seek may still have been in that frame's queue).
    const sinceReset = after(heatmapPage, marks.heatmap);
    const newest = sinceReset.slice(sinceReset.findIndex((m) => m.method === 'heatmap/snapshot')).filter((m): m is Of<'heatmap/columns'> => m.method === 'heatmap/columns').flatMap((m) => m.params.columns);
    assert.ok(newest.length > 0 && newest.every((c) => c[0] >= back - 1 && c[0] <= later), 'columns on the replay clock, after the new position');
  });
});

/** Newest footprint bar time the page holds. */
function maxFootprintTime(fake: FakePanel): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const m of receivedByPage(fake.messages)) {
    if (m.method === 'chart/footprint') max = Math.max(Number.NEGATIVE_INFINITY, ...m.params.bars.map((b) => b.time));
    if (m.method === 'chart/footprintBars') max = Math.max(max, ...m.params.bars.map((b) => b.time));
  }
  return max;
}

/** The total traded volume on the DOM's last ladder. */
function lastDomTraded(fake: FakePanel): number {
  const last = all(fake, 'dom/update').at(-1);
  return last ? last.params.rows.reduce((s, r) => s + r.traded, 0) : 0;
}
