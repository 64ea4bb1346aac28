/**
 * How long an exchange keeps a WebSocket connection, as each documents it: a lifetime after which it is closed
 * (Binance: 24 h), server ping frames that must be answered by a pong echoing their payload within a deadline (Binance:
 * a ping every 20 s, dropped without a pong for a minute), and a connection that was sent nothing for a while being
 * cut (Bybit: 10 minutes without ping-pong or data), and a client that sends too many messages a second being
 * disconnected (Binance spot: 5, ping and pong frames counted). A silenced connection (WsHub.silenceWhere) is left alone: its
 * network is gone, so whatever the server does to it, the client cannot see.
 */
import type { WebSocket } from 'ws';

export interface LivenessRules {
  /** A connection is closed this long after it opened (0 = never); read anew by `setLifetime`. */
  readonly lifetimeMs: number;
  /** A ping frame to every connection this often (0 = none). */
  readonly pingIntervalMs: number;
  /** With pings: a connection with no pong echoing one of its pings for this long is dropped. */
  readonly pongTimeoutMs: number;
  /** A connection that was sent nothing for this long is closed (0 = never). */
  readonly idleMs: number;
  /** How often idle connections are looked for (Bybit's own scan runs every 30 s: a cut comes up to that late). */
  readonly idleScanMs: number;
  /** A connection that sends more messages (text, ping and pong frames) than this within a second is closed (0 = no limit). */
  readonly maxIncomingPerSecond: number;
}

/** What the rules need of a hub's connection. */
export interface LivenessTarget {
  readonly ws: WebSocket;
  readonly silent: boolean;
  /** performance.now() of the last frame sent to it. */
  readonly lastSentAt: number;
}

interface Held {
  readonly openedAt: number;
  lifetimeTimer: NodeJS.Timeout | undefined;
  /** The serial of the last ping sent (its payload), 0 before the first. */
  pingsSent: number;
  /** performance.now() of the last pong echoing one of its pings (the open, before the first). */
  answeredAt: number;
  /** The current one-second window of incoming messages: when it began and how many came in it. */
  windowStart: number;
  windowCount: number;
}

export interface LivenessTimer {
  readonly periodMs: number;
  run(): void;
}

/** Close codes: 1001 (going away) when the lifetime ends, as a server does that ends a session on its own terms. */
export const LIFETIME_CLOSE_CODE = 1001;
export const IDLE_CLOSE_CODE = 1000;
/** 1008 (policy violation) for a client over the message rate. */
export const RATE_CLOSE_CODE = 1008;

export class WsLiveness<C extends LivenessTarget> {
  private readonly held = new Map<C, Held>();
  private lifetimeMs: number;

  constructor(private readonly rules: LivenessRules) {
    this.lifetimeMs = rules.lifetimeMs;
  }

  /** The periodic work (pings and pong deadlines, the idle scan); the emulator runs and stops them with its own timers. */
  timers(): LivenessTimer[] {
    const out: LivenessTimer[] = [];
    if (this.rules.pingIntervalMs > 0) out.push({ periodMs: this.rules.pingIntervalMs, run: () => this.ping() });
    if (this.rules.idleMs > 0) out.push({ periodMs: this.rules.idleScanMs, run: () => this.closeIdle() });
    return out;
  }

  get connectionLifetimeMs(): number {
    return this.lifetimeMs;
  }

  /** A new lifetime for every connection, counted from its open: those already older close now. */
  setLifetime(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`the connection lifetime must be a number of ms >= 0, got ${String(ms)}`);
    this.lifetimeMs = ms;
    for (const [conn, held] of this.held) this.armLifetime(conn, held);
  }

  opened(conn: C): void {
    const now = performance.now();
    const held: Held = { openedAt: now, lifetimeTimer: undefined, pingsSent: 0, answeredAt: now, windowStart: now, windowCount: 0 };
    this.held.set(conn, held);
    conn.ws.on('pong', (data) => {
      this.received(conn, held);
      if (this.rules.pingIntervalMs > 0) this.pong(held, data);
    });
    conn.ws.on('ping', () => this.received(conn, held));
    this.armLifetime(conn, held);
  }

  /** A message (text or binary frame) from the client. */
  message(conn: C): void {
    const held = this.held.get(conn);
    if (held !== undefined) this.received(conn, held);
  }

  closed(conn: C): void {
    const held = this.held.get(conn);
    if (held?.lifetimeTimer !== undefined) clearTimeout(held.lifetimeTimer);
    this.held.delete(conn);
  }

  private armLifetime(conn: C, held: Held): void {
    if (held.lifetimeTimer !== undefined) clearTimeout(held.lifetimeTimer);
    held.lifetimeTimer = undefined;
    if (this.lifetimeMs <= 0) return;
    const left = held.openedAt + this.lifetimeMs - performance.now();
    held.lifetimeTimer = setTimeout(() => {
      held.lifetimeTimer = undefined;
      if (!conn.silent) conn.ws.close(LIFETIME_CLOSE_CODE, 'connection lifetime ended');
    }, Math.max(0, left));
  }

  private received(conn: C, held: Held): void {
    const limit = this.rules.maxIncomingPerSecond;
    if (limit <= 0 || conn.silent) return;
    const now = performance.now();
    if (now - held.windowStart >= 1000) {
      held.windowStart = now;
      held.windowCount = 0;
    }
    held.windowCount += 1;
    if (held.windowCount === limit + 1) conn.ws.close(RATE_CLOSE_CODE, 'Too many requests');
  }

  /** Only a copy of a ping's payload counts: Binance says unsolicited pongs do not prevent the disconnect. */
  private pong(held: Held, data: Buffer): void {
    const serial = Number(data.toString('utf8'));
    if (Number.isInteger(serial) && serial >= 1 && serial <= held.pingsSent) held.answeredAt = performance.now();
  }

  private ping(): void {
    const now = performance.now();
    for (const [conn, held] of this.held) {
      if (conn.silent) continue;
      if (now - held.answeredAt >= this.rules.pongTimeoutMs) {
        conn.ws.terminate();
        continue;
      }
      if (conn.ws.readyState !== conn.ws.OPEN) continue;
      held.pingsSent += 1;
      conn.ws.ping(String(held.pingsSent));
    }
  }

  private closeIdle(): void {
    const now = performance.now();
    for (const conn of this.held.keys()) {
      if (!conn.silent && now - conn.lastSentAt >= this.rules.idleMs) conn.ws.close(IDLE_CLOSE_CODE, 'no ping and no data for too long');
    }
  }
}
