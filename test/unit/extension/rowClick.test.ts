// A click on a Markets row: the item's command carries no arguments (VS Code drops a row command's arguments when the
// row is redrawn, and a live row redraws every second), and the click opens what the selected row names.
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ROW_CLICK_COMMAND, toTreeItem, type MarketNode } from '../../../src/extension/markets/marketNodes';
import { hasChildren, registerMarketsRowClick, rowOpens } from '../../../src/extension/markets/rowClick';
import { fetchesRowsAgain, type TreeChange } from '../../../src/extension/treeRowClick';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { RuleStatusEntry } from '../../../src/core/alerts';
import type { AlertsController } from '../../../src/extension/alerts/alertsController';
import { ALERT_ROW_CLICK_COMMAND, AlertsTreeProvider, alertRowOpens } from '../../../src/extension/alerts/alertsTreeProvider';

const ctx = { ticker: () => ({ ticker: undefined, staleSince: undefined, error: undefined }), expanded: () => false, now: 0 };
const aggregate = { name: 'BTC-USD (agg)', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'coinbase', symbol: 'BTC/USD' }], price: { kind: 'vwap' }, usdtIsUsd: true } as unknown as AggregateDefinition;
const rows: MarketNode[] = [
  { kind: 'market', exchange: 'binance', symbol: 'BTC/USDT', favourite: false },
  { kind: 'favourite', exchange: 'bybit', symbol: 'ETH/USDT:USDT' },
  { kind: 'aggregate', aggregate },
  { kind: 'recording', exchange: 'coinbase', symbol: 'BTC/USD', first: 0, last: 60_000, bytes: 1234 },
];

