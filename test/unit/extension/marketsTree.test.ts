// The Markets tree groups an exchange's markets by quote once per load: each group lists exactly its own markets.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { parquetSource } from '../../../src/core/record/recordSource';
import { setConfiguration, shownStatusMessages, shownWarnings } from '../../helpers/fakeVscode';
import type * as vscode from 'vscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { EngineHost } from '../../../src/extension/engineHost';
import { ROW_CLICK_COMMAND, toTreeItem, type MarketNode } from '../../../src/extension/markets/marketNodes';
import { rowOpens } from '../../../src/extension/markets/rowClick';
import type { RowTicker } from '../../../src/extension/markets/marketTickers';
import type { RecordingStatusSource } from '../../../src/extension/recording/recordingController';
import { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import { readSettings } from '../../../src/extension/settings';

const market = (base: string, quote: string): MarketInfo => ({ symbol: `${base}/${quote}`, base, quote, active: true, tickSize: 0.01 });
const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;

describe('Markets tree groups', () => {
  it('quote groups by size with their counts; a group lists exactly its markets; the same nodes come back for an unchanged group', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const markets = [market('BTC', 'USDT'), market('ETH', 'BTC'), market('ETH', 'USDT'), market('SOL', 'USDT'), market('SOL', 'BTC'), market('BNB', 'EUR')];
    let loads = 0;
    const engine = { hub: { markets: () => (loads++, Promise.resolve(markets)) }, warm: () => undefined } as unknown as EngineHost;
    const settings = readSettings().settings;
    const tree = new MarketsTreeProvider(engine, () => settings, memento);
    const groups = (await tree.getChildren({ kind: 'exchange', exchange: 'binance' })) as Array<Extract<MarketNode, { kind: 'quote' }>>;
    assert.deepEqual(groups.map((g) => [g.quote, g.count]), [['USDT', 3], ['BTC', 2], ['EUR', 1]]);
    const btc = await tree.getChildren(groups[1]);
    assert.deepEqual(btc.map((n) => (n.kind === 'market' ? n.symbol : n.kind)), ['ETH/BTC', 'SOL/BTC']);
    const again = await tree.getChildren(groups[1]);
    assert.ok(again.every((n, i) => n === btc[i]), 'stable node objects (a row redraw needs the very object the tree was given)');
    assert.equal(loads, 1, 'markets loaded once');
    tree.dispose();
  });

  it('markets downloaded again that list other markets: only that exchange is redrawn and read again, and a market gone is no longer offered', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance', 'bybit'] });
    const before = [market('BTC', 'USDT'), market('GONE', 'USDT'), market('ETH', 'USDT')];
    const after = [market('BTC', 'USDT'), market('ETH', 'USDT')];
    let listing = before;
    const engine = { hub: { markets: () => Promise.resolve(listing) }, warm: () => undefined } as unknown as EngineHost;
    const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento);
    const fired: Array<MarketNode | MarketNode[] | undefined> = [];
    tree.onDidChangeTreeData((n) => fired.push(n));
    const [binance] = await tree.getChildren();
    assert.ok(binance?.kind === 'exchange');
    const [usdt] = await tree.getChildren(binance);
    assert.ok(usdt?.kind === 'quote');
    assert.deepEqual((await tree.getChildren(usdt)).map((n) => n.kind === 'market' && n.symbol), ['BTC/USDT', 'GONE/USDT', 'ETH/USDT']);
    tree.marketsChanged('bybit');
    assert.deepEqual(fired, [], 'bybit was never read here: nothing to redraw');
    listing = after;
    tree.marketsChanged('binance');
    assert.deepEqual(fired, [binance], 'the exchange node alone (VS Code asks again for its groups that show)');
    const [usdtAgain] = await tree.getChildren(binance);
    assert.ok(usdtAgain?.kind === 'quote' && usdtAgain.count === 2, 'the group counts the markets listed now');
    assert.deepEqual((await tree.getChildren(usdtAgain)).map((n) => n.kind === 'market' && n.symbol), ['BTC/USDT', 'ETH/USDT']);
    assert.deepEqual((await tree.markets('binance')).map((m) => m.symbol), ['BTC/USDT', 'ETH/USDT'], 'Find Market… too');
    tree.dispose();
  });

  it('Refresh Markets downloads the markets of the exchanges read again (with progress), reads again those that failed, says when all went well, and on a failure keeps the list and names the exchange and why', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance', 'coinbase', 'kraken', 'bybit'] });
    const reloads: string[] = [];
    let loads = 0;
    let binanceFails = false;
    const engine = {
      hub: {
        markets: (exchange: string) => (loads++, exchange === 'kraken' && loads < 4 ? Promise.reject(new Error('offline')) : Promise.resolve([market('BTC', 'USDT')])),
        reloadMarkets: (exchange: string) => (reloads.push(exchange), binanceFails && exchange === 'binance' ? Promise.reject(new Error('binance GET /api/v3/exchangeInfo 503 Service unavailable')) : Promise.resolve([market('BTC', 'USDT')])),
      },
      warm: () => undefined,
    } as unknown as EngineHost;
    const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento);
    const fired: Array<MarketNode | MarketNode[] | undefined> = [];
    tree.onDidChangeTreeData((n) => fired.push(n));
    const roots = await tree.getChildren();
    const [binance, coinbase, kraken] = roots;
    await tree.getChildren(binance);
    await tree.getChildren(coinbase);
    const [failed] = await tree.getChildren(kraken);
    assert.ok(failed?.kind === 'message' && failed.command?.command === 'tradesuite.refreshMarkets', 'kraken failed, with a retry');
    assert.equal(loads, 3);
    await tree.downloadAgain();
    assert.deepEqual(reloads, ['binance', 'coinbase'], 'downloaded again: the exchanges read (bybit never was)');
    assert.deepEqual(fired, [kraken], 'the failed exchange is read again');
    assert.ok((await tree.getChildren(kraken)).every((n) => n.kind === 'quote'), 'its groups now');
    assert.equal(shownStatusMessages().at(-1), '$(check) Markets downloaded again (2 exchanges)');
    binanceFails = true;
    const warned = shownWarnings().length;
    await tree.downloadAgain();
    assert.deepEqual(shownWarnings().slice(warned), ['Could not download the markets again; those listed stay in use. binance: binance GET /api/v3/exchangeInfo 503 Service unavailable']);
    assert.deepEqual((await tree.getChildren(binance)).map((n) => n.kind === 'quote' && n.quote), ['USDT'], 'binance keeps its list');
    tree.dispose();
  });

  it('markets the exchange lists as not trading come last in their group, marked, dimmed and counted; the trading ones keep their order', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['coinbase'] });
    const markets = [{ ...market('ARJ', 'USD'), active: false }, market('BTC', 'USD'), { ...market('ARGAM', 'USD'), active: false }, market('ADA', 'USD'), market('ETH', 'EUR')];
    const engine = { hub: { markets: () => Promise.resolve(markets) }, warm: () => undefined } as unknown as EngineHost;
    const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento);
    const groups = (await tree.getChildren({ kind: 'exchange', exchange: 'coinbase' })) as Array<Extract<MarketNode, { kind: 'quote' }>>;
    assert.deepEqual(groups.map((g) => [g.quote, g.count, g.notTrading]), [['USD', 4, 2], ['EUR', 1, undefined]]);
    assert.equal(tree.getTreeItem(groups[0]!).description, '4 markets · 2 not trading');
    assert.equal(tree.getTreeItem(groups[1]!).description, '1 market');
    const rows = (await tree.getChildren(groups[0])) as Array<Extract<MarketNode, { kind: 'market' }>>;
    assert.deepEqual(rows.map((r) => [r.symbol, r.notTrading ?? false]), [['BTC/USD', false], ['ADA/USD', false], ['ARJ/USD', true], ['ARGAM/USD', true]]);
    const gone = tree.getTreeItem(rows[2]!);
    assert.equal(gone.description, 'not trading');
    assert.match(String(gone.tooltip), /coinbase lists it as not trading \(halted or delisted\): it has no live data/);
    assert.equal((gone.iconPath as vscode.ThemeIcon).id, 'circle-slash');
    const live = tree.getTreeItem(rows[0]!);
    assert.notEqual(live.description, 'not trading');
    assert.equal((live.iconPath as vscode.ThemeIcon).id, 'graph-line');
    tree.dispose();
  });

  it('a market listed as not trading shows prices that still come, but not a stale or quiet price from before it stopped', () => {
    const node: MarketNode = { kind: 'market', exchange: 'binance', symbol: 'SOL/USDT', favourite: false, notTrading: true };
    const ticker = { timestamp: 1_000, last: 150.1, bid: undefined, ask: undefined, change24hPercent: 1.5 };
    const item = (row: Omit<RowTicker, 'ticker'>, n: MarketNode = node) => toTreeItem(n, { ticker: () => ({ ticker, ...row }), expanded: () => false, now: 31_000 });
    assert.notEqual(item({ staleSince: undefined }).description, 'not trading', 'prices still come');
    assert.equal(item({ staleSince: 1_000 }).description, 'not trading');
    assert.equal((item({ staleSince: 1_000 }).iconPath as vscode.ThemeIcon).id, 'circle-slash');
    assert.equal(item({ staleSince: undefined, quietSince: 1_000 }).description, 'not trading', 'live, but nothing since it stopped');
    const trading = { ...node, notTrading: undefined };
    const quiet = item({ staleSince: undefined, quietSince: 1_000 }, trading);
    assert.equal(quiet.description, item({ staleSince: undefined }, trading).description, 'a quiet market that trades reads its price, without "stale"');
    assert.ok(!String(quiet.description).includes('stale'));
    assert.equal((quiet.iconPath as vscode.ThemeIcon).color, undefined, 'not dimmed');
    assert.match(String(quiet.tooltip), /\nQuiet: no price change since \d\d:\d\d:\d\d \(the stream is live\)/);
    const stale = item({ staleSince: 1_000 }, trading);
    assert.match(String(stale.description), /^stale 30s · /);
    assert.notEqual((stale.iconPath as vscode.ThemeIcon).color, undefined, 'a stale row is dimmed');
  });

  it("a row's price reads to its market's tick decimals once they are known, in the description and the tooltip", () => {
    const node: MarketNode = { kind: 'market', exchange: 'bybit', symbol: 'ADA/USDT:USDT', favourite: false };
    const ticker = { timestamp: 1_000, last: 0.45, bid: undefined, ask: undefined, change24hPercent: 2, derivatives: { markPrice: 0.4513, indexPrice: undefined, fundingRate: undefined, nextFundingTime: undefined, openInterest: undefined } };
    const item = (tickSize?: number) => toTreeItem(node, { ticker: () => ({ ticker, staleSince: undefined }), ...(tickSize === undefined ? {} : { tickSize: () => tickSize }), expanded: () => false, now: 2_000 });
    assert.equal(item(0.0001).description, '0.4500  +2.00% · mark 0.4513');
    assert.match(String(item(0.0001).tooltip), /\nmark 0\.4513 vs last 0\.4500$/);
    assert.equal(item().description, '0.45  +2.00% · mark 0.4513', 'before the markets are loaded: by size, as before');
  });

  it("a market listed as another's name (Coinbase's BTC/USDC) says whose book it is in its tooltip; the label stays its own", () => {
    const node: MarketNode = { kind: 'market', exchange: 'coinbase', symbol: 'BTC/USDC', favourite: false };
    const ticker = { timestamp: 1_000, last: 61_000, bid: undefined, ask: undefined, change24hPercent: 1 };
    const ctx = { ticker: () => ({ ticker, staleSince: undefined }), expanded: () => false, now: 2_000 };
    const item = toTreeItem(node, { ...ctx, aliasOf: (_exchange: string, symbol: string) => (symbol === 'BTC/USDC' ? 'BTC/USD' : undefined) });
    assert.equal(item.label, 'BTC/USDC');
    assert.match(String(item.tooltip), /^BTC\/USDC on coinbase — click to open a chart\ncoinbase lists BTC\/USDC as another name of BTC\/USD: one order book, so its prices, chart, book and trades are BTC\/USD's/);
    assert.ok(!String(toTreeItem({ ...node, symbol: 'BTC/USD' }, { ...ctx, aliasOf: () => undefined }).tooltip).includes('another name'));
  });

  it("markets that cannot load: the row says what the failure means (offline), the tooltip keeps the exchange's words and offers a retry", async () => {
    setConfiguration({ 'tradesuite.exchanges': ['kraken'] });
    const raw = 'kraken GET https://api.kraken.com/0/public/Assets fetch failed: getaddrinfo ENOTFOUND api.kraken.com';
    const engine = { hub: { markets: () => Promise.reject(new Error(raw)) }, warm: () => undefined } as unknown as EngineHost;
    const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento);
    const [row] = await tree.getChildren({ kind: 'exchange', exchange: 'kraken' });
    assert.ok(row?.kind === 'message');
    assert.equal(row.text, 'No markets: offline? api.kraken.com not found');
    assert.ok(row.detail?.startsWith('api.kraken.com cannot be looked up: this machine is offline') && row.detail.includes('kraken GET https://api.kraken.com/0/public/Assets fetch failed') && row.detail.includes('ENOTFOUND api.kraken.com') && row.detail.endsWith('Click to try again.'), row.detail);
    assert.equal(row.command?.command, 'tradesuite.refreshMarkets');
    tree.dispose();
  });

  it("a quote group VS Code reads the rows of holds its exchange's tickers, though the expand events were lost; none while the view is hidden", async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const subscribed: unknown[] = [];
    const engine = {
      hub: { markets: () => Promise.resolve([market('BTC', 'USDT'), market('ETH', 'USDT')]), subscribe: (req: unknown) => (subscribed.push(req), { ready: Promise.resolve(), dispose: () => undefined }) },
      warm: () => undefined,
    } as unknown as EngineHost;
    const none = () => ({ dispose: () => undefined });
    const view = { visible: false, onDidExpandElement: none, onDidCollapseElement: none, onDidChangeVisibility: none } as unknown as vscode.TreeView<MarketNode>;
    const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento);
    tree.watch(view);
    const [usdt] = await tree.getChildren({ kind: 'exchange', exchange: 'binance' });
    assert.ok(usdt);
    await tree.getChildren(usdt);
    assert.equal(tree.holdsTickers('binance'), false, 'a hidden view holds no tickers');
    const shown = { ...view, visible: true, onDidChangeVisibility: none } as unknown as vscode.TreeView<MarketNode>;
    tree.watch(shown);
    assert.equal(tree.holdsTickers('binance'), true, 'the group and its exchange showed their children: both are expanded');
    assert.equal(subscribed.length, 1);
    tree.dispose();
  });

  /** A Markets tree over an empty recordings store on disk (only Binance configured); both go after `run`. */
  const withRecordingsTree = async (run: (tree: MarketsTreeProvider, store: ParquetStore) => Promise<void>) => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tree-recordings-'));
    const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined, recordingRoot: root, recordSource: parquetSource(root), clickHouse: undefined } as unknown as EngineHost;
    const settings = readSettings().settings;
    const tree = new MarketsTreeProvider(engine, () => settings, memento);
    try {
      await run(tree, new ParquetStore(root));
    } finally {
      tree.dispose();
      await fs.rm(root, { recursive: true, force: true });
    }
  };

  it('a recording row’s tooltip, as it is hovered, says where its trades are missing (read then); a hover that ends reads no further', async () => {
    await withRecordingsTree(async (tree, store) => {
      const t0 = Date.parse('2026-11-28T10:00:00Z');
      const row = (ts: number, id: string) => ({ ts, id, price: 1, amount: 1, side: 'buy' as const, received: ts });
      await store.write({ kind: 'trades', market: { exchange: 'binance', symbol: 'BTC/USDT' }, rows: [row(t0, '1'), row(t0 + 600_000, '2')], holes: [{ kind: 'trades' as const, from: t0 + 60_000, until: t0 + 180_000, reason: 'test' }] });
      await store.write({ kind: 'trades', market: { exchange: 'binance', symbol: 'ETH/USDT' }, rows: [row(t0, '3')] });
      await store.close();
      const roots = await tree.getChildren();
      const [btc, eth] = await tree.getChildren(roots.find((n) => n.kind === 'recordings'));
      const token = (cancelled: boolean) => ({ isCancellationRequested: cancelled, onCancellationRequested: (f: () => void) => (cancelled && f(), { dispose: () => undefined }) }) as unknown as vscode.CancellationToken;
      const hovered = async (node: MarketNode | undefined, cancelled = false) => String((await tree.resolveTreeItem(tree.getTreeItem(node!), node!, token(cancelled))).tooltip);
      assert.match(await hovered(btc), /recorded from .*\nTrades are missing 2026-11-28 10:01:00 → 10:03:00 UTC: the bars there are partial\.$/);
      assert.match(await hovered(eth), /\nNo trades are known to be missing\.$/);
      assert.equal(tree.getTreeItem(btc!).tooltip, undefined, 'left to be resolved on hover (VS Code resolves only what is undefined)');
      assert.match(await hovered(btc, true), /^BTC\/USDT on binance: recorded from 2026-11-28 10:00 UTC to 2026-11-28 10:10 UTC, .* — click to replay$/, 'the hover ended before the read: no holes named');
    });
  });

  it('shows what is recorded, with its span and size on disk, when something is; a recording opens a replay of it', async () => {
    await withRecordingsTree(async (tree, store) => {
      assert.deepEqual((await tree.getChildren()).map((n) => n.kind), ['exchange'], 'nothing recorded: no Recordings node');
      const t0 = Date.parse('2026-11-28T10:00:00Z');
      await store.write({ kind: 'trades', market: { exchange: 'binance', symbol: 'BTC/USDT' }, rows: [{ ts: t0, id: '1', price: 1, amount: 1, side: 'buy', received: t0 }, { ts: t0 + 3_600_000, id: '2', price: 1, amount: 1, side: 'sell', received: t0 }] });
      await store.close();
      const roots = await tree.getChildren();
      assert.deepEqual(roots.map((n) => n.kind), ['exchange', 'recordings']);
      const [rec] = await tree.getChildren(roots[1]);
      assert.ok(rec?.kind === 'recording');
      assert.deepEqual({ ...rec, bytes: rec.bytes > 500 }, { kind: 'recording', exchange: 'binance', symbol: 'BTC/USDT', first: t0, last: t0 + 3_600_000, bytes: true });
      const item = tree.getTreeItem(rec);
      assert.match(String(item.description), /^binance · \d+ B$/);
      assert.equal(item.command?.command, ROW_CLICK_COMMAND);
      assert.deepEqual(rowOpens(rec), { command: 'tradesuite.openReplay', arguments: [{ exchange: 'binance', symbol: 'BTC/USDT' }] });
    });
  });

  it('the Recordings node says how many markets are recorded now, not a count its rows contradict (two listed, one recording: not "1 recording")', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tree-reccount-'));
    try {
      const store = new ParquetStore(root);
      const t0 = Date.parse('2026-11-28T10:00:00Z');
      for (const symbol of ['BTC/USDT', 'ETH/USDT']) await store.write({ kind: 'trades', market: { exchange: 'binance', symbol }, rows: [{ ts: t0, id: '1', price: 1, amount: 1, side: 'buy', received: t0 }] });
      await store.close();
      let now: string | undefined = 'recording 1 now';
      const status = { info: () => ({ status: 'off', text: '' }), summary: () => now, onDidChange: () => ({ dispose: () => undefined }) } as unknown as RecordingStatusSource;
      const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined, recordingRoot: root, recordSource: parquetSource(root), clickHouse: undefined } as unknown as EngineHost;
      const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento, status);
      const recordings = (await tree.getChildren()).find((n) => n.kind === 'recordings');
      assert.ok(recordings);
      assert.equal(tree.getTreeItem(recordings).description, 'recording 1 now', 'folded: the recorders');
      assert.equal((await tree.getChildren(recordings)).length, 2);
      assert.equal(tree.getTreeItem(recordings).description, 'recording 1 now', 'expanded over two rows: the same words, no count of them');
      now = undefined;
      assert.equal(tree.getTreeItem(recordings).description, undefined, 'nothing recorded now: its rows say what is recorded');
      tree.dispose();
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("the Recordings node's read ends when the tree is disposed or VS Code asks again, and a read that ends shows no error", async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const signals: AbortSignal[] = [];
    // A store that answers only when its read is ended, as a slow server does.
    const recordSource = { name: 'slow', markets: (signal?: AbortSignal) => new Promise((_, reject) => { signals.push(signal!); signal?.addEventListener('abort', () => reject(signal.reason as Error)); }) };
    const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined, recordingRoot: os.tmpdir(), recordSource, clickHouse: {} } as unknown as EngineHost;
    const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento);
    const recordings = (await tree.getChildren()).find((n) => n.kind === 'recordings');
    assert.ok(recordings, 'a server store: the node is listed');
    const first = tree.getChildren(recordings);
    const second = tree.getChildren(recordings);
    assert.equal(signals.length, 2);
    assert.ok(signals[0]?.aborted, 'the read VS Code asked again for is ended');
    assert.deepEqual(await first, [], 'and answers with no rows, not an error row');
    assert.ok(!signals[1]?.aborted, 'the newer read goes on');
    tree.dispose();
    assert.ok(signals[1]?.aborted, "the disposed tree's read is ended");
    assert.deepEqual(await second, []);
  });

  it('while something is recorded, the view shows and the Recordings node is expanded, its sizes are read again at a bounded rate (also when its expand event was lost); the timer ends with the recording, the view hidden, the node folded, or the tree disposed', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tree-recsize-'));
    const market = { exchange: 'binance', symbol: 'BTC/USDT' };
    const t0 = Date.parse('2026-11-28T10:00:00Z');
    const trade = (i: number) => ({ ts: t0 + i, id: String(i), price: 1, amount: 1, side: 'buy' as const, received: t0 + i });
    let recording: string | undefined = 'recording 1 now';
    const recorderChanged = new Set<() => void>();
    const status = { info: () => ({}), summary: () => recording, onDidChange: (f: () => void) => (recorderChanged.add(f), { dispose: () => recorderChanged.delete(f) }) } as unknown as RecordingStatusSource;
    const visibility = new Set<(e: { visible: boolean }) => void>();
    const expanded = new Set<(e: { element: MarketNode }) => void>();
    const collapsed = new Set<(e: { element: MarketNode }) => void>();
    const listen = <T>(set: Set<(e: T) => void>) => (f: (e: T) => void) => (set.add(f), { dispose: () => set.delete(f) });
    const view = { visible: true, onDidExpandElement: listen(expanded), onDidCollapseElement: listen(collapsed), onDidChangeVisibility: listen(visibility) } as unknown as vscode.TreeView<MarketNode>;
    try {
      const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined, recordingRoot: root, recordSource: parquetSource(root), clickHouse: undefined } as unknown as EngineHost;
      const settings = readSettings().settings;
      const tree = new MarketsTreeProvider(engine, () => settings, memento, status, 20);
      const store = new ParquetStore(root);
      await store.write({ kind: 'trades', market, rows: [trade(0)] });
      const roots = await tree.getChildren();
      const recordings = roots.find((n) => n.kind === 'recordings');
      assert.ok(recordings);
      // VS Code reads a node's children only while it is expanded.
      const bytesNow = async () => ((await tree.getChildren(recordings))[0] as Extract<MarketNode, { kind: 'recording' }>).bytes;
      assert.equal(tree.refreshesRecordings, false, 'not before the view is watched');
      tree.watch(view);
      assert.equal(tree.refreshesRecordings, false, 'folded: its sizes do not show (a redraw could land under the click expanding it)');
      for (const f of expanded) f({ element: recordings });
      assert.equal(tree.refreshesRecordings, true, 'visible, recording and expanded');
      const before = await bytesNow();
      await store.write({ kind: 'trades', market, rows: [trade(1), trade(2)] }); // the recorder writes; its state does not change
      const refreshed = await new Promise<MarketNode | MarketNode[] | undefined>((resolve) => {
        const sub = tree.onDidChangeTreeData((n) => (sub.dispose(), resolve(n)));
      });
      assert.equal(refreshed, recordings, 'the Recordings node is redrawn');
      assert.ok((await bytesNow()) > before, 'with the size on disk now');
      for (const f of visibility) f({ visible: false });
      assert.equal(tree.refreshesRecordings, false, 'a hidden view reads nothing');
      for (const f of visibility) f({ visible: true });
      assert.equal(tree.refreshesRecordings, true);
      for (const f of collapsed) f({ element: recordings });
      assert.equal(tree.refreshesRecordings, false, 'folded again');
      // Expanded again, but the event was lost (the extension host drops one for an element it is resolving again,
      // as during a refresh of the roots): VS Code asking for its children says it shows them.
      await tree.getChildren(recordings);
      assert.equal(tree.refreshesRecordings, true, 'expanded, as its children were read');
      recording = undefined;
      tree.recordingsChanged(); // what the extension calls on a recorder change
      assert.equal(tree.refreshesRecordings, false, 'nothing recorded: no timer');
      recording = 'recording 1 now';
      tree.recordingsChanged();
      assert.equal(tree.refreshesRecordings, true);
      tree.dispose();
      assert.equal(tree.refreshesRecordings, false, 'disposed with the view');
      // A view watched before its roots are read: the node is not drawn yet, so the timer runs (it makes the node
      // appear with the first files); drawn folded, it stops.
      const fresh = new MarketsTreeProvider(engine, () => settings, memento, status, 20);
      fresh.watch(view);
      assert.equal(fresh.refreshesRecordings, true, 'no Recordings node drawn yet');
      await fresh.getChildren();
      assert.equal(fresh.refreshesRecordings, false, 'drawn folded');
      fresh.dispose();
      await store.close();
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("an expanded Recordings node's sizes follow a recorder's writes at most once a second, besides its timer", async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tree-recwrites-'));
    try {
      const store = new ParquetStore(root);
      await store.write({ kind: 'trades', market: { exchange: 'binance', symbol: 'BTC/USDT' }, rows: [{ ts: 1, id: '1', price: 1, amount: 1, side: 'buy', received: 1 }] });
      await store.close();
      const status = { info: () => ({ status: 'off', text: '' }), summary: () => 'recording 1 now', onDidChange: () => ({ dispose: () => undefined }) } as unknown as RecordingStatusSource;
      const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined, recordingRoot: root, recordSource: parquetSource(root), clickHouse: undefined } as unknown as EngineHost;
      let now = 0;
      const tree = new MarketsTreeProvider(engine, () => readSettings().settings, memento, status, 60_000, () => now);
      const none = () => ({ dispose: () => undefined });
      tree.watch({ visible: true, onDidExpandElement: none, onDidCollapseElement: none, onDidChangeVisibility: none } as unknown as vscode.TreeView<MarketNode>);
      const recordings = (await tree.getChildren()).find((n) => n.kind === 'recordings');
      assert.ok(recordings);
      tree.getTreeItem(recordings);
      const fired: Array<MarketNode | MarketNode[] | undefined> = [];
      tree.onDidChangeTreeData((n) => fired.push(n));
      tree.recordingsChanged();
      assert.deepEqual(fired, [], 'folded: a write redraws nothing');
      await tree.getChildren(recordings); // expanded: VS Code reads its rows
      now += 500;
      tree.recordingsChanged();
      assert.deepEqual(fired, [], 'half a second after its sizes were read');
      now += 500;
      tree.recordingsChanged();
      assert.deepEqual(fired, [[recordings]], 'a second after: the node is redrawn, its sizes read again');
      tree.dispose();
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('a recorder change redraws only the rows whose recording state changed and the Recordings node when its description changed, never the whole tree (a whole refresh undid a click that expanded a node)', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tree-recchange-'));
    try {
      const markets = [market('BTC', 'USDT'), market('ETH', 'USDT'), market('SOL', 'USDT')];
      const recorded = new Set<string>();
      const status = {
        info: (m: { symbol: string }) => (recorded.has(m.symbol) ? { status: 'recording', text: 'REC' } : { status: 'off', text: '' }),
        summary: () => (recorded.size > 0 ? `recording ${recorded.size} now` : undefined),
        onDidChange: () => ({ dispose: () => undefined }),
      } as unknown as RecordingStatusSource;
      const engine = { hub: { markets: () => Promise.resolve(markets) }, warm: () => undefined, recordingRoot: root, recordSource: parquetSource(root), clickHouse: undefined } as unknown as EngineHost;
      const settings = readSettings().settings;
      const tree = new MarketsTreeProvider(engine, () => settings, memento, status);
      const fired: Array<MarketNode | MarketNode[] | undefined> = [];
      tree.onDidChangeTreeData((n) => fired.push(n));
      const [usdt] = await tree.getChildren({ kind: 'exchange', exchange: 'binance' });
      assert.ok(usdt);
      const rows = await tree.getChildren(usdt);
      for (const r of rows) tree.getTreeItem(r); // VS Code draws them
      recorded.add('ETH/USDT');
      tree.recordingsChanged();
      assert.deepEqual(fired, [[rows[1]]], 'only ETH/USDT is redrawn');
      tree.getTreeItem(rows[1] as MarketNode);
      tree.recordingsChanged(); // a change that is not ETH's (the store's state)
      assert.equal(fired.length, 1, 'a row already drawn as it is now is not redrawn');

      // Files appear: the roots are read again once (the Recordings node appears); then only that node is redrawn.
      const store = new ParquetStore(root);
      const t0 = Date.parse('2026-11-28T10:00:00Z');
      await store.write({ kind: 'trades', market: { exchange: 'binance', symbol: 'ETH/USDT' }, rows: [{ ts: t0, id: '1', price: 1, amount: 1, side: 'buy', received: t0 }] });
      await store.close();
      const rootsAgain = new Promise<void>((resolve) => tree.onDidChangeTreeData((n) => n === undefined && resolve()));
      tree.recordingsChanged();
      await rootsAgain;
      const recordings = (await tree.getChildren()).find((n) => n.kind === 'recordings');
      assert.ok(recordings);
      assert.equal(tree.getTreeItem(recordings).description, 'recording 1 now');
      fired.length = 0;
      tree.recordingsChanged(); // a recorder flushed: its state changed, nothing the tree shows
      assert.deepEqual(fired, [], 'the Recordings node drawn as it is now is not redrawn (a redraw could land under a click expanding it)');
      recorded.delete('ETH/USDT');
      tree.recordingsChanged();
      assert.deepEqual(fired, [[rows[1], recordings]], 'the row that stopped recording and the Recordings node, whose description changed; the roots are not refreshed');
      tree.dispose();
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
