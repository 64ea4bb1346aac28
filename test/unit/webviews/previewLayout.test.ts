/**
 * Where a chart page's preview puts its cached bars: lightweight-charts' own geometry for the chart's options (default
 * spacing and right offset, scale margins, axis sizes), so the chart that replaces the preview does not jump.
 * The pixels are compared with the real chart in the e2e (`--preview-only`).
 */
import * as assert from 'node:assert/strict';
import type { CandleWire } from '../../../src/shared/protocol';
import { PREVIEW_GEOMETRY, bodyWidthFor, previewDecimals, previewLayout, type PreviewInput } from '../../../src/webviews/chartPreview/previewLayout';

const bars = (n: number, at = (i: number) => 100 + i): CandleWire[] => Array.from({ length: n }, (_, i) => [i * 60_000, at(i), at(i) + 2, at(i) - 1, at(i) + 1, 10 + i]);
const input = (over: Partial<PreviewInput> = {}): PreviewInput => ({ candles: bars(500), width: 901, height: 567, fontSize: 11, showVolume: true, decimals: 2, labelWidth: (s) => s.length * 7, ...over });

describe('a chart preview’s layout', () => {
  it('puts the newest bar the default right offset from the price axis, bars the default spacing apart', () => {
    const layout = previewLayout(input())!;
    // 900 wide (even); the axis: 1 + 5 + 2 × 5·11/12 + 5 + the widest label ("599.00": 6 × 7) → 64.
    assert.equal(layout.plotWidth, 900 - 64);
    const last = layout.bars.at(-1)!;
    assert.equal(last.x, layout.plotWidth - (PREVIEW_GEOMETRY.rightOffset + 0.5) * PREVIEW_GEOMETRY.barSpacing - 1);
    assert.equal(last.x - layout.bars.at(-2)!.x, PREVIEW_GEOMETRY.barSpacing);
    // Only the bars in view: about the plot's width in bars, not all 500.
    assert.ok(layout.bars.length < layout.plotWidth / PREVIEW_GEOMETRY.barSpacing + 3, `${layout.bars.length} bars drawn`);
    assert.ok(layout.bars[0]!.x > -2 * PREVIEW_GEOMETRY.barSpacing);
  });

  it('scales prices to the bars in view, inside the chart’s margins, volume in the lowest fifth', () => {
    const layout = previewLayout(input())!;
    // 566 high (even) less the time axis: ceil(6 + 11 + 110/12) = 27.
    assert.equal(layout.plotHeight, 566 - 27);
    const highs = layout.bars.map((b) => b.high);
    const lows = layout.bars.map((b) => b.low);
    assert.ok(Math.abs(Math.min(...highs) - layout.plotHeight * PREVIEW_GEOMETRY.marginTop) < 1e-9, 'the highest high at the top margin');
    assert.ok(Math.abs(Math.max(...lows) - layout.plotHeight * (1 - PREVIEW_GEOMETRY.marginBottomWithVolume)) < 1e-9, 'the lowest low above the volume');
    const volumeTops = layout.bars.map((b) => b.volumeTop!);
    assert.ok(Math.abs(Math.min(...volumeTops) - layout.plotHeight * PREVIEW_GEOMETRY.volumeTop) < 1e-9, 'the largest volume fills its band');
    const noVolume = previewLayout(input({ showVolume: false }))!;
    assert.equal(noVolume.bars[0]!.volumeTop, undefined);
    assert.ok(Math.abs(Math.max(...noVolume.bars.map((b) => b.low)) - noVolume.plotHeight * (1 - PREVIEW_GEOMETRY.marginBottom)) < 1e-9);
  });

  it('sizes the price axis for labels written as the chart writes them, with thousands separators', () => {
    const layout = previewLayout(input({ candles: bars(500, (i) => 59_000 + i) }))!;
    // The widest label "59,501.00": 9 × 7 → the axis 1 + 5 + 2 × 5·11/12 + 5 + 63 = 83.33 → 84.
    assert.equal(layout.plotWidth, 900 - 84);
  });

  it('shows a kept view: its bars across the plot, counting both ends', () => {
    const layout = previewLayout(input({ view: { from: 100, to: 189 } }))!;
    const spacing = layout.plotWidth / 90;
    const first = layout.bars.find((b) => b.x > 0)!;
    assert.ok(Math.abs(layout.bars[1]!.x - layout.bars[0]!.x - spacing) < 1e-9);
    assert.ok(first.x < spacing, `the view's first bar at the plot's left (${first.x})`);
    assert.ok(layout.bars.every((b) => b.x < layout.plotWidth + spacing), 'nothing right of the view');
  });

  it('scales prices to the EMA lines in view too, as the chart does, and draws them across the plot', () => {
    const plain = previewLayout(input())!;
    // A line far below every bar in view (an EMA lagging a steep trend): the bars move up to make room for it.
    const values = Array.from({ length: 450 }, (_, i) => 50 + i * 0.5);
    const layout = previewLayout(input({ emas: [{ first: 50, values }] }))!;
    assert.ok(layout.bars.at(-1)!.low < plain.bars.at(-1)!.low, 'the bars drawn higher');
    const line = layout.lines[0]!;
    // Its first point is the bar left of the view (so the line reaches the edge); the view's own lowest sits on the margin.
    const lowest = Math.max(...line.slice(1).map(([, y]) => y));
    assert.ok(Math.abs(lowest - layout.plotHeight * (1 - PREVIEW_GEOMETRY.marginBottomWithVolume)) < 1e-9, 'the line’s lowest value in view at the bottom margin');
    assert.ok(line[0]![0] < 0 && line.at(-1)![0] >= layout.bars.at(-1)!.x, 'from beyond the left edge to the newest bar');
    assert.deepEqual(previewLayout(input({ emas: [{ first: 499, values: [] }] }))!.lines, [[]], 'a line with no value in view draws nothing');
  });

  it('has nothing to show without bars or room', () => {
    assert.equal(previewLayout(input({ candles: [] })), undefined);
    assert.equal(previewLayout(input({ width: 40 })), undefined);
    assert.equal(previewLayout(input({ height: 20 })), undefined);
  });

  it('narrows a body as the chart does, odd for a centred wick', () => {
    assert.equal(bodyWidthFor(6), 5);
    assert.equal(bodyWidthFor(3), 3);
    assert.equal(bodyWidthFor(1), 1);
    assert.equal(bodyWidthFor(20) % 2, 1);
  });

  it('takes the axis’s decimals from the newest bars and the tick, at most 8', () => {
    assert.equal(previewDecimals(bars(3), undefined), 0);
    assert.equal(previewDecimals(bars(3), 0.01), 2);
    assert.equal(previewDecimals(bars(3, (i) => 1.2345 + i), 0.1), 4);
    assert.equal(previewDecimals(bars(3), 1e-10), 8);
  });
});
