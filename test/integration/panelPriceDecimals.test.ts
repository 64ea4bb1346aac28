/**
 * The order book and the tape show prices at their market's tick decimals, as its DOM and chart do: each panel's page
 * is told the tick size the exchange lists (it inferred the decimals from the prices shown, so a tape of trades at
 * whole dollars read 60,000 where the DOM read 60,000.00). The extension's panels on plain-Node webview stand-ins,
 * real ccxt against the Binance emulator.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { OrderBookPanel } from '../../src/extension/panels/orderBookPanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';

const BTC = 'BTC/USDT';
type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
const last = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method).at(-1);

describe("the order book and the tape are told their market's tick size (real ccxt, emulator)", function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  const panels: TradePanel[] = [];
  afterEach(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
    rig = undefined;
  });

  it("book/update and tape/snapshot carry the tick size the exchange lists for the market", async () => {
    rig = await Rig.start({ seed: 4, tradesPerSecond: 20, historyMinutes: 10 }, { historyBars: 20 });
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const tick = (await rig.hub.markets('binance')).find((m) => m.symbol === BTC)?.tickSize;
    assert.ok(tick !== undefined && tick > 0, `the emulator lists ${BTC}'s tick size`);
    const book = fakeWebviewPanel({ keep: true });
    const tape = fakeWebviewPanel({ keep: true });
    panels.push(new OrderBookPanel(book.panel, { kind: 'orderbook', exchange: 'binance', symbol: BTC }, ctx));
    panels.push(new TapePanel(tape.panel, { kind: 'tape', exchange: 'binance', symbol: BTC }, ctx));
    book.fromPage({ method: 'webview/ready', params: { kind: 'orderbook' } });
    tape.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    await pageUntil('the book with its tick size', () => last(book, 'book/update')?.params.tickSize !== undefined);
    await pageUntil('the tape with its tick size', () => last(tape, 'tape/snapshot')?.params.tickSize !== undefined);
    assert.equal(last(book, 'book/update')?.params.tickSize, tick);
    assert.equal(last(tape, 'tape/snapshot')?.params.tickSize, tick);
    // A page loaded again (hidden, then shown) is told it too.
    tape.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    const mark = tape.messages.length;
    await pageUntil('the tape resynced', () => receivedByPage(tape.messages.slice(mark)).some((m) => m.method === 'tape/snapshot'));
    assert.equal(receivedByPage(tape.messages.slice(mark)).find((m): m is Of<'tape/snapshot'> => m.method === 'tape/snapshot')?.params.tickSize, tick);
  });
});