describe('A click on a Markets row', () => {
  it('runs a command without arguments on every row that opens something, so a redraw has nothing of it to drop', () => {
    for (const node of rows) {
      const item = toTreeItem(node, ctx);
      assert.equal(item.command?.command, ROW_CLICK_COMMAND, node.kind);
      assert.equal(item.command?.arguments, undefined, `${node.kind}: no arguments`);
    }
    for (const node of [{ kind: 'exchange', exchange: 'binance' }, { kind: 'quote', exchange: 'binance', quote: 'USDT', count: 3 }, { kind: 'favourites' }, { kind: 'recordings' }] as MarketNode[]) {
      assert.equal(toTreeItem(node, ctx).command, undefined, `${node.kind} opens nothing`);
    }
  });

  it('opens what the selected row names: a market or a favourite its chart, an aggregate its chart, a recording its replay', () => {
    assert.deepEqual(rows.map(rowOpens), [
      { command: 'tradesuite.openChart', arguments: [{ exchange: 'binance', symbol: 'BTC/USDT' }] },
      { command: 'tradesuite.openChart', arguments: [{ exchange: 'bybit', symbol: 'ETH/USDT:USDT' }] },
      { command: 'tradesuite.openChart', arguments: [{ exchange: 'aggregate', symbol: 'BTC-USD (agg)' }] },
      { command: 'tradesuite.openReplay', arguments: [{ exchange: 'coinbase', symbol: 'BTC/USD' }] },
    ]);
  });

  it('the registered command opens the selection, and nothing when the selection opens nothing or is empty', async () => {
    const opened: unknown[] = [];
    const view = { selection: [] as MarketNode[] };
    const disposables = [
      registerMarketsRowClick(view as unknown as vscode.TreeView<MarketNode>, new vscode.EventEmitter<TreeChange<MarketNode>>().event, 0),
      vscode.commands.registerCommand('tradesuite.openChart', (arg: unknown) => opened.push(['chart', arg])),
      vscode.commands.registerCommand('tradesuite.openReplay', (arg: unknown) => opened.push(['replay', arg])),
    ];
    try {
      await vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      view.selection = [{ kind: 'exchange', exchange: 'binance' }];
      await vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      assert.deepEqual(opened, []);
      view.selection = [rows[0]!];
      await vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      view.selection = [rows[3]!];
      await vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      assert.deepEqual(opened, [['chart', { exchange: 'binance', symbol: 'BTC/USDT' }], ['replay', { exchange: 'coinbase', symbol: 'BTC/USD' }]]);
    } finally {
      for (const d of disposables) d.dispose();
    }
  });

  it('a click while the tree fetches the rows again (the selection held by handle, not yet named) opens the row once it is back', async () => {
    const opened: unknown[] = [];
    const view = { selection: [] as MarketNode[] };
    const treeChanged = new vscode.EventEmitter<TreeChange<MarketNode>>();
    const disposables = [
      registerMarketsRowClick(view as unknown as vscode.TreeView<MarketNode>, treeChanged.event),
      vscode.commands.registerCommand('tradesuite.openReplay', (arg: unknown) => opened.push(arg)),
    ];
    try {
      treeChanged.fire(undefined); // the Recordings row's size changed: VS Code fetches the rows again
      const click = vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the tree's children fetched again meanwhile
      assert.deepEqual(opened, []);
      view.selection = [rows[3]!];
      await click;
      assert.deepEqual(opened, [{ exchange: 'coinbase', symbol: 'BTC/USD' }]);
    } finally {
      for (const d of disposables) d.dispose();
    }
  });

  it('a click that finds no row selected within the bound opens nothing', async () => {
    const opened: unknown[] = [];
    const view = { selection: [] as MarketNode[] };
    const treeChanged = new vscode.EventEmitter<TreeChange<MarketNode>>();
    const disposables = [registerMarketsRowClick(view as unknown as vscode.TreeView<MarketNode>, treeChanged.event, 60), vscode.commands.registerCommand('tradesuite.openChart', (arg: unknown) => opened.push(arg))];
    try {
      treeChanged.fire(undefined);
      await vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      assert.deepEqual(opened, []);
    } finally {
      for (const d of disposables) d.dispose();
    }
  });

  it('with nothing selected and no change of the tree within the bound (the command run from the keyboard), it returns at once', async () => {
    const opened: unknown[] = [];
    const view = { selection: [] as MarketNode[] };
    const treeChanged = new vscode.EventEmitter<TreeChange<MarketNode>>();
    const disposables = [registerMarketsRowClick(view as unknown as vscode.TreeView<MarketNode>, treeChanged.event), vscode.commands.registerCommand('tradesuite.openChart', (arg: unknown) => opened.push(arg))];
    const within = (ms: number, p: Thenable<unknown>) => Promise.race([Promise.resolve(p).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
    try {
      assert.ok(await within(100, vscode.commands.executeCommand(ROW_CLICK_COMMAND)), 'no change yet: no wait for the 1 s bound');
      treeChanged.fire(undefined);
      const click = vscode.commands.executeCommand(ROW_CLICK_COMMAND);
      assert.ok(!(await within(100, click)), 'a change just fired: the click waits for the rows');
      view.selection = [rows[0]!];
      await click;
      assert.deepEqual(opened, [{ exchange: 'binance', symbol: 'BTC/USDT' }]);
    } finally {
      for (const d of disposables) d.dispose();
    }
  });

  it('only a change that makes VS Code fetch rows again counts: the whole tree or a node with children, not a redrawn leaf (a price)', () => {
    const exchange: MarketNode = { kind: 'exchange', exchange: 'binance' };
    const recordingsNode: MarketNode = { kind: 'recordings' };
    assert.equal(fetchesRowsAgain<MarketNode>(undefined, hasChildren), true, 'the whole tree');
    assert.equal(fetchesRowsAgain(recordingsNode, hasChildren), true, "the Recordings node (a recording's size changed)");
    assert.equal(fetchesRowsAgain([rows[0]!, exchange], hasChildren), true, 'an exchange among redrawn rows');
    assert.equal(fetchesRowsAgain([rows[0]!, rows[1]!], hasChildren), false, 'prices redrawn');
    assert.equal(fetchesRowsAgain(rows[3]!, hasChildren), false, 'a recording row alone');
    const parents = [{ kind: 'favourites' }, exchange, { kind: 'quote', exchange: 'binance', quote: 'USDT', count: 3 }, { kind: 'aggregates' }, recordingsNode] as MarketNode[];
    const message: MarketNode = { kind: 'message', id: 'm', text: 'Nothing recorded yet', icon: 'info' };
    for (const node of [...parents, ...rows, message]) {
      assert.equal(hasChildren(node), toTreeItem(node, ctx).collapsibleState !== vscode.TreeItemCollapsibleState.None, `${node.kind}: as its item is drawn`);
    }
  });

  it('a click with nothing selected just after the prices redrew their rows returns at once; after a node with children was redrawn, it waits for the selection', async () => {
    const opened: unknown[] = [];
    const view = { selection: [] as MarketNode[] };
    const treeChanged = new vscode.EventEmitter<TreeChange<MarketNode>>();
    // A bound far beyond the test's timeout: a click that waited for it would fail the test.
    const disposables = [registerMarketsRowClick(view as unknown as vscode.TreeView<MarketNode>, treeChanged.event, 3_600_000), vscode.commands.registerCommand('tradesuite.openReplay', (arg: unknown) => opened.push(arg))];
    try {
      treeChanged.fire([rows[0]!, rows[1]!]);
      assert.equal(await vscode.commands.executeCommand(ROW_CLICK_COMMAND), undefined, 'returned: nothing to wait for');
      treeChanged.fire({ kind: 'recordings' });
      let settled = false;
      const click = Promise.resolve(vscode.commands.executeCommand(ROW_CLICK_COMMAND)).finally(() => (settled = true));
      treeChanged.fire([rows[0]!]); // a price meanwhile does not end the wait
      await new Promise((resolve) => setImmediate(resolve)); // a click that did not wait has returned by now
      assert.equal(settled, false, 'waiting for the rows to be back');
      view.selection = [rows[3]!];
      await click;
      assert.deepEqual(opened, [{ exchange: 'coinbase', symbol: 'BTC/USD' }]);
    } finally {
      for (const d of disposables) d.dispose();
    }
  });
});

describe('A click on an Alerts row', () => {
  it('runs a command without arguments (the rows are redrawn on every status change) that opens alerts.yaml at the rule', () => {
    const rule: RuleStatusEntry = { ruleId: 'btc-up', ruleName: 'BTC up', ruleType: 'price_level', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', status: { kind: 'armed' }, fireCount: 0 };
    const alerts = { onDidChange: () => ({ dispose: () => undefined }), read: true, statuses: () => [rule], status: () => rule } as unknown as AlertsController;
    const tree = new AlertsTreeProvider(alerts);
    const rows = tree.getChildren();
    assert.ok(Array.isArray(rows), 'alerts.yaml was read: the rows at once');
    const [row] = rows;
    const item = tree.getTreeItem(row!);
    assert.equal(item.command?.command, ALERT_ROW_CLICK_COMMAND);
    assert.equal(item.command?.arguments, undefined);
    assert.deepEqual(alertRowOpens(row!), { command: 'tradesuite.alerts.openConfig', arguments: ['btc-up'] });
    tree.dispose();
  });
});
