/**
 * Connection badge view model. Pure: the caller passes the clock. The host reports status changes
 * (`panel/connection`); the webview also notes when market data arrives, so "quiet 45s" works even when the
 * host only sends a connection message on status changes.
 */
import type { ConnectionInfo, ConnectionStatus } from '../../shared/protocol';
import { Emitter } from '../../shared/util/emitter';
import { utcClock } from '../../shared/util/utcTime';

/**
 * A live stream with no data for longer than this shows how long it has been quiet. Quiet is not stale: a live
 * socket answers its keep-alive (a dead one is reconnecting within 20 s), so a live market without data is one
 * without trades or changes (an illiquid market's normal state), and what the panel shows is current: not dimmed.
 */
export const QUIET_AFTER_MS = 5000;

export type BadgeTone = 'ok' | 'warn' | 'error' | 'idle';

export interface BadgeView {
  readonly text: string;
  readonly tone: BadgeTone;
  /** The status the text was derived from ('quiet' is not a protocol status: it is live without data for a while). */
  readonly state: ConnectionStatus | 'quiet';
  /** The data on screen may not be current (the stream is not live): the panel dims it. */
  readonly stale: boolean;
  /** The state in a word, for a panel too narrow for the text: readable without the dot's colour. */
  readonly word: string;
  /** While stale: the time (epoch ms) the data on screen is as of: when the stream stopped being live. */
  readonly staleSince?: number;
}

const KNOWN: readonly string[] = ['connecting', 'live', 'reconnecting', 'retrying', 'degraded', 'stopped', 'failed'];

/** `banner`: the error the page's banner shows now; a failure's reason it already says is not said twice. */
export function connectionBadge(info: ConnectionInfo | undefined, lastDataAt: number | undefined, now: number, banner?: string): BadgeView {
  const view = badgeFor(info, lastDataAt, now, banner);
  if (!view.stale) return view;
  // As of when the stream stopped being live (the host's word); as of its newest data when the host did not say.
  const since = Math.min(info?.downSince ?? lastDataAt ?? now, now);
  return { ...view, text: `${view.text} · stale since ${staleClock(since, now)}`, staleSince: since };
}

function badgeFor(info: ConnectionInfo | undefined, lastDataAt: number | undefined, now: number, banner: string | undefined): BadgeView {
  const status = info && KNOWN.includes(info.status) ? info.status : 'connecting';
  const ageSeconds = lastDataAt === undefined ? undefined : Math.floor((now - lastDataAt) / 1000);
  // Data held while the stream is down is stale (the caller says since when); without data, the reason in a word.
  const hasData = lastDataAt !== undefined;
  const down = (word: string) => (hasData ? 'stale' : word);
  switch (status) {
    case 'live': {
      if (lastDataAt !== undefined && now - lastDataAt > QUIET_AFTER_MS) {
        return { text: `live · quiet ${quietFor(ageSeconds ?? 0)}`, tone: 'idle', state: 'quiet', stale: false, word: 'quiet' };
      }
      return { text: 'live', tone: 'ok', state: 'live', stale: false, word: 'live' };
    }
    case 'reconnecting':
      return { text: info?.attempt !== undefined ? `reconnecting (${info.attempt})` : 'reconnecting', tone: 'warn', state: status, stale: hasData, word: down('offline') };
    case 'retrying':
      return { text: `${info?.attempt !== undefined ? `retrying (${info.attempt})` : 'retrying'}${nextTry(info?.retryAt, now, ' in')}`, tone: 'warn', state: status, stale: hasData, word: down('offline') };
    case 'degraded': {
      // Live data still flows: nothing on screen is dimmed; what is missing (in a few words: the tooltip has it whole) and when it is tried again.
      const what = badgeReason(info);
      return { text: `degraded${what ? `: ${what}` : ''}${nextTry(info?.retryAt, now, ' · retry in')}`, tone: 'warn', state: status, stale: false, word: 'degraded' };
    }
    case 'failed':
      return { text: info?.reason && !banner?.includes(info.reason) ? `failed: ${info.reason}` : 'failed', tone: 'error', state: status, stale: hasData, word: 'failed' };
    case 'stopped':
      return { text: 'stopped', tone: 'idle', state: status, stale: hasData, word: 'stopped' };
    case 'connecting':
    default: {
      // With a reason, some of it flows while the rest is awaited (an aggregate's legs opening): what shows is current.
      const what = status === 'connecting' && info?.reason !== undefined ? badgeReason(info) : undefined;
      if (what !== undefined) return { text: `connecting: ${what}`, tone: 'idle', state: 'connecting', stale: false, word: 'connecting' };
      return { text: 'connecting', tone: 'idle', state: 'connecting', stale: hasData, word: down('connecting') };
    }
  }
}

