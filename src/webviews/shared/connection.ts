/**
 * Connection badge view model. Pure: the caller passes the clock. The host reports status changes
 * (`panel/connection`); the webview also notes when market data arrives, so "stale for Xs" works even when the
 * host only sends a connection message on status changes.
 */
import type { ConnectionInfo, ConnectionStatus } from '../protocol';

/** A live stream with no data for longer than this is shown as stale. */
export const STALE_AFTER_MS = 5000;

export type BadgeTone = 'ok' | 'warn' | 'error' | 'idle';

export interface BadgeView {
  readonly text: string;
  readonly tone: BadgeTone;
  /** The status the text was derived from ('stale' is not a protocol status: it is live without data). */
  readonly state: ConnectionStatus | 'stale';
}

const KNOWN: readonly string[] = ['connecting', 'live', 'reconnecting', 'stopped', 'failed'];

export function connectionBadge(info: ConnectionInfo | undefined, lastDataAt: number | undefined, now: number): BadgeView {
  const status = info && KNOWN.includes(info.status) ? info.status : 'connecting';
  switch (status) {
    case 'live': {
      if (lastDataAt !== undefined && now - lastDataAt > STALE_AFTER_MS) {
        return { text: `stale for ${Math.floor((now - lastDataAt) / 1000)}s`, tone: 'warn', state: 'stale' };
      }
      return { text: 'live', tone: 'ok', state: 'live' };
    }
    case 'reconnecting':
      return { text: info?.attempt !== undefined ? `reconnecting (${info.attempt})` : 'reconnecting', tone: 'warn', state: status };
    case 'failed':
      return { text: info?.reason ? `failed: ${info.reason}` : 'failed', tone: 'error', state: status };
    case 'stopped':
      return { text: 'stopped', tone: 'idle', state: status };
    case 'connecting':
    default:
      return { text: 'connecting', tone: 'idle', state: 'connecting' };
  }
}

/** Whether the badge text can change with the clock alone (so it needs a once-a-second tick). */
export function badgeNeedsTick(info: ConnectionInfo | undefined): boolean {
  return info?.status === 'live';
}

/**
 * Connection state of one panel: the host's last `panel/connection` and the newest data time. `markData` is called
 * on every data message and deliberately notifies nobody (the badge re-reads it on its 1 s tick), so a burst of
 * updates never re-renders the badge.
 */
export class ConnectionState {
  private infoValue: ConnectionInfo | undefined;
  private dataAt: number | undefined;
  private readonly listeners = new Set<() => void>();

  get info(): ConnectionInfo | undefined {
    return this.infoValue;
  }

  /** Newest of the host's `lastDataAt` and the local receipt time of data. */
  get lastDataAt(): number | undefined {
    return this.dataAt;
  }

  /**
   * The host's `lastDataAt` is on the host's clock, which may run ahead of the webview's (remote extension hosts):
   * it is clamped to `now` so skew can never hide staleness; local receipt times take over once data flows.
   */
  setInfo(info: ConnectionInfo, now: number): void {
    this.infoValue = info;
    if (info.lastDataAt !== undefined && Number.isFinite(info.lastDataAt)) {
      const hostDataAt = Math.min(info.lastDataAt, now);
      if (this.dataAt === undefined || hostDataAt > this.dataAt) this.dataAt = hostDataAt;
    }
    for (const l of this.listeners) l();
  }

  markData(now: number): void {
    if (this.dataAt === undefined || now > this.dataAt) this.dataAt = now;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
