/**
 * A thin market: the spread is wider than a new DOM's window of rows at the grouping the price alone suggests, so
 * neither the best bid nor the best ask would be in it (121 empty rows). The first book's spread is taken into the
 * start grouping: the ladder opens with both sides in view. Real ccxt against the emulator, default settings.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineHost } from '../../src/extension/engineHost';
import { LADDER_ROWS, SPREAD_ROWS_AT_MOST } from '../../src/extension/panels/domLadder';
import { DomPanel } from '../../src/extension/panels/domPanel';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import { ladderAroundBook, received } from '../helpers/domPage';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil } from '../helpers/fakeWebviewPanel';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

describe('a DOM opened on a market whose spread is wider than its window of rows (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('starts coarse enough that the spread spans at most a few dozen rows: the best bid and the best ask are both rows of the ladder; a grouping picked too fine for the spread tells the page its best bid and ask', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 0, historyMinutes: 5 });
    const r = rig;
    // 160 empty levels (of 1.00) each side of the last price: a spread of about 321 at a price of about 60,000.
    r.emulator.setSpread(market.symbol, 160);
    await once(r.emulator, 'book');
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: r.hub } as unknown as EngineHost, log: r.log, settings: () => settings };
    const dom = fakeWebviewPanel({ keep: true });
    const panel = new DomPanel(dom.panel, { kind: 'dom', ...market }, ctx);
    try {
      dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
      await ladderAroundBook(dom);
      const update = received(dom, 'dom/update').at(-1)!.params;
      const book = r.emulator.orderBook(market.symbol, 1);
      const spread = book.asks[0]![0] - book.bids[0]![0];
      const step = update.tickSize * update.multiple;
      assert.ok(spread / update.tickSize / 250 > LADDER_ROWS, `at the grouping the price suggests (250) the spread (${spread}) would be wider than the window`);
      // 32,100 ticks over SPREAD_ROWS_AT_MOST rows wants 1,338 ticks a row: more than any grouping offered.
      assert.equal(update.multiple, Math.max(...settings.domMultiples), `the coarsest grouping the settings offer (the spread spans ${Math.round(spread / step)} rows at it, ${SPREAD_ROWS_AT_MOST} wanted)`);
      assert.ok(update.rows.some((row) => row.bid > 0), 'a bid row');
      assert.ok(update.rows.some((row) => row.ask > 0), 'an ask row');
      assert.equal(update.spreadBeyondRows, undefined, 'no note: the book is on the ladder');

      // The user picks one tick a row: the rows lie inside the spread, and the page is told the best bid and ask.
      const before = received(dom, 'dom/update').length;
      dom.fromPage({ method: 'dom/setMultiple', params: { multiple: 1 } });
      await pageUntil('a ladder of one tick a row', () => received(dom, 'dom/update').slice(before).some((m) => m.params.multiple === 1));
      const fine = received(dom, 'dom/update').at(-1)!.params;
      assert.equal(fine.multiple, 1);
      assert.ok(fine.rows.length > 0 && fine.rows.every((row) => row.bid === 0 && row.ask === 0), 'no row shows a size');
      const best = r.emulator.orderBook(market.symbol, 1);
      assert.deepEqual(fine.spreadBeyondRows, { bid: best.bids[0]![0], ask: best.asks[0]![0] }, "the book's best bid and ask");
      assert.ok(fine.spreadBeyondRows!.bid < fine.rows.at(-1)!.price && fine.spreadBeyondRows!.ask > fine.rows[0]!.price, 'both beyond the rows');

      // Back to a coarse grouping: the note goes.
      const again = received(dom, 'dom/update').length;
      dom.fromPage({ method: 'dom/setMultiple', params: { multiple: 1000 } });
      await pageUntil('a ladder of 1,000 ticks a row', () => received(dom, 'dom/update').slice(again).some((m) => m.params.multiple === 1000));
      assert.equal(received(dom, 'dom/update').at(-1)!.params.spreadBeyondRows, undefined);
      assert.deepEqual(dom.invalid, [], 'the page takes every update');
    } finally {
      panel.panel.dispose();
    }
  });
});
