/**
 * A chart's page asking for a timeframe its exchange does not serve (a broken or hostile page: its toolbar lists only
 * those served): the host refuses it with a line in the log, and the chart keeps its timeframe, its bars and no error
 * banner; its persisted state stays on the timeframe shown. The extension's ChartPanel on a plain-Node webview
 * stand-in, real ccxt against the Coinbase emulator (which serves no 1s bars).
 */
import { setConfiguration } from '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import type { ChartPanel } from '../../src/extension/panels/chartPanel';
import type { HostMessage } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { chartPanelOnHub, received } from '../helpers/chartPanelOnHub';
import { pageUntil } from '../helpers/fakeWebviewPanel';


describe('a chart page asking for a timeframe its exchange does not serve (real ccxt, Coinbase emulator)', function () {
  this.timeout(90_000);
  let rig: Rig<'coinbase'> | undefined;
  let chart: ChartPanel | undefined;
  afterEach(async () => {
    chart?.panel.dispose();
    chart = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('1s on Coinbase: refused with a warning; the chart stays on 1m with its bars, no error, its state unchanged', async () => {
    rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 0, historyMinutes: 300, historyTradesPerMinute: 2 }, { historyBars: 100 });
    setConfiguration({});
    const opened = chartPanelOnHub(rig.hub, { kind: 'chart', exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1m' });
    const { fake, warnings } = opened;
    chart = opened.chart;
    // The toolbar's list: the timeframes Coinbase serves, once known.
    await pageUntil('the chart snapshot with its timeframes', () => {
      const last = received(fake, 'chart/snapshot').at(-1);
      return last !== undefined && last.params.candles.length > 0 && last.params.timeframes.length > 1;
    });
    const offered = received(fake, 'chart/snapshot').at(-1)!.params.timeframes;
    assert.ok(!offered.includes('1s'), `Coinbase serves no 1s bars: ${offered.join(' ')}`);
    const bars = received(fake, 'chart/snapshot').at(-1)!.params.candles.length;

    const counts = new Map((['panel/error', 'chart/snapshot'] as const).map((m) => [m as string, received(fake, m).length]));
    const receivedBefore = (method: string) => counts.get(method) ?? 0;
    fake.fromPage({ method: 'chart/setTimeframe', params: { timeframe: '1s' } });
    assert.equal(chart.state.timeframe, '1m', 'the chart keeps the timeframe it shows');
    assert.ok(warnings.some((w) => w.includes('"1s"') && w.includes('does not have')), `a line in the log names the timeframe refused:\n${warnings.join('\n')}`);
    // Whatever the panel sent since (none expected), it withdrew no bars and raised no banner.
    await new Promise<void>((r) => setImmediate(r));
    const since = <M extends HostMessage['method']>(method: M) => received(fake, method).slice(receivedBefore(method));
    assert.deepEqual(since('panel/error'), []);
    assert.ok(since('chart/snapshot').every((m) => m.params.timeframe === '1m' && m.params.candles.length >= bars));
    // A page asking in a loop: its refusals are lines in the log as any page's are, at most 30 per 10 s.
    const lines = warnings.length;
    for (let i = 0; i < 1000; i++) fake.fromPage({ method: 'chart/setTimeframe', params: { timeframe: i % 2 === 0 ? '1s' : '7m' } });
    assert.equal(chart.state.timeframe, '1m');
    assert.ok(warnings.length - lines <= 30, `${warnings.length - lines} log lines for 1,000 refused asks`);
    // One it serves, asked next, is acted on at once: the refusals held back nothing.
    fake.fromPage({ method: 'chart/setTimeframe', params: { timeframe: '5m' } });
    assert.equal(chart.state.timeframe, '5m');
  });
});
