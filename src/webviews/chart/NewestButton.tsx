/**
 * While the chart's view is scrolled back from the newest bar, a button brings it back (the newest bar at the right
 * edge, the view following it again), as the peers' charts have one; otherwise only a double click on the time scale did.
 */
import { useStore, type Store } from '../shared/store';

export function NewestButton({ behind, onClick }: { behind: Store<boolean>; onClick: () => void }) {
  if (!useStore(behind)) return null;
  return (
    <button type="button" class="to-newest" title="Scroll to the newest bar" aria-label="Scroll to the newest bar" onClick={onClick}>
      <span aria-hidden="true">»</span>
    </button>
  );
}
