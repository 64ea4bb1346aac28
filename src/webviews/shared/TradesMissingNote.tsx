/**
 * The line under a toolbar naming the trades a page's figures lack for good (a reconnect's hole given up): a quiet
 * stretch of a DOM's traded column or of a heatmap's trade marks would otherwise pass for a quiet market.
 */
import { useEffect } from 'preact/hooks';
import type { TradesMissingWire } from '../../shared/protocol';
import { setBodyData } from './dataset';
import { tradesMissingNote } from './tradesMissing';

export function TradesMissingNote({ spans, lacks }: { spans: readonly TradesMissingWire[]; lacks: string }) {
  const note = tradesMissingNote(spans, lacks);
  useEffect(() => setBodyData('tradesMissing', spans.length));
  return note === null ? null : (
    <div class="stale-note trades-missing" role="status" title={note.title}>
      {note.text}
    </div>
  );
}
