/**
 * What happens at the chart's left edge: a spinner while older bars load, a named failure with a retry, and once no
 * older bars come, while the view is at the edge, why (the history's start, or as many as a chart keeps).
 */
import { useStore, type Store } from '../shared/store';
import type { EdgeState } from './olderBarsEdge';

export function OlderBarsIndicator({ state, atEdge, onRetry }: { state: Store<EdgeState>; atEdge: Store<boolean>; onRetry: () => void }) {
  const edge = useStore(state);
  const shownAtEdge = useStore(atEdge);
  switch (edge.status) {
    case 'loading':
      return (
        <div class="older-edge older-loading" role="status" title="Loading older bars…">
          <span class="older-spinner" aria-hidden="true" />
          <span class="older-text">older bars…</span>
        </div>
      );
    case 'failed':
      return (
        <div class="older-edge older-failed" role="alert">
          <span class="older-text" title="Older bars could not be loaded">
            {edge.error}
          </span>
          <button type="button" class="older-retry" onClick={onRetry}>
            Retry
          </button>
        </div>
      );
    case 'exhausted':
      if (!shownAtEdge) return null;
      return edge.cappedAt === undefined ? (
        <div class="older-edge older-end" role="status" title="The exchange has no older bars for this market">
          <span class="older-text">start of history</span>
        </div>
      ) : (
        <div class="older-edge older-end" role="status" title={`A chart keeps at most ${edge.cappedAt.toLocaleString('en-US')} older bars; a coarser timeframe reaches further back`}>
          <span class="older-text">{`${edge.cappedAt.toLocaleString('en-US')} older bars: the most a chart keeps`}</span>
        </div>
      );
    case 'idle':
      return null;
  }
}
