import { isTimeframe } from '../../core/timeframes';
import { MAX_MARKET_NAME_CHARS, type PanelKind } from '../../shared/protocol';
import type { PanelState } from './panelContext';

/** Saved webview state is untrusted: accept only a well-formed `{ panel: PanelState }` of the expected kind. */
export function parseState(raw: unknown, kind: PanelKind): PanelState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const panel = (raw as { panel?: unknown }).panel;
  if (typeof panel !== 'object' || panel === null) return undefined;
  const p = panel as Record<string, unknown>;
  if (!isMarketName(p.exchange) || !isMarketName(p.symbol)) return undefined;
  if (kind === 'chart') return isTimeframe(p.timeframe) ? { kind, exchange: p.exchange, symbol: p.symbol, timeframe: p.timeframe, ...(p.footprint === true ? { footprint: true as const } : {}) } : undefined;
  return { kind, exchange: p.exchange, symbol: p.symbol };
}

/** A name the page takes (an empty or longer one would make it drop every message naming the market). */
const isMarketName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_MARKET_NAME_CHARS;
