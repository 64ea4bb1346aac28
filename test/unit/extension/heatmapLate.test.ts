/**
 * The heatmap's trade bubbles across a reconnect's hole: the hole's trades, fetched from REST after the stream moved
 * on, go into the columns of their time (a column holds the trades since the one before), the heatmap asks the hub
 * for them (`lateTrades`) and sends the page its columns again; a hole given up is named on the page.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SubscribeOptions, Subscription, TradesEvent } from '../../../src/core/hub/requests';
import type { OrderBook, Trade } from '../../../src/core/types';
import type { EngineHost } from '../../../src/extension/engineHost';
import { HeatmapBuffer } from '../../../src/extension/panels/heatmapBuffer';
import { HeatmapPanel } from '../../../src/extension/panels/heatmapPanel';
import { HeatmapSampler } from '../../../src/extension/panels/heatmapSampler';
import type { PanelContext } from '../../../src/extension/panels/panelContext';
import { readSettings } from '../../../src/extension/settings';
import { parseHostMessage, type HeatmapColumnWire, type HostMessage } from '../../../src/shared/protocol';
import { captureLog } from '../../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

const T = Date.UTC(2024, 0, 1, 12, 1, 3);
const trade = (id: string, at: number, price: number, amount: number, side: 'buy' | 'sell' = 'buy'): Trade => ({ id, timestamp: at, price, amount, side });
const book: OrderBook = { timestamp: T, bids: [[100, 1]], asks: [[101, 1]] };
const col = (time: number, trades: number[] = []): HeatmapColumnWire => [time, [100, 1], [101, 2], trades];
/** Each column's time and trade triples. */
const marks = (columns: readonly HeatmapColumnWire[]) => columns.map((c) => [c[0], c[3]]);

