/** Record / Stop Recording: add a market to `tradesuite.recording.markets` or take it out (from the tree, a panel, or a pick). */
import * as vscode from 'vscode';
import { isReplayId } from '../../core/replay/replayId';
import { isAggregateMarket } from '../aggregates/aggregateRef';
import { MarketPickRows, pickMarket } from '../markets/findMarket';
import { isMarket } from '../markets/marketNodes';
import type { MarketsTreeProvider } from '../markets/marketsTreeProvider';
import type { PanelRegistry } from '../panels/panelRegistry';
import { toggled } from '../listSettingEdit';
import { settingInEffect } from '../settingInEffect';
import { favouriteId, SECTION, type Settings } from '../settings';

interface Deps {
  readonly panels: PanelRegistry;
  readonly tree: MarketsTreeProvider;
  readonly settings: () => Settings;
}

export function registerRecordingCommands({ panels, tree, settings }: Deps): vscode.Disposable[] {
  const pickRows = new MarketPickRows();
  /** The tree's market, else the focused panel's, else one picked. */
  const target = async (arg: unknown, title: string) => {
    if (isMarket(arg)) return { exchange: arg.exchange, symbol: arg.symbol };
    const active = panels.active?.state;
    if (active) return { exchange: active.exchange, symbol: active.symbol };
    return pickMarket(tree, pickRows, settings().exchanges.map((e) => e.id), title);
  };
  const setRecorded = async (arg: unknown, on: boolean) => {
    const m = await target(arg, on ? 'Record' : 'Stop Recording');
    if (!m) return undefined;
    if (isReplayId(m.exchange) || isAggregateMarket(m)) {
      void vscode.window.showInformationMessage(`${m.symbol} is ${isReplayId(m.exchange) ? 'a replay' : 'an aggregate'}: record the markets it is made of.`);
      return undefined;
    }
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const { target: scope, raw } = settingInEffect(cfg, 'recording.markets');
    const id = favouriteId(m);
    const edit = toggled('recording.markets', raw, id, on);
    if ('problem' in edit) {
      void vscode.window.showWarningMessage(edit.problem);
      return undefined;
    }
    if (edit.next.length !== (Array.isArray(raw) ? raw.length : 0)) await cfg.update('recording.markets', edit.next, scope);
    // The settings' change event starts or stops the recorder (RecordingController.sync).
    if (!on && settings().recording.recordOpenMarkets && panels.all().some((p) => favouriteId(p.state) === id)) {
      void vscode.window.showInformationMessage(`${m.symbol} on ${m.exchange} is still recorded while a panel of it is open (tradesuite.recording.recordOpenMarkets).`);
    }
    return m;
  };
  return [
    vscode.commands.registerCommand('tradesuite.startRecording', (arg?: unknown) => setRecorded(arg, true)),
    vscode.commands.registerCommand('tradesuite.stopRecording', (arg?: unknown) => setRecorded(arg, false)),
  ];
}
