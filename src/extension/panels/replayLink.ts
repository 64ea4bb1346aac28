/** A panel's hold on the replay it shows: the session kept open while the panel subscribes, its state sent, its controls applied. */
import type { Subscription } from '../../core/hub/requests';
import type { ReplayHandle, ReplayRegistry } from '../../core/replay/replayRegistry';
import type { ReplaySession, ReplayState } from '../../core/replay/replaySession';
import { userMessage } from '../../core/util/log';
import { MAX_REPLAY_REASON_CHARS, type ReplayStateWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import type { ReplayMove } from './replayMoves';

export interface ReplayLinkOptions {
  readonly replays: ReplayRegistry;
  readonly id: string;
  /** The panel's hub subscriptions, made once the replay is open (its market exists only then). */
  readonly subscribe: () => Subscription[];
  readonly onState: (state: ReplayStateWire) => void;
  readonly onError: (message: string) => void;
}

/**
 * One Subscription for the panel: opening the replay, then its own subscriptions; disposing ends both, the panel's
 * subscriptions first (the last panel on a replay closes its session). The webview's controls (replayControls.ts) are
 * applied to the session, and a refusal (seeking past what can be read…) shown as the panel's error.
 */
export class ReplayLink implements Subscription {
  readonly ready: Promise<void>;
  private handle: ReplayHandle | undefined;
  private inner: Subscription[] = [];
  private disposed = false;

  constructor(private readonly opts: ReplayLinkOptions) {
    this.ready = opts.replays.open(opts.id).then((handle) => {
      if (this.disposed) {
        handle.dispose();
        return;
      }
      this.handle = handle;
      const states = handle.session.onDidChange((s) => opts.onState(toWire(s)));
      this.inner = [{ ready: Promise.resolve(), dispose: () => states.dispose() }, ...opts.subscribe()];
      opts.onState(toWire(handle.session.state()));
      return Promise.all(this.inner.map((s) => s.ready)).then(() => undefined);
    });
  }

  /** The replay's session once it is open. */
  get session(): ReplaySession | undefined {
    return this.handle?.session;
  }

  /** The state to show again (a webview that reloads). */
  get state(): ReplayStateWire | undefined {
    return this.handle && toWire(this.handle.session.state());
  }

  /**
   * Applies the moves in order, each once the reads of the one before are done; a refused one (a speed out of range,
   * a recording that cannot be read…) is the panel's error, and the moves after it are not applied.
   */
  async apply(moves: readonly ReplayMove[]): Promise<void> {
    for (const move of moves) {
      const session = this.handle?.session;
      if (!session) return;
      try {
        await applyMove(session, move);
      } catch (err) {
        this.opts.onError(userMessage(err));
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.inner) s.dispose();
    this.inner = [];
    this.handle?.dispose();
    this.handle = undefined;
  }
}

function applyMove(session: ReplaySession, move: ReplayMove): Promise<void> | void {
  switch (move.action) {
    case 'play':
      return session.play(move.speed);
    case 'pause':
      if (move.speed !== undefined) session.setSpeed(move.speed);
      return session.pause();
    case 'step':
      return session.step(move.count);
    case 'seek':
      // Back, never before the start: the replay's first position (just before it) is where it opened.
      return session.seek(Math.max(session.now() + move.by, session.start));
  }
}

/** The toolbar's state; its reasons (a store's or a file's errors) shortened to what the page takes. */
export function toWire(s: ReplayState): ReplayStateWire {
  const skipped = s.skipped && { from: s.skipped.from, until: s.skipped.until, reason: clip(s.skipped.reason, MAX_REPLAY_REASON_CHARS) };
  return { status: s.status, start: s.start, position: Math.max(0, s.position), speed: s.speed, ...(s.reason ? { reason: clip(s.reason, MAX_REPLAY_REASON_CHARS) } : {}), ...(skipped ? { skipped } : {}) };
}
