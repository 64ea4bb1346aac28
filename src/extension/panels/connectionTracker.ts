import type { StreamState } from '../../core/types';
import { MAX_CONNECTION_BRIEF_CHARS, MAX_CONNECTION_REASON_CHARS, type ConnectionInfo } from '../../shared/protocol';
import { assertNever } from '../../core/util/assertNever';
import { clip } from '../../shared/util/clip';

/** Live data flows in these (degraded: live, with history missing): what a panel shows is current. */
const up = (status: ConnectionInfo['status']) => status === 'live' || status === 'degraded';

/** The badge's texts as the page takes them: a reason can be an exchange's whole HTML error page. */
const reasonOf = (reason: string) => clip(reason, MAX_CONNECTION_REASON_CHARS);
const briefOf = (brief: string | undefined) => (brief === undefined ? {} : { brief: clip(brief, MAX_CONNECTION_BRIEF_CHARS) });

/** Turns stream states and data arrivals into the badge a panel shows; reports only what changed. */
export class ConnectionTracker {
  private info: ConnectionInfo = { status: 'connecting' };
  private lastSentDataAt = 0;
  /** The stream is live again, but the panel is not told until data follows (`liveWithData`). */
  private liveAwaitsData = false;
  /** The last few statuses, oldest first (shown by "Debug: Engine State"). */
  readonly history: ConnectionInfo['status'][] = ['connecting'];

  /**
   * `liveWithData`: the panel reads live only once data has come after the stream is live again. A book panel's data
   * is a whole book, which the stream gives again after a reconnect: until that fresh book has come, the one on
   * screen is the old one, and reading live it would pass for current.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly liveWithData = false,
  ) {}

  get current(): ConnectionInfo {
    return this.info;
  }

  /**
   * The new badge if the state changed, else undefined. `heldSince`: while down, when what the panel holds stopped
   * being current, where the panel knows it better than this state's turn does (an aggregate's legs went stale one by
   * one, the oldest before the last).
   */
  state(s: StreamState, heldSince?: number): ConnectionInfo | undefined {
    const wasUp = up(this.info.status);
    const downSince = heldSince ?? (wasUp ? this.now() : this.info.downSince);
    const held = {
      ...(this.info.lastDataAt !== undefined ? { lastDataAt: this.info.lastDataAt } : {}),
      // What the panel shows is as of the moment the stream stopped being live, however many states follow.
      ...(downSince !== undefined ? { downSince } : {}),
    };
    const current = { ...(this.info.lastDataAt !== undefined ? { lastDataAt: this.info.lastDataAt } : {}) };
    if (s.status !== 'live') this.liveAwaitsData = false;
    switch (s.status) {
      case 'reconnecting':
        this.info = { ...held, status: 'reconnecting', attempt: s.attempt, reason: reasonOf(s.reason) };
        break;
      case 'retrying':
        this.info = { ...held, status: 'retrying', attempt: s.attempt, reason: reasonOf(s.reason), retryAt: s.retryAt };
        break;
      case 'degraded':
        this.info = { ...current, status: 'degraded', reason: reasonOf(s.reason), ...briefOf(s.brief), ...(s.retryAt !== undefined ? { retryAt: s.retryAt } : {}) };
        break;
      case 'failed':
        this.info = { ...held, status: 'failed', reason: reasonOf(s.reason) };
        break;
      case 'live':
        if (this.info.status === 'live') return undefined;
        if (this.liveWithData && !wasUp) {
          this.liveAwaitsData = true;
          return undefined;
        }
        this.info = { ...current, status: 'live' };
        break;
      case 'connecting':
        if (s.reason !== undefined) {
          // Some of it flows while the rest is awaited (an aggregate's legs opening): what shows is current, not held.
          const reason = reasonOf(s.reason);
          if (this.info.status === 'connecting' && this.info.reason === reason) return undefined;
          this.info = { ...current, status: 'connecting', reason, ...briefOf(s.brief) };
          break;
        }
        if (this.info.status === 'connecting' && this.info.reason === undefined) return undefined;
        this.info = { ...held, status: 'connecting' };
        break;
      case 'stopped':
        if (this.info.status === s.status) return undefined;
        this.info = { ...held, status: s.status };
        break;
      default:
        assertNever(s);
    }
    this.remember();
    return this.info;
  }

  /** Data arrived: the badge is re-sent at most once a second so "quiet 45s" stays accurate, and at once when it makes the panel live. */
  data(): ConnectionInfo | undefined {
    const t = this.now();
    if (this.liveAwaitsData) {
      this.liveAwaitsData = false;
      this.info = { status: 'live', lastDataAt: t };
      this.remember();
      this.lastSentDataAt = t;
      return this.info;
    }
    this.info = { ...this.info, lastDataAt: t };
    if (t - this.lastSentDataAt < 1000) return undefined;
    this.lastSentDataAt = t;
    return this.info;
  }

  /**
   * The panel subscribes again (a Reconnect, an edited aggregate): `connecting`, and what it holds is as of now if it
   * was live, or as of when it went down. The badge to send, or undefined when nothing changed.
   */
  restart(): ConnectionInfo | undefined {
    this.liveAwaitsData = false;
    if (this.info.status === 'connecting' && this.info.reason === undefined) return undefined;
    return this.state({ status: 'connecting' });
  }

  private remember(): void {
    this.history.push(this.info.status);
    if (this.history.length > 10) this.history.shift();
  }
}
