import { isTimeframe } from '../../core/timeframes';
import type { PanelKind } from '../../shared/protocol';
import type { PanelState } from './panelContext';

/** Saved webview state is untrusted: accept only a well-formed `{ panel: PanelState }` of the expected kind. */
export function parseState(raw: unknown, kind: PanelKind): PanelState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const panel = (raw as { panel?: unknown }).panel;
  if (typeof panel !== 'object' || panel === null) return undefined;
  const p = panel as Record<string, unknown>;
  if (typeof p.exchange !== 'string' || typeof p.symbol !== 'string' || p.exchange.length > 100 || p.symbol.length > 100) return undefined;
  if (kind === 'chart') return isTimeframe(p.timeframe) ? { kind, exchange: p.exchange, symbol: p.symbol, timeframe: p.timeframe, ...(p.footprint === true ? { footprint: true as const } : {}) } : undefined;
  return { kind, exchange: p.exchange, symbol: p.symbol };
}
