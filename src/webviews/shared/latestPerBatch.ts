/**
 * Message plumbing shared by the panels: connection and error messages are handled the same everywhere, and the
 * book and ladder panels draw only the newest update of each batch (the host coalesces to one batch per frame,
 * so anything older in it would be drawn and replaced before the user could see it).
 */
import type { HostMessage } from '../../shared/protocol';
import type { ConnectionState } from './connection';
import { canvasRelease } from './keptPageShown';
import { recordingState } from './recordingModel';
import { replayState } from './replayModel';
import { onMessage } from './vscode';

export interface PanelMessageSinks {
  readonly connection: ConnectionState;
  /** The banner's text from the one shown (null: none), as a state setter takes it. */
  readonly onError: (update: (shown: string | null) => string | null) => void;
}

/** Handles `panel/connection`, `panel/hidden` and `panel/shown` (pageShown), `panel/error` and `panel/errorResolved`, `replay/state` (the replay bar's store) and `panel/recording` (the REC pill's); false for any other message. */
export function handlePanelMessage(m: HostMessage, sinks: PanelMessageSinks): boolean {
  switch (m.method) {
    case 'panel/connection':
      sinks.connection.setInfo(m.params, Date.now());
      return true;
    case 'panel/error':
      sinks.onError(() => m.params.message);
      return true;
    case 'panel/hidden':
      sinks.connection.hide(Date.now());
      canvasRelease.hidden(m.params.freeCanvasesAfterMs);
      return true;
    case 'panel/shown':
      canvasRelease.shown();
      return true;
    case 'panel/errorResolved':
      sinks.onError((shown) => (shown === m.params.message ? null : shown));
      return true;
    case 'replay/state':
      replayState.set(m.params);
      return true;
    case 'panel/recording':
      recordingState.set(m.params);
      return true;
    default:
      return false;
  }
}

type UpdateMethod = HostMessage['method'];
export type ParamsOf<M extends UpdateMethod> = Extract<HostMessage, { method: M }>['params'];

/**
 * Calls `draw` once per batch with the newest `method` params of the batch (`first`: the first draw of the panel,
 * for restoring view state and reporting the first paint). Returns the unsubscribe function. An update is the badge's
 * data unless `isStreamData` says it is not: a DOM's ladder drawn from the trades before its book came carries none of
 * the book's, and taken as held data its badge said "stale" and dimmed the ladder while the book was connecting.
 */
export function onLatestPerBatch<M extends UpdateMethod>(
  method: M,
  sinks: PanelMessageSinks,
  draw: (params: ParamsOf<M>, first: boolean) => void,
  isStreamData: (params: ParamsOf<M>) => boolean = () => true,
): () => void {
  // The newest params of the batch; `m.method === method` makes them ParamsOf<M>, which TypeScript cannot follow.
  let pending: { params: unknown } | undefined;
  let drawn = false;
  return onMessage(
    (m) => {
      if (m.method === method) {
        pending = { params: m.params };
        if (isStreamData(m.params as ParamsOf<M>)) sinks.connection.markData(Date.now());
      } else handlePanelMessage(m, sinks);
    },
    {
      onBatchEnd: () => {
        if (pending === undefined) return;
        const params = pending.params as ParamsOf<M>;
        pending = undefined;
        const first = !drawn;
        drawn = true;
        draw(params, first);
      },
    },
  );
}
