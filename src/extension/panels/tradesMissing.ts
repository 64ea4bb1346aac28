/**
 * The spans of a market's trades that will never come (reconnect holes given up), as a panel built from its trades
 * shows them: a tape among its rows, a DOM and a heatmap under their toolbar. Pure; no vscode import.
 */
import type { LostHole } from '../../core/hub/requests';
import { MAX_MISSING_REASON_CHARS, MAX_TRADES_MISSING, type TradesMissingWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';

/** The newest MAX_TRADES_MISSING spans, oldest first: older ones have long scrolled out of what a panel shows. */
export class TradesMissing {
  private spans: TradesMissingWire[] = [];

  add(hole: LostHole): void {
    const span: TradesMissingWire = { from: hole.from, ...(hole.until === undefined ? {} : { until: hole.until }), reason: clip(hole.reason, MAX_MISSING_REASON_CHARS) };
    this.spans = [...this.spans, span].slice(-MAX_TRADES_MISSING);
  }

  list(): readonly TradesMissingWire[] {
    return this.spans;
  }

  clear(): void {
    this.spans = [];
  }
}
