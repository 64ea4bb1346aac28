/**
 * Connection status pill: live · live · quiet 45s · reconnecting (n) · failed: reason · connecting · stopped; with data
 * held while not live, since when it is stale ("reconnecting (2) · stale since 14:02:31").
 * Re-renders on status changes and, while live, once a second (to notice quiet); never per data message.
 */
import { useEffect } from 'preact/hooks';
import { badgeNeedsTick, connectionBadge, type BadgeView, type ConnectionState } from './connection';
import { formatSpan } from './format';
import { setBodyData } from './dataset';
import { recordingState, recordingTone } from './recordingModel';
import { replayBadge, replayState } from './replayModel';
import { useRerender, useStore } from './store';

/** `banner`: the page's error banner text, if one shows (the badge does not repeat it). */
export function ConnectionBadge({ connection, banner }: { connection: ConnectionState; banner?: string | null }) {
  const rerender = useRerender();
  useEffect(() => connection.subscribe(rerender), [connection, rerender]);
  const ticking = !connection.held && badgeNeedsTick(connection.info, connection.lastDataAt);
  useEffect(() => {
    if (!ticking) return;
    const id = setInterval(rerender, 1000);
    return () => clearInterval(id);
  }, [ticking, rerender]);

  const now = connection.clock(Date.now());
  const live = connectionBadge(connection.info, connection.lastDataAt, now, banner ?? undefined);
  const view = useStore(replayState) === undefined ? live : replayBadge(live);
  useEffect(() => {
    setBodyData('connection', connection.info?.status ?? 'connecting');
    setBodyData('connectionText', view.text);
    setBodyData('stale', view.stale ? 'true' : 'false');
  });
  return (
    <>
      <RecordingPill />
      {/* What a screen reader announces is the state's word, which changes with the state; the text's counters
          ("quiet 45s") change every second and would be read out each time. */}
      <span class="sr-only" role="status" aria-live="polite">
        {view.word}
      </span>
      <span class={`badge badge-${view.tone}`} title={tooltip(view, connection.info?.reason, now)} data-state={view.state}>
        <span class="badge-dot" aria-hidden="true" />
        <span class="badge-text">{view.text}</span>
        <span class="badge-word" aria-hidden="true">
          {view.word}
        </span>
      </span>
    </>
  );
}

/** "REC" beside the connection badge while the market is recorded; its trouble (behind, over budget…) in its text and tooltip. */
function RecordingPill() {
  const info = useStore(recordingState);
  const tone = recordingTone(info);
  useEffect(() => setBodyData('recording', info?.status ?? 'off'));
  if (!info || !tone) return null;
  return (
    <span class={`rec-pill rec-${tone}`} title={info.detail ?? info.text} role="status" data-recording={info.status}>
      <span class="rec-dot" aria-hidden="true" />
      <span class="badge-text">{info.text}</span>
    </span>
  );
}

/** The text (a stale one's time zone and age), plus the reason when the text does not already include it (reconnecting: why). */
function tooltip(view: BadgeView, reason: string | undefined, now: number): string {
  const text = view.staleSince === undefined ? view.text : `${view.text} UTC (${formatSpan(Math.max(0, now - view.staleSince))} ago)`;
  return reason && !view.text.includes(reason) ? `${text} — ${reason}` : text;
}
