import * as vscode from 'vscode';
import { TIMEFRAMES, type Timeframe } from '../../core/timeframes';
import { keepRowOrder } from '../keepRowOrder';

export type TimeframeItem = vscode.QuickPickItem & { readonly timeframe: Timeframe };

/**
 * Change Timeframe…: the timeframes the chart's exchange serves (`offered`; every one while not known yet) from the
 * finest, the chart's current one marked and highlighted (Enter keeps it), so the picker opens where the chart is
 * rather than on 1s. Answers the timeframe picked, undefined when closed.
 */
export function pickTimeframe(symbol: string, current: Timeframe, offered: readonly string[] = []): Promise<Timeframe | undefined> {
  const qp = vscode.window.createQuickPick<TimeframeItem>();
  qp.title = `Timeframe for ${symbol}`;
  qp.placeholder = `The chart is on ${current}`;
  keepRowOrder(qp);
  const items = TIMEFRAMES.filter((tf) => offered.length === 0 || offered.includes(tf) || tf === current).map((tf): TimeframeItem => (tf === current ? { label: tf, description: 'current', timeframe: tf } : { label: tf, timeframe: tf }));
  qp.items = items;
  qp.activeItems = items.filter((i) => i.timeframe === current);
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.timeframe);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
