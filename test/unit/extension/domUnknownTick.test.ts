/**
 * A DOM on a market its exchange lists without a usable tick size (none, 0, or one that is not a number): its ladder
 * steps by the prices' own precision, never by a cent, which laid a coin priced 0.00001234 out on rows of 0.00 and
 * 0.01 (its whole book in one row). The panel on a stand-in hub.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Subscription } from '../../../src/core/hub/requests';
import type { OrderBook } from '../../../src/core/types';
import type { EngineHost } from '../../../src/extension/engineHost';
import { tickOfPrices } from '../../../src/extension/panels/domLadder';
import { DomPanel } from '../../../src/extension/panels/domPanel';
import type { PanelContext } from '../../../src/extension/panels/panelContext';
import { readSettings } from '../../../src/extension/settings';
import type { HostMessage } from '../../../src/shared/protocol';
import { captureLog } from '../../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

const T = Date.UTC(2024, 0, 1, 12);
const PEPE = 'PEPE/USDT';
/** Levels 1e-8 apart around 0.00001234. */
const book: OrderBook = { timestamp: T, bids: [[0.00001233, 5e6], [0.00001232, 7e6], [0.0000123, 1e6]], asks: [[0.00001234, 4e6], [0.00001236, 2e6]] };
type Update = Extract<HostMessage, { method: 'dom/update' }>;
const updates = (fake: FakePanel) => receivedByPage(fake.messages).filter((m): m is Update => m.method === 'dom/update');

describe('a DOM on a market listed without a usable tick size', () => {
  let panel: DomPanel | undefined;
  afterEach(() => panel?.panel.dispose());

  for (const tickSize of [undefined, 0, Number.NaN]) {
    it(`tick size ${String(tickSize)}: the ladder steps by the book's precision (1e-8), each level on its own row`, async () => {
      let bookConsumer: ((e: unknown) => void) | undefined;
      const hub = {
        subscribe: (request: { readonly kind: string }, consumer: (e: unknown) => void): Subscription => {
          if (request.kind === 'orderbook') bookConsumer = consumer;
          return { ready: Promise.resolve(), dispose: () => undefined };
        },
        markets: () => Promise.resolve([{ symbol: PEPE, base: 'PEPE', quote: 'USDT', active: true, tickSize }]),
        onDidRewind: () => ({ dispose: () => undefined }),
      };
      const settings = readSettings().settings;
      const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..', '..')), engine: { hub } as unknown as EngineHost, log: captureLog(), settings: () => ({ ...settings, domMultiples: [1, 10, 100] }) };
      const fake = fakeWebviewPanel({ keep: true });
      panel = new DomPanel(fake.panel, { kind: 'dom', exchange: 'binance', symbol: PEPE }, ctx);
      fake.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
      await pageUntil('subscribed', () => bookConsumer !== undefined);
      bookConsumer!({ type: 'orderbook', book });
      await pageUntil('a ladder', () => updates(fake).length > 0);
      const last = updates(fake).at(-1)!.params;
      assert.equal(last.tickSize, 1e-8);
      assert.equal(last.multiple, 1, 'the finest grouping: the spread is one step');
      const sized = last.rows.filter((r) => r.bid > 0 || r.ask > 0).map((r) => [r.price, r.bid, r.ask]);
      assert.deepEqual(sized, [
        [0.00001236, 0, 2e6],
        [0.00001234, 0, 4e6],
        [0.00001233, 5e6, 0],
        [0.00001232, 7e6, 0],
        [0.0000123, 1e6, 0],
      ]);
      assert.equal(last.spreadBeyondRows, undefined);
      assert.deepEqual(fake.invalid, []);
    });
  }

  it("tickOfPrices: the step of the prices' finest decimal; undefined without a usable price", () => {
    assert.equal(tickOfPrices([0.00001233, 0.0000123]), 1e-8);
    assert.equal(tickOfPrices([60000, 60000.5, 60001]), 0.1);
    assert.equal(tickOfPrices([60000, 60001]), 1);
    assert.equal(tickOfPrices([0.1 + 0.2]), 0.1, 'float noise is not a decimal');
    assert.equal(tickOfPrices([Number.NaN, -1, 0, Number.POSITIVE_INFINITY]), undefined);
    assert.equal(tickOfPrices([]), undefined);
  });
});
