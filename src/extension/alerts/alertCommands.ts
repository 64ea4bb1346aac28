import * as vscode from 'vscode';
import { isAggregateMarket } from '../../core/aggregate/aggregateDefinition';
import { backtest, loadAggregateBacktestData, loadBacktestData, loadRecordedAggregateBacktestData, loadRecordedBacktestData, summarizeFires, summaryText, type AlertRule, type BacktestData, type RuleStatusEntry } from '../../core/alerts';
import type { Candle } from '../../core/types';
import { bucketStart } from '../../core/timeframes';
import { errorMessage } from '../../core/util/log';
import { errorText } from '../../shared/util/shortText';
import type { EngineHost } from '../engineHost';
import { ChartPanel } from '../panels/chartPanel';
import type { PanelRegistry } from '../panels/panelRegistry';
import type { ChartTarget } from './alertActions';
import type { AlertsController } from './alertsController';

const BACKTEST_BARS = 500;

const ruleIdOf = (arg: unknown): string | undefined =>
  typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as RuleStatusEntry).ruleId === 'string' ? (arg as RuleStatusEntry).ruleId : undefined;

/** Opens a chart of the rule's (or its alert's) market and timeframe, or brings forward one already open in any group (an alert can come while the user is anywhere). */
export function openRuleChart(panels: PanelRegistry, target: ChartTarget): ChartPanel {
  const state = { kind: 'chart' as const, exchange: target.exchange, symbol: target.symbol, timeframe: target.timeframe };
  return (panels.reveal(state, { anyGroup: true }) ?? panels.open(state)) as ChartPanel;
}

/**
 * What a backtest of `rule` runs on: an aggregate's bars and merged trades rebuilt from its legs' history; a single
 * market tick by tick where it is recorded, on the exchange's history otherwise.
 */
async function backtestDataFor(rule: AlertRule, alerts: AlertsController, engine: EngineHost, output: vscode.LogOutputChannel): Promise<{ data: BacktestData & { readonly candles: readonly Candle[] }; over: string; recorded: boolean; notes: readonly string[] }> {
  const now = Date.now();
  if (isAggregateMarket(rule)) {
    const def = alerts.aggregate(rule.symbol);
    if (!def) throw new Error(`unknown aggregate "${rule.symbol}"`);
    const ticks = await loadRecordedAggregateBacktestData(engine.recordSource, engine.hub, def, rule, now, BACKTEST_BARS, (m) => output.warn(m));
    if (ticks?.kind === 'recorded') {
      const { recorded } = ticks.data;
      const over = `tick by tick over ${recorded.trades} recorded trades of its legs merged, from ${new Date(recorded.from).toISOString()} to ${new Date(recorded.until).toISOString()}, after ${ticks.data.candles.length} ${rule.timeframe} bars`;
      return { data: ticks.data, over, recorded: true, notes: [] };
    }
    const data = await loadAggregateBacktestData(engine.hub, def, rule, now, BACKTEST_BARS);
    const trades = data.trades ? `, then ${data.trades.length} merged trades of its legs` : '';
    const unrecorded = ticks?.kind === 'partly' ? [`not tick by tick: ${ticks.unrecorded.join(', ')} not recorded in that span`] : [];
    return { data, over: `${data.candles.length} ${rule.timeframe} bars of the aggregate ${def.name}${trades}`, recorded: false, notes: [...unrecorded, ...data.notes] };
  }
  const recorded = await loadRecordedBacktestData(engine.recordSource, engine.hub, rule, now, BACKTEST_BARS, (m) => output.warn(m));
  if (recorded) {
    const over = `tick by tick over ${recorded.recorded.trades} recorded trades from ${new Date(recorded.recorded.from).toISOString()} to ${new Date(recorded.recorded.until).toISOString()}, after ${recorded.candles.length} ${rule.timeframe} bars`;
    return { data: recorded, over, recorded: true, notes: [] };
  }
  const data = await loadBacktestData(engine.hub, rule, now, BACKTEST_BARS);
  return { data, over: `${data.candles.length} ${rule.timeframe} bars`, recorded: false, notes: [] };
}