describe("the heatmap's trade bubbles across a reconnect's hole", () => {
  it('late trades merge per price into the first column at or after their time; newer ones are the next column’s, older ones than every column left out (counted)', () => {
    const buffer = new HeatmapBuffer(3);
    for (const t of [T, T + 100, T + 200, T + 300]) buffer.push(col(t, t === T + 200 ? [100, 1, 0] : []));
    const bytes = buffer.bytes;
    const got = buffer.addLate([trade('old', T + 50, 99, 1), trade('a', T + 150, 100, 0.5), trade('b', T + 200, 100, 0.25, 'sell'), trade('c', T + 201, 102, 2), trade('d', T + 301, 101, 1)]);
    assert.deepEqual(got.newer.map((t) => t.id), ['d']);
    assert.equal(got.older, 1, 'the column of T + 50 has left the buffer');
    assert.equal(got.placed, 3);
    assert.deepEqual(marks(buffer.columns()), [
      [T + 100, []],
      [T + 200, [100, 1.5, 0.25]],
      [T + 300, [102, 2, 0]],
    ]);
    assert.ok(buffer.bytes > bytes, 'the bytes held count the new triples');
  });

  it('the sampler puts those newer than every column in the next one, with the trades since the last sample', () => {
    let now = T;
    const s = new HeatmapSampler({ sampleMs: 100, levels: 1, minutes: 1, now: () => now }, () => undefined);
    s.onBook(book);
    s.sample();
    s.onTrades([trade('s', T + 60, 100, 1)]);
    assert.equal(s.onLateTrades([trade('l', T + 50, 100, 2)]), false, 'no column held changed');
    now = T + 100;
    assert.deepEqual(s.sample()?.[3], [100, 3, 0]);
    assert.equal(s.onLateTrades([trade('m', T + 80, 101, 1)]), true, 'a column held changed');
    assert.deepEqual(marks(s.buffer.columns()).at(-1), [T + 100, [100, 3, 0, 101, 1, 0]]);
  });

  it('the sampler counts those older than every column held (none of theirs is left to show them) until cleared', () => {
    let now = T;
    const s = new HeatmapSampler({ sampleMs: 100, levels: 1, minutes: 1, now: () => now }, () => undefined);
    s.onBook(book);
    s.sample();
    now = T + 100;
    s.sample();
    assert.equal(s.tradesBeforeColumns, 0);
    assert.equal(s.onLateTrades([trade('x', T - 500, 100, 1), trade('y', T - 1, 100, 1, 'sell'), trade('z', T + 50, 100, 1)]), true);
    assert.equal(s.tradesBeforeColumns, 2, 'the two before the oldest column, counted');
    assert.deepEqual(marks(s.buffer.columns()), [
      [T, []],
      [T + 100, [100, 1, 0]],
    ]);
    assert.equal(s.onLateTrades([trade('w', T - 200, 100, 1)]), true, 'only uncounted trades: the page is told the new count');
    assert.equal(s.tradesBeforeColumns, 3);
    s.clear();
    assert.equal(s.tradesBeforeColumns, 0, 'a replay gone back starts afresh');
  });

  it('the page checks `heatmap/tradesMissing` and the snapshot’s tradesMissing like any message', () => {
    assert.ok(parseHostMessage({ method: 'heatmap/tradesMissing', params: { missing: [{ from: T, until: T + 6000, reason: 'HTTP 503' }] } }).ok);
    const bad = parseHostMessage({ method: 'heatmap/tradesMissing', params: { missing: [{ from: T, reason: 42 }] } });
    assert.ok(!bad.ok && /missing\[0\]\.reason/.test(bad.error), bad.ok ? '' : bad.error);
    const snapshot = { market: { exchange: 'binance', symbol: 'BTC/USDT' }, sampleMs: 100, maxColumns: 10, columns: [] };
    assert.ok(parseHostMessage({ method: 'heatmap/snapshot', params: { ...snapshot, tradesMissing: [{ from: T, reason: 'x' }] } }).ok);
    assert.equal(parseHostMessage({ method: 'heatmap/snapshot', params: { ...snapshot, tradesMissing: [{ from: -1, reason: 'x' }] } }).ok, false);
    assert.ok(parseHostMessage({ method: 'heatmap/snapshot', params: { ...snapshot, tradesBeforeColumns: 3 } }).ok);
    const fraction = parseHostMessage({ method: 'heatmap/snapshot', params: { ...snapshot, tradesBeforeColumns: 1.5 } });
    assert.ok(!fraction.ok && /tradesBeforeColumns/.test(fraction.error), fraction.ok ? '' : fraction.error);
  });

  describe('the panel on a stand-in hub', () => {
    let panel: HeatmapPanel | undefined;
    afterEach(() => panel?.panel.dispose());

    type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
    const received = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);

    it("asks for the hole's trades and sends the columns again with them in the column of their time; names a hole given up, in later snapshots too", async () => {
      const consumers = new Map<string, (e: unknown) => void>();
      const options = new Map<string, SubscribeOptions | undefined>();
      let now = T;
      const hub = {
        subscribe: (request: { readonly kind: string }, consumer: (e: unknown) => void, opts?: SubscribeOptions): Subscription => {
          consumers.set(request.kind, consumer);
          options.set(request.kind, opts);
          return { ready: Promise.resolve(), dispose: () => undefined };
        },
        markets: () => Promise.resolve([]),
        onDidRewind: () => ({ dispose: () => undefined }),
        clockOf: () => ({ now: () => now }),
      };
      const settings = readSettings().settings;
      // An interval no test waits for (the test samples by hand), ten columns held.
      const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..', '..')), engine: { hub } as unknown as EngineHost, log: captureLog(), settings: () => ({ ...settings, heatmap: { ...settings.heatmap, sampleMs: 3_600_000, minutes: 600 } }) };
      const fake = fakeWebviewPanel({ keep: true });
      panel = new HeatmapPanel(fake.panel, { kind: 'heatmap', exchange: 'binance', symbol: 'BTC/USDT' }, ctx);
      fake.fromPage({ method: 'webview/ready', params: { kind: 'heatmap' } });
      await pageUntil('subscribed', () => consumers.has('trades') && consumers.has('orderbook'));
      assert.equal(options.get('trades')?.lateTrades, true, 'takes holes late: the hub fetches them for the heatmap alone');
      const send = consumers.get('trades') as (e: TradesEvent) => void;
      consumers.get('orderbook')!({ type: 'orderbook', book });
      const sampler = (panel as unknown as { sampler: HeatmapSampler }).sampler;
      send({ type: 'trades', trades: [trade('a', T - 10, 100, 1)] });
      sampler.sample();
      now = T + 10_000;
      send({ type: 'trades', trades: [trade('c', T + 9000, 101, 2)] });
      sampler.sample();
      await pageUntil('two columns', () => received(fake, 'heatmap/columns').flatMap((m) => m.params.columns).length === 2);
      const snapshots = received(fake, 'heatmap/snapshot').length;
      send({ type: 'trades', trades: [trade('b', T + 3000, 100, 0.5)], late: true });
      await pageUntil('the columns sent again', () => received(fake, 'heatmap/snapshot').length > snapshots);
      assert.deepEqual(marks(received(fake, 'heatmap/snapshot').at(-1)!.params.columns), [
        [T, [100, 1, 0]],
        [T + 10_000, [101, 2, 0, 100, 0.5, 0]],
      ]);
      send({ type: 'trades', trades: [], late: true, lost: { from: T + 9000, until: T + 20_000, reason: 'exchange not available: HTTP 503' } });
      await pageUntil('the span named', () => received(fake, 'heatmap/tradesMissing').length > 0);
      assert.deepEqual(received(fake, 'heatmap/tradesMissing').at(-1)!.params.missing, [{ from: T + 9000, until: T + 20_000, reason: 'exchange not available: HTTP 503' }]);
      fake.fromPage({ method: 'webview/ready', params: { kind: 'heatmap' } });
      await pageUntil('a snapshot naming it', () => received(fake, 'heatmap/snapshot').at(-1)?.params.tradesMissing !== undefined);
      assert.equal(received(fake, 'heatmap/snapshot').at(-1)!.params.tradesBeforeColumns, undefined, 'none older than every column yet');
      // A hole's trades before the oldest column held: no column shows them; the page is told how many.
      send({ type: 'trades', trades: [trade('gone', T - 5000, 100, 1), trade('gone2', T - 4000, 100, 1)], late: true });
      await pageUntil('the count sent', () => received(fake, 'heatmap/snapshot').at(-1)?.params.tradesBeforeColumns !== undefined);
      assert.equal(received(fake, 'heatmap/snapshot').at(-1)!.params.tradesBeforeColumns, 2);
      assert.deepEqual(marks(received(fake, 'heatmap/snapshot').at(-1)!.params.columns), [
        [T, [100, 1, 0]],
        [T + 10_000, [101, 2, 0, 100, 0.5, 0]],
      ]);
      assert.deepEqual(fake.invalid, []);
    });
  });
});
