import type { StreamState } from '../../core/types';
import type { ConnectionInfo } from '../../shared/protocol';
import { assertNever } from '../../core/util/assertNever';

/** Turns stream states and data arrivals into the badge a panel shows; reports only what changed. */
export class ConnectionTracker {
  private info: ConnectionInfo = { status: 'connecting' };
  private lastSentDataAt = 0;
  /** The last few statuses, oldest first (shown by "Debug: Engine State"). */
  readonly history: ConnectionInfo['status'][] = ['connecting'];

  constructor(private readonly now: () => number = Date.now) {}

  get current(): ConnectionInfo {
    return this.info;
  }

  /** The new badge if the state changed, else undefined. */
  state(s: StreamState): ConnectionInfo | undefined {
    const base = { ...(this.info.lastDataAt !== undefined ? { lastDataAt: this.info.lastDataAt } : {}) };
    switch (s.status) {
      case 'reconnecting':
        this.info = { ...base, status: 'reconnecting', attempt: s.attempt, reason: s.reason };
        break;
      case 'retrying':
        this.info = { ...base, status: 'retrying', attempt: s.attempt, reason: s.reason, retryAt: s.retryAt };
        break;
      case 'degraded':
        this.info = { ...base, status: 'degraded', reason: s.reason, ...(s.retryAt !== undefined ? { retryAt: s.retryAt } : {}) };
        break;
      case 'failed':
        this.info = { ...base, status: 'failed', reason: s.reason };
        break;
      case 'connecting':
      case 'live':
      case 'stopped':
        if (this.info.status === s.status) return undefined;
        this.info = { ...base, status: s.status };
        break;
      default:
        assertNever(s);
    }
    this.history.push(this.info.status);
    if (this.history.length > 10) this.history.shift();
    return this.info;
  }

  /** Data arrived: the badge is re-sent at most once a second so "quiet 45s" stays accurate. */
  data(): ConnectionInfo | undefined {
    const t = this.now();
    this.info = { ...this.info, lastDataAt: t };
    if (t - this.lastSentDataAt < 1000) return undefined;
    this.lastSentDataAt = t;
    return this.info;
  }
}
