/** A panel's hold on the replay it shows: the session kept open while the panel subscribes, its state sent, its controls applied. */
import type { Subscription } from '../../core/hub/requests';
import type { ReplayHandle, ReplayRegistry } from '../../core/replay/replayRegistry';
import type { ReplaySession, ReplayState } from '../../core/replay/replaySession';
import { userMessage } from '../../core/util/log';
import type { ReplayStateWire, WebviewMessage } from '../../shared/protocol';

type ReplayControl = Extract<WebviewMessage, { method: 'replay/control' }>['params'];

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
 * subscriptions first (the last panel on a replay closes its session). A control from the webview is applied to
 * the session, and a refusal (seeking past what can be read…) shown as the panel's error.
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

  control(c: ReplayControl): void {
    const session = this.handle?.session;
    if (!session) return;
    try {
      switch (c.action) {
        case 'play':
          session.play(c.speed);
          return;
        case 'pause':
          session.pause();
          return;
        case 'step':
          session.step().catch((err: unknown) => this.opts.onError(userMessage(err)));
          return;
        case 'seek':
          // Back, never before the start: the replay's first position (just before it) is where it opened.
          session.seek(Math.max(session.now() + (c.by ?? 60_000), session.start)).catch((err: unknown) => this.opts.onError(userMessage(err)));
          return;
      }
    } catch (err) {
      this.opts.onError(userMessage(err));
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

function toWire(s: ReplayState): ReplayStateWire {
  return { status: s.status, start: s.start, position: Math.max(0, s.position), speed: s.speed, ...(s.reason ? { reason: s.reason } : {}) };
}
