/**
 * The protocol-neutral part of every emulated WebSocket endpoint: accepting upgrades, per-connection state and
 * subscriptions (by topic), per-connection send queues that honour the fault delay without reordering, and stats.
 * Each exchange protocol supplies a WsProtocol that parses its own messages and names its own topics.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { WsLiveness, type LivenessRules, type LivenessTimer } from './wsLiveness';

/** One accepted WebSocket connection with the protocol's own per-connection state `S`. */
export interface WsConnection<S> {
  /** 1, 2, … in order of acceptance (stable for the connection's life; protocols derive their connection ids from it). */
  readonly serial: number;
  readonly state: S;
  readonly topics: ReadonlySet<string>;
  /** Its network is gone (silenceWhere): nothing sent reaches the client. */
  readonly silent: boolean;
}

export interface WsProtocol<S> {
  /** The state of a new connection on `url`, and the topics it starts with; undefined refuses the upgrade (404). */
  accept(url: URL): { readonly state: S; readonly topics?: readonly string[] } | undefined;
  /** Called once the connection is open (after the initial topics are subscribed). */
  opened?(conn: WsConnection<S>): void;
  /** A text frame from the client (binary frames arrive as their UTF-8 text with `binary` set). */
  message(conn: WsConnection<S>, text: string, binary: boolean): void;
  /** Called once after the connection closed, before its subscriptions are dropped. */
  closed?(conn: WsConnection<S>): void;
}

export interface WsHubOptions<S> {
  readonly protocol: WsProtocol<S>;
  delayMs(): number;
  /** Called whenever connections or subscriptions change. */
  onChange(): void;
  /** How long the exchange keeps a connection (lifetime, server pings, idle cut); none of it when absent. */
  readonly liveness?: LivenessRules;
}

/** What the emulator core needs of any protocol's hub. */
export interface WsHubControl {
  readonly openSockets: number;
  /** Of those, the ones whose network is gone (silenceWhere): open on the server for good, whatever the client does. */
  readonly silentSockets: number;
  readonly connectionsTotal: number;
  subscriptionCounts(): Record<string, number>;
  activeTopics(): string[];
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  terminateAll(): number;
  /** Abruptly destroys the connections whose subscribed topics satisfy `carries`; returns how many. */
  terminateWhere(carries: (topics: ReadonlySet<string>) => boolean): number;
  /** Silences the connections whose topics satisfy `carries` for good (see WsHub.silenceWhere); returns how many. */
  silenceWhere(carries: (topics: ReadonlySet<string>) => boolean): number;
  /** Leaves unread what the clients of these connections send, while they are still served (see WsHub.holdClientFramesWhere). */
  holdClientFramesWhere(carries: (topics: ReadonlySet<string>) => boolean): { readonly held: number; release(): void };
  batch(send: () => void): void;
  /** The periodic work of the connection rules (server pings, idle scan), for the emulator to run and stop. */
  livenessTimers(): readonly LivenessTimer[];
  /** Each connection is closed this long after it opened (0 = never). */
  readonly connectionLifetimeMs: number;
  /** Sets the lifetime for every connection, counted from its open (those already older close now). */
  setConnectionLifetime(ms: number): void;
}

interface Outgoing {
  readonly due: number;
  readonly data: string;
}

interface Connection<S> extends WsConnection<S> {
  readonly ws: WebSocket;
  /** The upgraded TCP socket under `ws`, corked while a batch is sent. */
  readonly socket: Duplex;
  readonly topics: Set<string>;
  readonly queue: Outgoing[];
  timer: NodeJS.Timeout | undefined;
  /** The network under it is gone (silenceWhere): nothing is sent or read any more, and no close is seen. */
  silent: boolean;
  /** performance.now() of the last frame sent (the idle rule reads it). */
  lastSentAt: number;
}