/** Longest reason the badge's text says whole; a longer one says its head (before `:` or `(`), if that is short. */
const BADGE_REASON_CHARS = 40;

/** The reason in the badge's text: the host's few words, else a short reason, or its head; the tooltip has it whole. */
function badgeReason(info: ConnectionInfo | undefined): string | undefined {
  if (info?.brief) return info.brief;
  const reason = info?.reason?.trim();
  if (!reason) return undefined;
  if (reason.length <= BADGE_REASON_CHARS) return reason;
  const head = reason.split(/:|\s\(/, 1)[0]?.trim() ?? '';
  return head.length > 0 && head.length <= BADGE_REASON_CHARS ? head : undefined;
}

/**
 * A stale panel's "since" time: HH:MM:SS in UTC, as the tape and the chart's axis write times; with its day
 * ("04 Dec 23:59:58") when that is not today's (UTC), which a time alone would place on today.
 */
export function staleClock(sinceMs: number, nowMs: number): string {
  return utcClock(sinceMs, nowMs);
}

/**
 * The line over a stale book's levels (the order book's, the DOM's), or null while they are current: in the panel, not
 * only in a badge a narrow pane cuts to its word.
 */
export function staleBookNote(view: BadgeView, now: number): string | null {
  if (!view.stale || view.staleSince === undefined) return null;
  return `book stale since ${staleClock(view.staleSince, now)} UTC, not live`;
}

/** 45s, 12m, 3h: how long a live stream has sent nothing. */
function quietFor(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

/** " in 8s" until the next try, nothing once it is due (or unknown). */
function nextTry(retryAt: number | undefined, now: number, prefix: string): string {
  if (retryAt === undefined || retryAt <= now) return '';
  return `${prefix} ${Math.ceil((retryAt - now) / 1000)}s`;
}

/** Whether the badge text can change with the clock alone (so it needs a once-a-second tick): live, data aging, a countdown. */
export function badgeNeedsTick(info: ConnectionInfo | undefined, lastDataAt?: number): boolean {
  return info?.status === 'live' || (info !== undefined && (lastDataAt !== undefined || info.retryAt !== undefined));
}

/**
 * Connection state of one panel: the host's last `panel/connection` and the newest data time. `markData` is called
 * on every data message and deliberately notifies nobody (the badge re-reads it on its 1 s tick), so a burst of
 * updates never re-renders the badge.
 */
export class ConnectionState {
  private infoValue: ConnectionInfo | undefined;
  private dataAt: number | undefined;
  private hiddenAt: number | undefined;
  private readonly changed = new Emitter<[]>();

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
    // The host's clock may run ahead of this one: a stale panel is never "stale since" a time still to come.
    this.infoValue = info.downSince !== undefined && !(info.downSince <= now) ? { ...info, downSince: now } : info;
    this.hiddenAt = undefined;
    if (info.lastDataAt !== undefined && Number.isFinite(info.lastDataAt)) {
      const hostDataAt = Math.min(info.lastDataAt, now);
      if (this.dataAt === undefined || hostDataAt > this.dataAt) this.dataAt = hostDataAt;
    }
    this.changed.fire();
  }

  markData(now: number): void {
    if (this.dataAt === undefined || now > this.dataAt) this.dataAt = now;
    this.hiddenAt = undefined;
  }

  /**
   * The panel was hidden and its page kept (`panel/hidden`): nothing comes until it is shown and resynced, so the
   * badge's clock stops here (a live market is not "quiet" for the time nobody looked). Data or a status resumes it.
   */
  hide(now: number): void {
    this.hiddenAt = now;
    this.changed.fire();
  }

  /** The time the badge is judged at: `now`, or when the panel was hidden. */
  clock(now: number): number {
    return this.hiddenAt ?? now;
  }

  /** Whether the badge's clock stands still (hidden). */
  get held(): boolean {
    return this.hiddenAt !== undefined;
  }

  subscribe(listener: () => void): () => void {
    const subscription = this.changed.event(listener);
    return () => subscription.dispose();
  }
}
