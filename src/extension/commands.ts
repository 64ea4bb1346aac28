import * as vscode from 'vscode';
import { isTimeframe } from '../core/timeframes';
import type { PanelKind } from '../shared/protocol';
import type { EngineHost } from './engineHost';
import type { AlertsController } from './alerts/alertsController';
import { AGGREGATE_EXCHANGE } from './aggregates/aggregateRef';
import { newAggregate } from './aggregates/newAggregate';
import { MarketPickRows, pickMarket } from './markets/findMarket';
import { marketOfArg } from './markets/commandMarket';
import { aggregateNodeMarket, isMarket } from './markets/marketNodes';
import type { MarketsTreeProvider } from './markets/marketsTreeProvider';
import { ChartPanel } from './panels/chartPanel';
import { pickTimeframe } from './panels/pickTimeframe';
import type { PanelState } from './panels/panelContext';
import type { PanelRegistry } from './panels/panelRegistry';
import { toggled } from './listSettingEdit';
import { settingInEffect } from './settingInEffect';
import { favouriteId, SECTION, type Settings } from './settings';
import { setVolumeProfile } from './volumeProfileSetting';
import { registerDebugStateFile } from './debugStateFile';

const OPEN_TITLES: Record<PanelKind, string> = { chart: 'Open Chart', orderbook: 'Open Order Book', dom: 'Open DOM', tape: 'Open Time & Sales', heatmap: 'Open Liquidity Heatmap' };

interface Deps {
  readonly engine: EngineHost;
  readonly panels: PanelRegistry;
  readonly tree: MarketsTreeProvider;
  readonly settings: () => Settings;
  readonly output: vscode.LogOutputChannel;
  readonly alerts: AlertsController;
}

/** Arguments a command accepts: a tree node, or { exchange, symbol, timeframe?, column? } from code and tests. */
type MarketArg = { exchange: string; symbol: string; timeframe?: unknown; column?: unknown } | undefined;

