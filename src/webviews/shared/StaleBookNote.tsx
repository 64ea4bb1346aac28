/**
 * The line over a book's levels while they are held from a stream that is not live (the order book's, the DOM's):
 * "book stale since 14:02:31 UTC, not live", short enough for one line in a narrow pane, whose badge shows only its
 * word. Not dimmed itself. Gone with the first fresh book (the host reads live only once it has come).
 */
import { useEffect } from 'preact/hooks';
import { connectionBadge, staleBookNote, type ConnectionState } from './connection';
import { setBodyData } from './dataset';
import { useRerender } from './store';

export function StaleBookNote({ connection }: { connection: ConnectionState }) {
  const rerender = useRerender();
  useEffect(() => connection.subscribe(rerender), [connection, rerender]);
  const now = connection.clock(Date.now());
  const note = staleBookNote(connectionBadge(connection.info, connection.lastDataAt, now), now);
  useEffect(() => setBodyData('staleNote', note ?? ''));
  return note === null ? null : (
    <div class="stale-note" role="status">
      {note}
    </div>
  );
}
