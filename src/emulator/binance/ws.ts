/**
 * Binance's market stream WebSocket protocol: raw streams on /ws and /stream/ws[/<anything>] (payloads sent bare,
 * as ccxt expects), combined streams on /stream?streams=a/b ({stream, data} wrapper). Per-connection SUBSCRIBE /
 * UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY.
 */
import type { Json } from '../json';
import { WsHub, type WsConnection, type WsProtocol } from '../wsHub';

interface BinanceConnection {
  combined: boolean;
}

type RequestId = string | number | null;
type Conn = WsConnection<BinanceConnection>;

export class BinanceStreams implements WsProtocol<BinanceConnection> {
  readonly hub: WsHub<BinanceConnection>;

  constructor(
    private readonly isValidStream: (name: string) => boolean,
    delayMs: () => number,
    onChange: () => void,
  ) {
    this.hub = new WsHub({ protocol: this, delayMs, onChange });
  }

  /** Sends `payload` to every subscriber of `stream` (wrapped as {stream, data} on combined connections). */
  publish(stream: string, payload: Json): void {
    const subscribers = this.hub.subscribersOf(stream);
    if (subscribers.size === 0) return;
    const raw = JSON.stringify(payload);
    let combined: string | undefined;
    for (const conn of subscribers) {
      if (conn.state.combined) {
        combined ??= `{"stream":${JSON.stringify(stream)},"data":${raw}}`;
        this.hub.send(conn, combined);
      } else {
        this.hub.send(conn, raw);
      }
    }
  }

  accept(url: URL): { state: BinanceConnection; topics: string[] } | undefined {
    const raw = /^(?:\/stream)?\/ws(?:\/(.*))?$/.exec(url.pathname);
    if (raw) return { state: { combined: false }, topics: (raw[1] ?? '').split('/').filter((s) => s !== '' && this.isValidStream(s)) };
    if (url.pathname === '/stream' || url.pathname === '/stream/') {
      return { state: { combined: true }, topics: (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '' && this.isValidStream(s)) };
    }
    return undefined;
  }

  message(conn: Conn, text: string, binary: boolean): void {
    if (binary) {
      this.error(conn, null, 3, 'Invalid JSON: binary frames are not supported');
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(text);
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
        const invalid = params.filter((p) => !this.isValidStream(p));
        if (invalid.length > 0) {
          this.error(conn, id, 2, `Invalid request: invalid stream name(s) ${invalid.map((s) => `'${s}'`).join(', ')}`);
          return;
        }
        for (const stream of params) {
          if (method === 'SUBSCRIBE') this.hub.subscribe(conn, stream);
          else this.hub.unsubscribe(conn, stream);
        }
        this.reply(conn, id, null);
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.reply(conn, id, [...conn.topics]);
        return;
      case 'SET_PROPERTY':
        if (Array.isArray(params) && params[0] === 'combined' && typeof params[1] === 'boolean') {
          conn.state.combined = params[1];
          this.reply(conn, id, null);
        } else {
          this.error(conn, id, 2, "Invalid request: SET_PROPERTY expects params ['combined', true|false]");
        }
        return;
      case 'GET_PROPERTY':
        if (Array.isArray(params) && params[0] === 'combined') this.reply(conn, id, conn.state.combined);
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

  private reply(conn: Conn, id: RequestId, result: Json): void {
    this.hub.send(conn, JSON.stringify({ result, id }));
  }

  private error(conn: Conn, id: RequestId, code: number, msg: string): void {
    this.hub.send(conn, JSON.stringify({ error: { code, msg }, id }));
  }
}
