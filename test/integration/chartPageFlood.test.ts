/**
 * A chart's page sending costly commands in a loop (hostile or broken): the host writes settings.json and asks the
 * exchange for older bars at most a few times, acts on what the page asked for last, and keeps serving the chart.
 * The extension's ChartPanel on a plain-Node webview stand-in, real ccxt against the Binance emulator.
 */
import { configurationWrites, setConfiguration } from '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChartPanel } from '../../src/extension/panels/chartPanel';
import { Rig } from '../helpers/emulatorHub';
import { chartPanelOnHub, received } from '../helpers/chartPanelOnHub';
import { pageUntil } from '../helpers/fakeWebviewPanel';


describe('a chart page flooding the host with costly commands (real ccxt, emulator)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  let chart: ChartPanel | undefined;
  afterEach(async () => {
    chart?.panel.dispose();
    chart = undefined;
    await rig?.close();
    rig = undefined;
  });

  async function openChart() {
    rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 3000, historyTradesPerMinute: 2 }, { historyBars: 100 });
    setConfiguration({});
    const opened = chartPanelOnHub(rig.hub, { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    const { fake, warnings } = opened;
    chart = opened.chart;
    await pageUntil('the chart snapshot', () => (received(fake, 'chart/snapshot').at(-1)?.params.candles.length ?? 0) > 0);
    return { r: rig, fake, warnings, first: received(fake, 'chart/snapshot').at(-1)!.params.candles[0]![0] };
  }

  it('500 chart/loadOlderBars at once: a few requests reach the exchange, the last one is answered with bars, one warning names the method', async () => {
    const { r, fake, warnings, first } = await openChart();
    const since = Date.now();
    const N = 500;
    for (let id = 1; id <= N; id++) fake.fromPage({ method: 'chart/loadOlderBars', params: { requestId: id, before: first, count: 200 } });
    await pageUntil('the answer to the last request', () => received(fake, 'chart/olderBars').some((m) => m.params.requestId === N));
    const answer = received(fake, 'chart/olderBars').find((m) => m.params.requestId === N)!;
    assert.equal(answer.params.candles.length, 200, 'the bars the page asked for last');
    const klines = r.emulator.restLog(since).filter((e) => e.path.includes('klines'));
    assert.ok(klines.length <= 4, `${klines.length} kline requests for ${N} asks`);
    assert.equal(warnings.filter((w) => w.includes('its page sent chart/loadOlderBars')).length, 1, warnings.join('\n'));
  });

  it('1,000 chart/setVolumeProfile at once: settings.json written twice, ending on the last mode; every ask answered', async () => {
    const { fake, warnings } = await openChart();
    configurationWrites.length = 0;
    const N = 1000;
    for (let i = 0; i < N; i++) fake.fromPage({ method: 'chart/setVolumeProfile', params: { mode: i % 2 === 0 ? 'visible' : 'session' } });
    const answeredSoFar = () => received(fake, 'chart/volumeProfile').reduce((n, m) => n + (m.params.answered ?? 0), 0);
    await pageUntil('every ask answered', () => answeredSoFar() === N);
    assert.deepEqual(configurationWrites, ['tradesuite.footprint.volumeProfile', 'tradesuite.footprint.volumeProfile']);
    assert.equal(vscode.workspace.getConfiguration('tradesuite').get('footprint.volumeProfile'), 'session', 'the last mode asked for');
    assert.equal(received(fake, 'chart/volumeProfile').at(-1)?.params.mode, 'session');
    assert.equal(warnings.filter((w) => w.includes('its page sent chart/setVolumeProfile')).length, 1, warnings.join('\n'));
  });
});
