/**
 * The spans of a market's trades that will never come (reconnect holes given up), as a panel built from its trades
 * shows them: a tape among its rows, a DOM and a heatmap under their toolbar. Pure; no vscode import.
 */
import type { LostHole } from '../../core/hub/requests';
import type { FoundSpan } from '../../core/hub/lostHoleRefetch';
import { MAX_MISSING_REASON_CHARS, MAX_TRADES_MISSING, type TradesMissingWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';

/** The newest MAX_TRADES_MISSING spans, oldest first: older ones have long scrolled out of what a panel shows. */
export class TradesMissing {
  private spans: TradesMissingWire[] = [];

  add(hole: LostHole): void {
    const span: TradesMissingWire = { from: hole.from, ...(hole.until === undefined ? {} : { until: hole.until }), reason: clip(hole.reason, MAX_MISSING_REASON_CHARS) };
    this.spans = [...this.spans, span].slice(-MAX_TRADES_MISSING);
  }

  /**
   * A lost hole's trades came after all (asked again): the spans it covers are withdrawn (one told before the stream
   * picked up, its end unknown then, by where it starts); true when one was.
   */
  found(span: FoundSpan): boolean {
    const covered = (s: TradesMissingWire) => s.from >= span.from && s.from <= span.until && (s.until ?? span.until) <= span.until;
    const kept = this.spans.filter((s) => !covered(s));
    const withdrawn = kept.length < this.spans.length;
    this.spans = kept;
    return withdrawn;
  }

  list(): readonly TradesMissingWire[] {
    return this.spans;
  }

  clear(): void {
    this.spans = [];
  }
}
