/** The chart page's ChartView given a snapshot of no bars after bars: what its series hold (lightweight-charts faked). */
import { fakeChartContainer, fakeSeries, installChartGlobals } from '../../helpers/fakeLightweightCharts';
import * as assert from 'node:assert/strict';
import type { CandleWire } from '../../../src/shared/protocol';
import { ChartView, type LegendState } from '../../../src/webviews/chart/chartView';
import { Store } from '../../../src/webviews/shared/store';
import { resolveTheme } from '../../../src/webviews/shared/themeModel';

const MIN = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MIN);
const candles = (count: number): CandleWire[] => Array.from({ length: count }, (_, i) => [T0 + i * MIN, 100, 101, 99, 100.5, 2]);
const OPTIONS = { emaPeriods: [3], showVolume: true };
const SERIES = 'binance BTC/USDT 1m';

describe('webviews/chart ChartView: a snapshot of no bars', () => {
  let restore: () => void;
  let view: ChartView | undefined;
  beforeEach(() => {
    restore = installChartGlobals();
    fakeSeries.length = 0;
  });
  afterEach(() => {
    view?.dispose();
    view = undefined;
    restore();
  });

  const chart = () => {
    const legend = new Store<LegendState>({ bar: null, emas: [], decimals: 2, hovering: false, partialSince: null });
    view = new ChartView(fakeChartContainer(), resolveTheme(() => '', ['vscode-dark']), legend);
    return view;
  };
  const live = (kind: string) => fakeSeries.filter((s) => s.kind === kind && !s.removed);

  it('takes the bars off the chart (cached bars withdrawn from a market that failed its check), candles, volume and EMA alike', () => {
    const v = chart();
    v.setSnapshot(candles(50), OPTIONS, [{ time: T0 + 10 * MIN, text: 'alert', position: 'above' }], '1m', SERIES);
    const [candleSeries] = live('Candlestick');
    assert.equal(candleSeries?.data.length, 50, 'the bars drawn');
    assert.equal(v.lastPriceLabel, 100.5, 'the last price on the axis');
    v.setSnapshot([], OPTIONS, [], '1m', SERIES);
    assert.equal(v.barCount, 0);
    assert.equal(v.lastPriceLabel, undefined, 'the last price of the withdrawn bars stayed on the axis');
    assert.deepEqual(
      [candleSeries.data.length, ...live('Histogram').map((s) => s.data.length), ...live('Line').map((s) => s.data.length)],
      [0, 0, 0],
      'the withdrawn bars stayed drawn',
    );
  });

  it('a live bar after it is the only bar drawn', () => {
    const v = chart();
    v.setSnapshot(candles(50), OPTIONS, [], '1m', SERIES);
    v.setSnapshot([], OPTIONS, [], '1m', 'binance ETH/USDT 1m');
    v.applyCandles([[T0 + 60 * MIN, 3000, 3001, 2999, 3000.5, 1]]);
    const [candleSeries] = live('Candlestick');
    assert.deepEqual(
      candleSeries?.data.map((d) => d.time),
      [(T0 + 60 * MIN) / 1000],
      'the other series’ bars stayed beside it',
    );
    assert.deepEqual(v.heldWindow, { start: 0, end: 1 });
  });
});