export function registerCommands(deps: Deps): vscode.Disposable[] {
  const { panels, tree, settings } = deps;
  const pickRows = new MarketPickRows();

  const resolveMarket = async (arg: unknown, title: string) => {
    const named = marketOfArg(arg, settings().defaultExchange);
    if (named) return named as MarketArg & { exchange: string; symbol: string };
    const aggregate = aggregateNodeMarket(arg);
    if (aggregate) return aggregate;
    return pickMarket(tree, pickRows, settings().exchanges.map((e) => e.id), title);
  };
  const columnOf = (arg: MarketArg) => (arg?.column === 'beside' ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);

  /** The focused chart (or a visible one); undefined after telling the user to focus one `to` do something. */
  const focusedChart = (to: string): ChartPanel | undefined => {
    const chart = panels.active ?? panels.all().find((p) => p.panel.visible && p.state.kind === 'chart');
    if (chart instanceof ChartPanel) return chart;
    void vscode.window.showInformationMessage(`Focus a TradeSuite chart to ${to}.`);
    return undefined;
  };
  /**
   * Opens a panel of `kind` on the market given or picked, or brings forward the one already open where VS Code would
   * reuse an open file's editor; `footprint`: a chart with its footprint mode on.
   */
  const open = (kind: PanelKind, footprint = false) => async (arg?: unknown) => {
    const m = await resolveMarket(arg, footprint ? 'Open Footprint Chart' : OPEN_TITLES[kind]);
    if (!m) return undefined;
    const tfArg = (m as MarketArg)?.timeframe;
    const market = { exchange: m.exchange, symbol: m.symbol };
    const state: PanelState = kind === 'chart' ? { kind, ...market, timeframe: isTimeframe(tfArg) ? tfArg : settings().defaultTimeframe, ...(footprint ? { footprint: true as const } : {}) } : { kind, ...market };
    const column = columnOf(m as MarketArg);
    // A click on a market whose view is open brings that view forward, as a click on an open file does; "beside" asks for another.
    const wanted = { kind, ...market, ...(kind === 'chart' && isTimeframe(tfArg) ? { timeframe: tfArg } : {}), ...(footprint ? { footprint: true as const } : {}) };
    const shown = column === vscode.ViewColumn.Active ? panels.reveal(wanted) : undefined;
    return (shown ?? panels.open(state, column)).state;
  };

  const setFavourite = async (arg: unknown, on: boolean) => {
    const m = await resolveMarket(arg, on ? 'Add Favourite' : 'Remove Favourite');
    if (!m) return;
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const { target, raw } = settingInEffect(cfg, 'favourites');
    const edit = toggled('favourites', raw, favouriteId(m), on);
    if ('problem' in edit) {
      void vscode.window.showWarningMessage(edit.problem);
      return;
    }
    await cfg.update('favourites', edit.next, target);
    tree.favouritesChanged();
  };

  return [
    vscode.commands.registerCommand('tradesuite.openChart', open('chart')),
    vscode.commands.registerCommand('tradesuite.openOrderBook', open('orderbook')),
    vscode.commands.registerCommand('tradesuite.openDom', open('dom')),
    vscode.commands.registerCommand('tradesuite.openTimeAndSales', open('tape')),
    vscode.commands.registerCommand('tradesuite.openHeatmap', open('heatmap')),
    vscode.commands.registerCommand('tradesuite.openFootprint', open('chart', true)),
    // From the Markets tree: the market's chart in a group beside. From a panel's title bar: the same view beside.
    vscode.commands.registerCommand('tradesuite.openToSide', async (arg?: unknown) => {
      if (isMarket(arg)) return open('chart')({ ...arg, column: 'beside' });
      const active = panels.active;
      if (!active) return undefined;
      return panels.open(active.state, vscode.ViewColumn.Beside).state;
    }),
    vscode.commands.registerCommand('tradesuite.findMarket', async () => {
      const m = await pickMarket(tree, pickRows, settings().exchanges.map((e) => e.id));
      if (m) await vscode.commands.executeCommand('tradesuite.openChart', m);
    }),
    vscode.commands.registerCommand('tradesuite.newAggregate', async () => {
      const name = await newAggregate(tree, settings);
      if (name) await vscode.commands.executeCommand('tradesuite.openChart', { exchange: AGGREGATE_EXCHANGE, symbol: name });
    }),
    vscode.commands.registerCommand('tradesuite.addFavourite', (arg?: unknown) => setFavourite(arg, true)),
    vscode.commands.registerCommand('tradesuite.removeFavourite', (arg?: unknown) => setFavourite(arg, false)),
    vscode.commands.registerCommand('tradesuite.changeTimeframe', async (arg?: unknown) => {
      const chart = focusedChart('change its timeframe');
      if (!chart) return;
      const tf = isTimeframe(arg) ? arg : await pickTimeframe(chart.state.symbol, chart.state.timeframe, chart.offeredTimeframes);
      if (tf) chart.setTimeframe(tf);
    }),
    vscode.commands.registerCommand('tradesuite.toggleFootprint', () => {
      const chart = focusedChart('switch its footprint on or off');
      chart?.setFootprint(!chart.footprintOn);
    }),
    vscode.commands.registerCommand('tradesuite.toggleSessionProfile', () => setVolumeProfile(settings().footprint.volumeProfile === 'session' ? 'visible' : 'session')),
    vscode.commands.registerCommand('tradesuite.reconnect', () => {
      const targets = panels.active ? [panels.active] : panels.all();
      if (!deps.engine.started || targets.length === 0) {
        void vscode.window.showInformationMessage('TradeSuite: nothing to reconnect: no chart, order book, DOM, tape or heatmap is open.');
        return;
      }
      const hub = deps.engine.hub;
      for (const p of targets) {
        for (const kind of ['trades', 'orderbook', 'ticker'] as const) hub.reconnect({ kind, exchange: p.state.exchange, symbol: p.state.symbol });
      }
      deps.output.info(`reconnect requested for ${targets.map((p) => p.panel.title).join(', ')}`);
    }),
    vscode.commands.registerCommand('tradesuite.refreshMarkets', () => tree.downloadAgain()),
    vscode.commands.registerCommand('tradesuite.showLog', () => deps.output.show()),
    // For tests and troubleshooting: what is open and what the engine holds.
    vscode.commands.registerCommand('tradesuite.debug.state', debugState),
    registerDebugStateFile(async () => ({ ...debugState(), sockets: deps.engine.started ? await deps.engine.hub.socketReport() : [] })),
  ];

  function debugState() {
    return {
      engineStarted: deps.engine.started,
      marketsWarm: deps.engine.marketsWarm,
      panels: panels.all().map((p) => ({ ...p.state, title: p.panel.title, connection: p.connection, connectionHistory: p.connectionHistory, rendered: p.rendered, startup: p.startup, posted: p.posted, visible: p.panel.visible, markers: p instanceof ChartPanel ? p.markerCount : 0, footprintBars: p instanceof ChartPanel ? p.footprintBarCount : 0 })),
      // Each with its state, how many listen and when its newest update came.
      streams: deps.engine.started ? deps.engine.hub.streamReport() : [],
      alerts: { config: deps.alerts.config?.fsPath, statuses: deps.alerts.statuses(), recent: deps.alerts.recent, problems: deps.alerts.problemSummary() },
    };
  }
}