export class WsHub<S> implements WsHubControl {
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false });
  private readonly connections = new Set<Connection<S>>();
  private readonly subscribers = new Map<string, Set<Connection<S>>>();
  private total = 0;
  private readonly liveness: WsLiveness<Connection<S>>;

  constructor(private readonly opts: WsHubOptions<S>) {
    this.liveness = new WsLiveness(opts.liveness ?? { lifetimeMs: 0, pingIntervalMs: 0, pongTimeoutMs: 0, idleMs: 0, idleScanMs: 0, maxIncomingPerSecond: 0 });
  }

  livenessTimers(): readonly LivenessTimer[] {
    return this.liveness.timers();
  }

  get connectionLifetimeMs(): number {
    return this.liveness.connectionLifetimeMs;
  }

  setConnectionLifetime(ms: number): void {
    this.liveness.setLifetime(ms);
  }

  get openSockets(): number {
    return this.connections.size;
  }

  get silentSockets(): number {
    let silent = 0;
    for (const conn of this.connections) if (conn.silent) silent++;
    return silent;
  }

  get connectionsTotal(): number {
    return this.total;
  }

  /** Topic → number of subscribed connections (topics nobody subscribes to are absent). */
  subscriptionCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, set] of [...this.subscribers].sort((a, b) => a[0].localeCompare(b[0]))) if (set.size > 0) out[name] = set.size;
    return out;
  }

  hasSubscribers(topic: string): boolean {
    return (this.subscribers.get(topic)?.size ?? 0) > 0;
  }

  /** The connections subscribed to `topic` (empty when none). Do not keep the set. */
  subscribersOf(topic: string): ReadonlySet<WsConnection<S>> {
    return this.subscribers.get(topic) ?? EMPTY;
  }

  /** Topics with at least one subscriber. */
  activeTopics(): string[] {
    return [...this.subscribers].filter(([, set]) => set.size > 0).map(([name]) => name);
  }

  /** Every open connection. */
  all(): ReadonlySet<WsConnection<S>> {
    return this.connections;
  }

  /** Accepts an HTTP upgrade the protocol recognises; answers 404 otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const accepted = this.opts.protocol.accept(url);
    if (accepted === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, socket, accepted.state, accepted.topics ?? []));
  }

  subscribe(conn: WsConnection<S>, topic: string): void {
    const c = conn as Connection<S>;
    if (!this.connections.has(c)) return;
    c.topics.add(topic);
    let set = this.subscribers.get(topic);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(topic, set);
    }
    set.add(c);
    this.opts.onChange();
  }

  unsubscribe(conn: WsConnection<S>, topic: string): void {
    const c = conn as Connection<S>;
    c.topics.delete(topic);
    const set = this.subscribers.get(topic);
    set?.delete(c);
    if (set !== undefined && set.size === 0) this.subscribers.delete(topic);
    this.opts.onChange();
  }

  /** Sends the same text to every subscriber of `topic`; returns how many got it. */
  broadcast(topic: string, text: string): number {
    const set = this.subscribers.get(topic);
    if (set === undefined) return 0;
    for (const conn of set) this.send(conn, text);
    return set.size;
  }

  /** Sends now, or after the fault delay; frames on one connection never overtake each other. */
  send(conn: WsConnection<S>, data: string): void {
    const c = conn as Connection<S>;
    if (c.silent) return;
    const delay = this.opts.delayMs();
    if (delay <= 0 && c.queue.length === 0) {
      if (c.ws.readyState === WebSocket.OPEN) {
        c.ws.send(data);
        c.lastSentAt = performance.now();
      }
      return;
    }
    const last = c.queue[c.queue.length - 1];
    c.queue.push({ due: Math.max(performance.now() + delay, last?.due ?? 0), data });
    if (c.timer === undefined) this.schedule(c);
  }

  /**
   * Runs `send` with every socket corked, so the frames it sends leave in one write per connection and reach the
   * client in one read: events that happen together (a burst of trades in one millisecond) arrive together.
   */
  batch(send: () => void): void {
    const sockets = [...this.connections].map((c) => c.socket);
    for (const socket of sockets) socket.cork();
    try {
      send();
    } finally {
      for (const socket of sockets) socket.uncork();
    }
  }

  /** Closes one connection with a close frame (the protocol's own way of ending a session). */
  close(conn: WsConnection<S>, code: number, reason: string): void {
    (conn as Connection<S>).ws.close(code, reason);
  }

  /** Abruptly destroys every connection (no close frame); returns how many there were. */
  terminateAll(): number {
    return this.terminateWhere(() => true);
  }

  terminateWhere(carries: (topics: ReadonlySet<string>) => boolean): number {
    const doomed = [...this.connections].filter((conn) => carries(conn.topics));
    for (const conn of doomed) conn.ws.terminate();
    return doomed.length;
  }

  /**
   * The network under these connections goes away without a word (Wi-Fi lost, a laptop's sleep, a NAT entry timed
   * out): they stay open on both ends, but from now on nothing reaches the client, and nothing it sends (a ping, a
   * close) is read or answered. Only the client's own keep-alive can tell. Returns how many.
   */
  silenceWhere(carries: (topics: ReadonlySet<string>) => boolean): number {
    const silenced = [...this.connections].filter((conn) => !conn.silent && carries(conn.topics));
    for (const conn of silenced) {
      conn.silent = true;
      conn.queue.length = 0;
      conn.socket.pause(); // what arrives is not read, so the ws library sends no pong either
    }
    return silenced.length;
  }

  /**
   * A slow uplink: what the clients of these connections send (a close, an unsubscribe, a ping) stays unread until
   * `release`, while the server goes on sending to them, as a real exchange does until our close reaches it.
   */
  holdClientFramesWhere(carries: (topics: ReadonlySet<string>) => boolean): { readonly held: number; release(): void } {
    const held = [...this.connections].filter((conn) => !conn.silent && carries(conn.topics));
    for (const conn of held) conn.socket.pause();
    return {
      held: held.length,
      release: () => {
        for (const conn of held) if (!conn.silent) conn.socket.resume();
      },
    };
  }

  private attach(ws: WebSocket, socket: Duplex, state: S, initial: readonly string[]): void {
    this.total += 1;
    const conn: Connection<S> = { serial: this.total, ws, socket, state, topics: new Set(), queue: [], timer: undefined, silent: false, lastSentAt: performance.now() };
    this.connections.add(conn);
    this.liveness.opened(conn);
    for (const topic of initial) this.subscribe(conn, topic);
    ws.on('message', (data, isBinary) => {
      this.liveness.message(conn);
      if (conn.ws.readyState === WebSocket.OPEN) this.opts.protocol.message(conn, rawText(data), isBinary);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.detach(conn));
    this.opts.onChange();
    this.opts.protocol.opened?.(conn);
  }

  private detach(conn: Connection<S>): void {
    if (!this.connections.has(conn)) return;
    this.opts.protocol.closed?.(conn);
    this.liveness.closed(conn);
    this.connections.delete(conn);
    if (conn.timer !== undefined) clearTimeout(conn.timer);
    conn.queue.length = 0;
    for (const topic of conn.topics) {
      const set = this.subscribers.get(topic);
      set?.delete(conn);
      if (set !== undefined && set.size === 0) this.subscribers.delete(topic);
    }
    conn.topics.clear();
    this.opts.onChange();
  }

  private schedule(conn: Connection<S>): void {
    const head = conn.queue[0];
    if (head === undefined) {
      conn.timer = undefined;
      return;
    }
    conn.timer = setTimeout(() => this.flush(conn), Math.max(0, head.due - performance.now()));
  }

  private flush(conn: Connection<S>): void {
    const now = performance.now();
    conn.socket.cork();
    while (conn.queue.length > 0 && (conn.queue[0] as Outgoing).due <= now + 1) {
      const item = conn.queue.shift() as Outgoing;
      if (conn.ws.readyState === WebSocket.OPEN) {
        conn.ws.send(item.data);
        conn.lastSentAt = now;
      }
    }
    conn.socket.uncork();
    this.schedule(conn);
  }
}

const EMPTY: ReadonlySet<never> = new Set();

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
