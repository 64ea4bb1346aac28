import * as assert from 'node:assert/strict';
import { CHART_LOOK } from '../../../src/webviews/chart/chartLook';
import { candlesTopMargin, LegendRoom, type CandleMargins } from '../../../src/webviews/chart/legendRoom';

describe("the candles' room for a tall legend", () => {
  it('a legend taller than the fixed margin pushes the candles down by its height and a gap, within bounds', () => {
    assert.equal(candlesTopMargin(100, 500), 0.22, '(100 + 6) / 500, rounded up');
    assert.equal(candlesTopMargin(20, 800), CHART_LOOK.marginTop, 'a short legend keeps the fixed margin');
    assert.equal(candlesTopMargin(400, 500), 0.45, 'the candles keep most of their pane');
    assert.equal(candlesTopMargin(100, 0), CHART_LOOK.marginTop, 'a pane not laid out yet');
    assert.equal(candlesTopMargin(Number.NaN, 500), CHART_LOOK.marginTop);
  });

  it("only a footprint's or an aggregate's chart makes room (a plain chart's margin is its preview's); margins applied only when they change", () => {
    const applied: CandleMargins[] = [];
    let pane = 500;
    const room = new LegendRoom((m) => applied.push(m), () => pane);
    room.legendMoved(100);
    assert.deepEqual(applied, [{ top: CHART_LOOK.marginTop, bottom: CHART_LOOK.marginBottomWithVolume }], 'not wanted: the fixed margin');
    room.setWanted(true);
    assert.deepEqual(applied.at(-1), { top: 0.22, bottom: CHART_LOOK.marginBottomWithVolume });
    room.refresh();
    room.legendMoved(100);
    assert.equal(applied.length, 2, 'nothing changed: nothing applied (each apply redraws the pane)');
    pane = 250; // panes added under the candles (the footprint's delta and CVD)
    room.refresh();
    assert.deepEqual(applied.at(-1), { top: 0.43, bottom: CHART_LOOK.marginBottomWithVolume });
    room.setVolume(false);
    assert.deepEqual(applied.at(-1), { top: 0.43, bottom: CHART_LOOK.marginBottom });
    room.setWanted(false);
    assert.deepEqual(applied.at(-1), { top: CHART_LOOK.marginTop, bottom: CHART_LOOK.marginBottom });
  });

  it('a chart with no size (its page hidden and its canvases freed) keeps its margins until it has one again', () => {
    const applied: CandleMargins[] = [];
    let pane: number | undefined = 500;
    const room = new LegendRoom((m) => applied.push(m), () => pane);
    room.setWanted(true);
    room.legendMoved(100);
    const shown = applied.length;
    pane = undefined;
    room.refresh();
    room.legendMoved(120);
    assert.equal(applied.length, shown, 'hidden: nothing applied (a 2 px pane would have asked for the largest margin)');
    pane = 500;
    room.refresh();
    assert.deepEqual(applied.at(-1), { top: 0.26, bottom: CHART_LOOK.marginBottomWithVolume }, 'shown: the legend it has now');
  });
});
