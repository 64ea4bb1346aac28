/**
 * A Bybit perpetual's chart while its exchange is away (real ccxt, emulator): the legend's mark, funding and open
 * interest are its ticker's last ones, and it says since when until a ticker brings fresh ones. The extension's chart
 * panel on a plain-Node webview stand-in.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { DerivativesWire } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

const SYMBOL = 'BTC/USDT:USDT';
const figures = (fake: FakePanel): DerivativesWire[] => receivedByPage(fake.messages).flatMap((m) => (m.method === 'chart/derivatives' ? [m.params] : []));

describe("a perpetual's legend figures while its ticker is down (Bybit, real ccxt, emulator)", function () {
  this.timeout(90_000);
  let rig: Rig<'bybit'> | undefined;
  let panel: ChartPanel | undefined;
  afterEach(async () => {
    panel?.panel.dispose();
    panel = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('dated with the last ticker’s time while its server is stopped, fresh again (no note) once a ticker comes after the restart', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 5, tickerIntervalMs: 200, historyMinutes: 10 }, { historyBars: 20 });
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: rig.log, settings: () => settings };
    const fake = fakeWebviewPanel({ keep: true });
    panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'bybit', symbol: SYMBOL, timeframe: '1m' }, ctx);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
    await pageUntil('figures in the legend', () => figures(fake).some((d) => d.openInterest !== undefined && d.note === undefined), 30_000);
    const lastSent = () => rig!.emulator.tickers(SYMBOL).at(-1)!;

    await rig.emulator.stop();
    const sentLast = lastSent();
    await pageUntil('the figures dated', () => figures(fake).at(-1)?.note !== undefined, 30_000);
    const down = figures(fake).at(-1)!;
    const asOf = new Date(sentLast.timestamp).toISOString().slice(11, 19);
    assert.match(down.note ?? '', new RegExp(`^mark, funding and open interest as of ${asOf} UTC: its ticker `), "the time of the last ticker the exchange sent");
    assert.equal(down.openInterest, sentLast.openInterest, 'its last open interest stays, dated');

    await rig.emulator.restart();
    await pageUntil('fresh again', () => figures(fake).at(-1)?.note === undefined, 45_000);
    const fresh = figures(fake).at(-1)!;
    assert.ok(rig.emulator.tickers(SYMBOL).some((t) => t.timestamp > sentLast.timestamp && t.openInterest === fresh.openInterest), 'from a ticker sent after the restart');
  });
});