export function registerAlertCommands(alerts: AlertsController, panels: PanelRegistry, engine: EngineHost, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const pickRule = async (arg: unknown): Promise<AlertRule | undefined> => {
    const id = ruleIdOf(arg) ?? (await vscode.window.showQuickPick(alerts.statuses().map((s) => ({ label: s.ruleName, description: s.ruleId, id: s.ruleId })), { title: 'Alert rule' }))?.id;
    const rule = id ? alerts.rule(id) : undefined;
    if (id && !rule) void vscode.window.showWarningMessage(`No alert rule "${id}" in the current config.`);
    return rule;
  };

  return [
    // From the view's title: the file; from a rule's row (its id): the file at that rule.
    vscode.commands.registerCommand('tradesuite.alerts.openConfig', async (arg?: unknown) => {
      const uri = alerts.config;
      if (!uri) return void vscode.window.showInformationMessage('Open a folder to use TradeSuite alerts: they live in alerts.yaml.');
      try {
        await vscode.workspace.fs.stat(uri);
      } catch {
        const example = 'rules:\n  - name: BTC above 61k\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 61000\n    cooldown: 10m\n';
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(example));
      }
      const at = ruleIdOf(arg);
      const range = at === undefined ? undefined : alerts.ruleRange(at);
      const editor = await vscode.window.showTextDocument(uri);
      if (range) {
        const start = editor.document.validatePosition(new vscode.Position(range.line - 1, range.column - 1));
        editor.selection = new vscode.Selection(start, start);
        editor.revealRange(new vscode.Range(start, editor.document.validatePosition(new vscode.Position(range.endLine - 1, range.endColumn - 1))), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }),
    vscode.commands.registerCommand('tradesuite.alerts.enable', async (arg?: unknown) => {
      const rule = await pickRule(arg);
      if (rule) alerts.setEnabled(rule.id, true);
    }),
    vscode.commands.registerCommand('tradesuite.alerts.disable', async (arg?: unknown) => {
      const rule = await pickRule(arg);
      if (rule) alerts.setEnabled(rule.id, false);
    }),
    vscode.commands.registerCommand('tradesuite.alerts.rearm', async (arg?: unknown) => {
      const rule = await pickRule(arg);
      if (rule) alerts.rearm(rule.id);
    }),
    vscode.commands.registerCommand('tradesuite.alerts.snooze', async (arg?: unknown) => {
      const rule = await pickRule(arg);
      if (rule) alerts.snooze(rule.id);
    }),
    vscode.commands.registerCommand('tradesuite.alerts.openChart', async (arg?: unknown) => {
      const rule = await pickRule(arg);
      if (rule) return openRuleChart(panels, rule).state;
      return undefined;
    }),
    vscode.commands.registerCommand('tradesuite.alerts.reload', () => alerts.reload()),
    vscode.commands.registerCommand('tradesuite.alerts.backtest', async (arg?: unknown) => {
      const rule = await pickRule(arg);
      if (!rule) return undefined;
      return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Backtesting "${rule.name}"…` }, async () => {
        try {
          const { data, over, recorded, notes } = await backtestDataFor(rule, alerts, engine, output);
          const result = backtest(rule, data);
          const summary = summaryText(summarizeFires(result.fires));
          const allNotes = [...notes, ...result.notes];
          output.info(`backtest ${rule.id}: ${summary}; over ${over}${allNotes.length ? ` (${allNotes.join('; ')})` : ''}`);
          for (const f of result.fires) output.info(`  ${new Date(f.time).toISOString()} ${f.message}`);
          void vscode.window.showInformationMessage(`Backtest of "${rule.name}"${recorded ? ' (tick by tick, recorded)' : ''}: ${summary}.`);
          const chart = openRuleChart(panels, rule);
          chart.setMarkers(result.fires.map((f) => ({ time: f.barTime ?? bucketStart(rule.timeframe, f.time), text: rule.name, position: 'above' as const })));
          return result.fires;
        } catch (err) {
          void vscode.window.showErrorMessage(`Backtest of "${rule.name}" failed: ${errorText(errorMessage(err))}`);
          return undefined;
        }
      });
    }),
  ];
}
