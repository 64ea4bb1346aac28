/**
 * Binance-style market stream WebSocket endpoint: raw streams on /ws and /stream/ws[/<anything>] (payloads sent
 * bare, as ccxt expects), combined streams on /stream?streams=a/b ({stream, data} wrapper). Per-connection
 * SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY; sends honour the fault delay.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Json } from './streams';

export interface WsHubOptions {
  isValidStream(name: string): boolean;
  delayMs(): number;
  /** Called whenever connections or subscriptions change. */
  onChange(): void;
}

interface Outgoing {
  readonly due: number;
  readonly data: string;
}

interface Connection {
  readonly ws: WebSocket;
  readonly streams: Set<string>;
  combined: boolean;
  readonly queue: Outgoing[];
  timer: NodeJS.Timeout | undefined;
}

type RequestId = string | number | null;

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false });
  private readonly connections = new Set<Connection>();
  private readonly subscribers = new Map<string, Set<Connection>>();
  private total = 0;

  constructor(private readonly opts: WsHubOptions) {}

  get openSockets(): number {
    return this.connections.size;
  }

  get connectionsTotal(): number {
    return this.total;
  }

  /** Stream name → number of subscribed connections. */
  subscriptionCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, set] of [...this.subscribers].sort((a, b) => a[0].localeCompare(b[0]))) if (set.size > 0) out[name] = set.size;
    return out;
  }

  hasSubscribers(stream: string): boolean {
    return (this.subscribers.get(stream)?.size ?? 0) > 0;
  }

  /** Accepts an HTTP upgrade on a stream path; answers 404 otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.route(url);
    if (route === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, route.streams, route.combined));
  }

  /** Sends `payload` to every subscriber of `stream` (wrapped as {stream, data} on combined connections). */
  broadcast(stream: string, payload: Json): void {
    const set = this.subscribers.get(stream);
    if (set === undefined || set.size === 0) return;
    const raw = JSON.stringify(payload);
    let combined: string | undefined;
    for (const conn of set) {
      if (conn.combined) {
        combined ??= `{"stream":${JSON.stringify(stream)},"data":${raw}}`;
        this.send(conn, combined);
      } else {
        this.send(conn, raw);
      }
    }
  }

  /** Sends a literal text frame (no wrapping) to every subscriber of `stream`; returns how many got it. */
  sendText(stream: string, text: string): number {
    const set = this.subscribers.get(stream);
    if (set === undefined) return 0;
    for (const conn of set) this.send(conn, text);
    return set.size;
  }

  /** Streams with at least one subscriber. */
  activeStreams(): string[] {
    return [...this.subscribers].filter(([, set]) => set.size > 0).map(([name]) => name);
  }

  /** Abruptly destroys every connection (no close frame); returns how many there were. */
  terminateAll(): number {
    const count = this.connections.size;
    for (const conn of [...this.connections]) conn.ws.terminate();
    return count;
  }

  private route(url: URL): { streams: string[]; combined: boolean } | undefined {
    const raw = /^(?:\/stream)?\/ws(?:\/(.*))?$/.exec(url.pathname);
    if (raw) {
      const streams = (raw[1] ?? '').split('/').filter((s) => s !== '' && this.opts.isValidStream(s));
      return { streams, combined: false };
    }
    if (url.pathname === '/stream' || url.pathname === '/stream/') {
      const streams = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '' && this.opts.isValidStream(s));
      return { streams, combined: true };
    }
    return undefined;
  }

  private attach(ws: WebSocket, initial: string[], combined: boolean): void {
    const conn: Connection = { ws, streams: new Set(), combined, queue: [], timer: undefined };
    this.connections.add(conn);
    this.total += 1;
    for (const stream of initial) this.subscribe(conn, stream);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.detach(conn));
    this.opts.onChange();
  }

  private detach(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    if (conn.timer !== undefined) clearTimeout(conn.timer);
    conn.queue.length = 0;
    for (const stream of conn.streams) this.subscribers.get(stream)?.delete(conn);
    conn.streams.clear();
    this.opts.onChange();
  }

  private subscribe(conn: Connection, stream: string): void {
    conn.streams.add(stream);
    let set = this.subscribers.get(stream);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(stream, set);
    }
    set.add(conn);
  }

  private unsubscribe(conn: Connection, stream: string): void {
    conn.streams.delete(stream);
    const set = this.subscribers.get(stream);
    set?.delete(conn);
    if (set !== undefined && set.size === 0) this.subscribers.delete(stream);
  }

  private reply(conn: Connection, id: RequestId, result: Json): void {
    this.send(conn, JSON.stringify({ result, id }));
  }

  private error(conn: Connection, id: RequestId, code: number, msg: string): void {
    this.send(conn, JSON.stringify({ error: { code, msg }, id }));
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.error(conn, null, 3, 'Invalid JSON: binary frames are not supported');
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(rawText(data));
    } catch (e) {
      this.error(conn, null, 3, `Invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      this.error(conn, null, 2, 'Invalid request: request must be a JSON object');
      return;
    }
    const { method, params, id: rawId } = request as { method?: unknown; params?: unknown; id?: unknown };
    if (rawId !== undefined && rawId !== null && typeof rawId !== 'number' && typeof rawId !== 'string') {
      this.error(conn, null, 1, 'Invalid value type: id must be an unsigned integer, a string or null');
      return;
    }
    const id: RequestId = rawId ?? null;
    switch (method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        if (!Array.isArray(params) || !params.every((p): p is string => typeof p === 'string')) {
          this.error(conn, id, 2, 'Invalid request: params must be an array of stream names');
          return;
        }
        const invalid = params.filter((p) => !this.opts.isValidStream(p));
        if (invalid.length > 0) {
          this.error(conn, id, 2, `Invalid request: invalid stream name(s) ${invalid.map((s) => `'${s}'`).join(', ')}`);
          return;
        }
        for (const stream of params) {
          if (method === 'SUBSCRIBE') this.subscribe(conn, stream);
          else this.unsubscribe(conn, stream);
        }
        this.reply(conn, id, null);
        this.opts.onChange();
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.reply(conn, id, [...conn.streams]);
        return;
      case 'SET_PROPERTY':
        if (Array.isArray(params) && params[0] === 'combined' && typeof params[1] === 'boolean') {
          conn.combined = params[1];
          this.reply(conn, id, null);
        } else {
          this.error(conn, id, 2, "Invalid request: SET_PROPERTY expects params ['combined', true|false]");
        }
        return;
      case 'GET_PROPERTY':
        if (Array.isArray(params) && params[0] === 'combined') this.reply(conn, id, conn.combined);
        else this.error(conn, id, 2, "Invalid request: GET_PROPERTY expects params ['combined']");
        return;
      default:
        this.error(
          conn,
          id,
          2,
          `Invalid request: unknown variant \`${String(method)}\`, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\``,
        );
    }
  }

  /** Sends now, or after the fault delay; frames on one connection never overtake each other. */
  private send(conn: Connection, data: string): void {
    const delay = this.opts.delayMs();
    if (delay <= 0 && conn.queue.length === 0) {
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(data);
      return;
    }
    const last = conn.queue[conn.queue.length - 1];
    conn.queue.push({ due: Math.max(performance.now() + delay, last?.due ?? 0), data });
    if (conn.timer === undefined) this.schedule(conn);
  }

  private schedule(conn: Connection): void {
    const head = conn.queue[0];
    if (head === undefined) {
      conn.timer = undefined;
      return;
    }
    conn.timer = setTimeout(() => this.flush(conn), Math.max(0, head.due - performance.now()));
  }

  private flush(conn: Connection): void {
    const now = performance.now();
    while (conn.queue.length > 0 && (conn.queue[0] as Outgoing).due <= now + 1) {
      const item = conn.queue.shift() as Outgoing;
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(item.data);
    }
    this.schedule(conn);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
