import type { Timeframe } from '../../core/timeframes';
import type { PanelKind } from '../../shared/protocol';
import type { PanelState } from './panelContext';

/**
 * What an open command asks for: a view of a market, a chart's timeframe when the caller named one, and whether it
 * must be a footprint chart (Open Footprint Chart brings forward a chart in that mode, never switches another's).
 */
export interface WantedPanel {
  readonly kind: PanelKind;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe?: Timeframe;
  readonly footprint?: true;
}

/**
 * An open panel as the choice sees it: its view, its editor group's column, whether it is its group's shown tab, and
 * how recently it was opened or active (higher is more recent).
 */
export interface OpenPanel {
  readonly state: PanelState;
  readonly column: number | undefined;
  readonly visible: boolean;
  readonly recency: number;
}

/**
 * The open panel an open command should bring forward instead of opening a second copy, following VS Code's rule for
 * a file that is already open: the one in the active editor group; in another group only with the user's
 * `workbench.editor.revealIfOpen`. The active group wins over the others, then a shown tab over a hidden one, then the
 * panel opened or active last.
 */
export function panelToReveal<P extends OpenPanel>(open: Iterable<P>, wanted: WantedPanel, activeColumn: number | undefined, revealIfOpen: boolean): P | undefined {
  let best: P | undefined;
  let bestScore = -1;
  for (const p of open) {
    if (!shows(p.state, wanted)) continue;
    const inActiveGroup = activeColumn !== undefined && p.column === activeColumn;
    if (!inActiveGroup && !revealIfOpen) continue;
    const score = (inActiveGroup ? 2 : 0) + (p.visible ? 1 : 0);
    if (score > bestScore || (score === bestScore && best !== undefined && p.recency > best.recency)) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

function shows(state: PanelState, wanted: WantedPanel): boolean {
  if (state.kind !== wanted.kind || state.exchange !== wanted.exchange || state.symbol !== wanted.symbol) return false;
  if (state.kind !== 'chart') return true;
  return (wanted.timeframe === undefined || state.timeframe === wanted.timeframe) && (!wanted.footprint || state.footprint === true);
}
