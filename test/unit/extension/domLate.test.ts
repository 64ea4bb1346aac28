/**
 * The DOM's traded column across a reconnect's hole: the hole's trades, fetched from REST after the stream moved on,
 * count at their prices (the last price stays the stream's), the DOM asks the hub for them (`lateTrades`), and a hole
 * given up is named on the page ("Vol lacks the trades …"), never passed off as a quiet market.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SubscribeOptions, Subscription, TradesEvent } from '../../../src/core/hub/requests';
import type { OrderBook, Trade } from '../../../src/core/types';
import type { EngineHost } from '../../../src/extension/engineHost';
import { DomLadder } from '../../../src/extension/panels/domLadder';
import { DomPanel } from '../../../src/extension/panels/domPanel';
import type { PanelContext } from '../../../src/extension/panels/panelContext';
import { readSettings } from '../../../src/extension/settings';
import { MAX_TRADES_MISSING, parseHostMessage, type HostMessage } from '../../../src/shared/protocol';
import { tradesMissingNote } from '../../../src/webviews/shared/tradesMissing';
import { captureLog } from '../../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

const T = Date.UTC(2024, 0, 1, 12, 1, 3);
const trade = (id: string, at: number, price: number, amount: number): Trade => ({ id, timestamp: at, price, amount, side: 'buy' });
const book: OrderBook = { timestamp: T, bids: [[100, 1]], asks: [[101, 1]] };
const tradedAt = (rows: readonly { price: number; traded: number }[], price: number) => rows.find((r) => r.price === price)?.traded;

describe("the DOM's traded column across a reconnect's hole", () => {
  it('late trades count at their prices; the last price stays the newest streamed', () => {
    const ladder = new DomLadder(1);
    ladder.addTrades([trade('a', T, 100, 1), trade('c', T + 9000, 101, 2)]);
    ladder.addLate([trade('b1', T + 3000, 98, 0.5), trade('b2', T + 4000, 100, 0.25)]);
    assert.equal(ladder.lastPrice, 101, 'not set back to the hole’s last trade');
    const rows = ladder.rows(book, 1, 21);
    assert.equal(tradedAt(rows, 100), 1.25);
    assert.equal(tradedAt(rows, 98), 0.5);
    assert.equal(tradedAt(rows, 101), 2);
  });

  it("the page checks `dom/update`'s tradesMissing like any field, and names the newest span with how many came before", () => {
    const update = { market: { exchange: 'binance', symbol: 'BTC/USDT' }, rows: [], lastPrice: null, tickSize: 1, multiple: 1, multiples: [1] };
    assert.ok(parseHostMessage({ method: 'dom/update', params: { ...update, tradesMissing: [{ from: T, until: T + 6000, reason: 'HTTP 503' }] } }).ok);
    const bad = parseHostMessage({ method: 'dom/update', params: { ...update, tradesMissing: [{ from: T, until: 'soon', reason: 'x' }] } });
    assert.ok(!bad.ok && /tradesMissing\[0\]\.until/.test(bad.error), bad.ok ? '' : bad.error);
    const tooMany = parseHostMessage({ method: 'dom/update', params: { ...update, tradesMissing: Array.from({ length: MAX_TRADES_MISSING + 1 }, (_, i) => ({ from: T + i, reason: 'x' })) } });
    assert.ok(!tooMany.ok && /at most/.test(tooMany.error), tooMany.ok ? '' : tooMany.error);
    assert.equal(tradesMissingNote([], 'Vol lacks'), null);
    assert.equal(tradesMissingNote([{ from: T, until: T + 6000, reason: 'HTTP 503' }], 'Vol lacks')?.text, 'Vol lacks the trades 12:01:03–12:01:09: HTTP 503');
    const two = tradesMissingNote([{ from: T - 60_000, until: T - 50_000, reason: 'a' }, { from: T, reason: 'the candle series fetching them was closed' }], 'Vol lacks');
    assert.equal(two?.text, 'Vol lacks the trades from 12:01:03: the candle series fetching them was closed (and 1 earlier span)');
    assert.equal(two?.title.split('\n').length, 2, 'every span in the tooltip');
  });

  describe('the panel on a stand-in hub', () => {
    let panel: DomPanel | undefined;
    afterEach(() => panel?.panel.dispose());

    function open(): { fake: FakePanel; consumer: (kind: string) => ((e: unknown) => void) | undefined; options: Map<string, SubscribeOptions | undefined> } {
      const consumers = new Map<string, (e: unknown) => void>();
      const options = new Map<string, SubscribeOptions | undefined>();
      const hub = {
        subscribe: (request: { readonly kind: string }, consumer: (e: unknown) => void, opts?: SubscribeOptions): Subscription => {
          consumers.set(request.kind, consumer);
          options.set(request.kind, opts);
          return { ready: Promise.resolve(), dispose: () => undefined };
        },
        markets: () => Promise.resolve([{ symbol: 'BTC/USDT', tickSize: 1 }]),
        onDidRewind: () => ({ dispose: () => undefined }),
      };
      const settings = readSettings().settings;
      const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..', '..')), engine: { hub } as unknown as EngineHost, log: captureLog(), settings: () => ({ ...settings, domMultiples: [1] }) };
      const fake = fakeWebviewPanel({ keep: true });
      panel = new DomPanel(fake.panel, { kind: 'dom', exchange: 'binance', symbol: 'BTC/USDT' }, ctx);
      fake.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
      return { fake, consumer: (kind) => consumers.get(kind), options };
    }

    type Update = Extract<HostMessage, { method: 'dom/update' }>;
    const updates = (fake: FakePanel) => receivedByPage(fake.messages).filter((m): m is Update => m.method === 'dom/update');

    it("asks for the hole's trades, counts them without moving the last price, and names a hole given up in every update after", async () => {
      const { fake, consumer, options } = open();
      await pageUntil('subscribed', () => consumer('trades') !== undefined && consumer('orderbook') !== undefined);
      assert.equal(options.get('trades')?.lateTrades, true, 'takes holes late: the hub fetches them for the DOM alone');
      const send = consumer('trades') as (e: TradesEvent) => void;
      (consumer('orderbook') as (e: unknown) => void)({ type: 'orderbook', book });
      await pageUntil('a ladder (the market listed)', () => updates(fake).length > 0);
      send({ type: 'trades', trades: [trade('a', T, 100, 1), trade('c', T + 9000, 101, 2)] });
      await pageUntil('a ladder with the streamed trades', () => tradedAt(updates(fake).at(-1)?.params.rows ?? [], 101) === 2);
      send({ type: 'trades', trades: [trade('b', T + 3000, 100, 0.5)], late: true });
      await pageUntil('the late trade counted', () => tradedAt(updates(fake).at(-1)?.params.rows ?? [], 100) === 1.5);
      assert.equal(updates(fake).at(-1)?.params.lastPrice, 101, 'the last price is still the newest streamed');
      assert.equal(updates(fake).at(-1)?.params.tradesMissing, undefined, 'nothing missing yet');
      send({ type: 'trades', trades: [], late: true, lost: { from: T + 9000, until: T + 20_000, reason: 'exchange not available: HTTP 503' } });
      await pageUntil('the span named', () => updates(fake).at(-1)?.params.tradesMissing !== undefined);
      assert.deepEqual(updates(fake).at(-1)?.params.tradesMissing, [{ from: T + 9000, until: T + 20_000, reason: 'exchange not available: HTTP 503' }]);
      send({ type: 'trades', trades: [trade('d', T + 21_000, 101, 1)] });
      await pageUntil('the next update', () => tradedAt(updates(fake).at(-1)?.params.rows ?? [], 101) === 3);
      assert.equal(updates(fake).at(-1)?.params.tradesMissing?.length, 1, 'still named after more trades');
      assert.deepEqual(fake.invalid, []);
    });
  });
});
