/** What happens at the chart's left edge: a spinner while older bars load, a named failure with a retry. */
import { useStore, type Store } from '../shared/store';
import type { EdgeState } from './olderBarsEdge';

export function OlderBarsIndicator({ state, onRetry }: { state: Store<EdgeState>; onRetry: () => void }) {
  const edge = useStore(state);
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
    case 'idle':
    case 'exhausted':
      return null;
  }
}
