import * as assert from 'node:assert/strict';
import type { CreatePriceLineOptions, IPriceLine, PriceLineOptions } from 'lightweight-charts';
import { LastPriceLine } from '../../../src/webviews/chart/lastPriceLine';
import { resolveTheme, type Theme } from '../../../src/webviews/shared/themeModel';

const theme = (green: string, red: string): Theme => resolveTheme((name) => ({ '--vscode-charts-green': green, '--vscode-charts-red': red })[name] ?? '', ['vscode-dark']);

/** A series that records the price lines made and every change applied to them. */
function fakeSeries() {
  const made: CreatePriceLineOptions[] = [];
  const applied: Partial<PriceLineOptions>[] = [];
  const removed: IPriceLine[] = [];
  const line = { applyOptions: (o: Partial<PriceLineOptions>) => applied.push(o) } as unknown as IPriceLine;
  return { made, applied, removed, line, series: { createPriceLine: (o: CreatePriceLineOptions) => (made.push(o), line), removePriceLine: (l: IPriceLine) => void removed.push(l) } };
}

describe('LastPriceLine: the newest bar’s close on the price axis', () => {
  const dark = theme('#89d185', '#f14c4c');

  it('one dotted line with its axis label, at the newest close, in the bar’s up or down colour', () => {
    const { made, applied, series } = fakeSeries();
    const line = new LastPriceLine(series, dark);
    line.set(undefined);
    assert.equal(made.length, 0, 'no bar, no line');
    line.set({ open: 100, close: 101.5 });
    assert.equal(made.length, 1);
    assert.deepEqual([made[0]!.price, made[0]!.color, made[0]!.lineStyle, made[0]!.axisLabelVisible, made[0]!.lineVisible], [101.5, dark.green, 1, true, true]);
    line.set({ open: 100, close: 99 });
    assert.deepEqual(applied, [{ price: 99, color: dark.red }]);
    assert.equal(made.length, 1, 'the same line moved, never a second one');
    assert.equal(line.price, 99);
  });

  it('a tick that changes neither the close nor the direction costs no call into the chart', () => {
    const { applied, series } = fakeSeries();
    const line = new LastPriceLine(series, dark);
    line.set({ open: 100, close: 101 });
    line.set({ open: 100, close: 101 });
    line.set({ open: 100.5, close: 101 });
    assert.deepEqual(applied, []);
    line.set({ open: 101, close: 101 });
    assert.deepEqual(applied, [], 'a flat bar is drawn as up, as lightweight-charts draws it');
    line.set({ open: 101.5, close: 101 });
    assert.deepEqual(applied, [{ price: 101, color: dark.red }]);
  });

  it('a theme change recolours the line in the new theme’s colour of the same direction', () => {
    const { applied, series } = fakeSeries();
    const line = new LastPriceLine(series, dark);
    const light = theme('#388a34', '#e51400');
    line.setTheme(light);
    assert.deepEqual(applied, [], 'nothing drawn yet');
    line.set({ open: 100, close: 98 });
    line.setTheme(dark);
    assert.deepEqual(applied, [{ price: 98, color: dark.red }]);
  });

  it('bars withdrawn (none left): the line and its label go; the next bar draws a new one', () => {
    const { made, removed, line: drawn, series } = fakeSeries();
    const line = new LastPriceLine(series, dark);
    line.set({ open: 100, close: 101 });
    line.set(undefined);
    assert.deepEqual(removed, [drawn]);
    assert.equal(line.price, undefined);
    line.set(undefined);
    assert.equal(removed.length, 1, 'nothing left to remove');
    line.set({ open: 90, close: 91 });
    assert.equal(made.length, 2);
    assert.equal(made[1]!.price, 91);
  });
});
