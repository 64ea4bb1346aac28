/**
 * A chart's error banner ends when what it reports ends, not with any snapshot: a snapshot is sent for markers,
 * settings and a page that loads again as well, and says nothing of whether the failure is over. The extension's
 * ChartPanel on a stand-in hub and a plain-Node webview.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CandleEvent, Subscription } from '../../../src/core/hub/requests';
import { silentLogger } from '../../../src/core/util/log';
import type { EngineHost } from '../../../src/extension/engineHost';
import { ChartPanel } from '../../../src/extension/panels/chartPanel';
import type { PanelContext } from '../../../src/extension/panels/panelContext';
import { readSettings } from '../../../src/extension/settings';
import type { HostMessage } from '../../../src/shared/protocol';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
const received = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);
const HALTED = 'binance halted BTC/USDT';
/** The bars the stand-in hub holds, whatever the timeframe. */
const BARS = [{ time: 60_000, open: 1, high: 2, low: 1, close: 2, volume: 3 }];

describe("a chart's error banner", () => {
  let chart: ChartPanel | undefined;
  afterEach(() => chart?.panel.dispose());

  /** A chart of BTC/USDT 1m whose page is ready, and its candle stream's consumer (the newest subscription's). */
  function open(): { fake: FakePanel; candles: () => (e: CandleEvent) => void } {
    let consumer: ((e: CandleEvent) => void) | undefined;
    const hub = {
      subscribe: (request: { readonly kind: string }, c: (e: CandleEvent) => void): Subscription => {
        if (request.kind === 'candles') consumer = c;
        return { ready: Promise.resolve(), dispose: () => undefined };
      },
      snapshot: () => BARS,
      timeframes: () => Promise.resolve(['1m', '5m']),
      markets: () => Promise.resolve([{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }]),
      onDidRewind: () => ({ dispose: () => undefined }),
    };
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..', '..')), engine: { hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const fake = fakeWebviewPanel({ keep: true });
    chart = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, ctx);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
    return { fake, candles: () => consumer! };
  }

  it('stays through a snapshot that does not end its failure (markers set), and a page loaded after it still gets it', async () => {
    const { fake, candles } = open();
    candles()({ type: 'snapshot', candles: BARS });
    candles()({ type: 'state', state: { status: 'failed', reason: HALTED } });
    await pageUntil('the banner', () => received(fake, 'panel/error').length === 1);
    const snapshots = received(fake, 'chart/snapshot').length;
    chart!.setMarkers([]);
    await pageUntil('the snapshot with the markers', () => received(fake, 'chart/snapshot').length > snapshots);
    assert.deepEqual(received(fake, 'panel/errorResolved'), [], 'the stream is still failed');

    fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } }); // the page loaded again (hidden, then shown)
    await pageUntil('the resync', () => received(fake, 'panel/error').length === 2);
    assert.equal(received(fake, 'panel/error')[1]?.params.message, HALTED, 'the reloaded page shows the failure that still holds');

    candles()({ type: 'state', state: { status: 'live', since: 1 } });
    await pageUntil('resolved', () => received(fake, 'panel/errorResolved').length > 0);
    assert.deepEqual(received(fake, 'panel/errorResolved').map((m) => m.params.message), [HALTED], 'live again: the banner goes');
  });

  it("ends when the series it was about is replaced (another timeframe): the host says so, the page's snapshot does not", async () => {
    const { fake, candles } = open();
    candles()({ type: 'state', state: { status: 'failed', reason: HALTED } });
    await pageUntil('the banner', () => received(fake, 'panel/error').length === 1);
    chart!.setTimeframe('5m');
    await pageUntil('resolved', () => received(fake, 'panel/errorResolved').length > 0);
    assert.deepEqual(received(fake, 'panel/errorResolved').map((m) => m.params.message), [HALTED]);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
    await pageUntil('the resync', () => received(fake, 'chart/snapshot').some((s) => s.params.timeframe === '5m'));
    assert.equal(received(fake, 'panel/error').length, 1, 'a page loaded after it is not told the old failure');
  });
});
