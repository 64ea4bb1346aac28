/**
 * Binance's market stream WebSocket protocol: raw streams on /ws and /stream/ws[/<anything>] (payloads sent bare,
 * as ccxt expects), combined streams on /stream?streams=a/b ({stream, data} wrapper). Per-connection SUBSCRIBE /
 * UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY.
 *
 * USDⓈ-M futures streams (fstream) live under /fstream, routed by path as Binance routes them: /fstream/public/…
 * carries the high-frequency book streams, /fstream/market/… the others; a bare /fstream/ws is /public. A stream
 * subscribed on the wrong route is accepted and never delivers (Binance fails it silently). Futures subscriptions
 * are kept in the hub under FUTURES_TOPIC + name, apart from the spot stream of the same name.
 */
import type { Json } from '../json';
import { WsHub, type WsConnection, type WsProtocol } from '../wsHub';
import type { LivenessRules } from '../wsLiveness';

/** Which stream service a connection is on: spot, or one of the futures routes. */
export type StreamVenue = 'spot' | 'public' | 'market';

interface BinanceConnection {
  combined: boolean;
  readonly venue: StreamVenue;
}

/** Hub topics of futures streams start with this (not a character Binance stream names use). */
export const FUTURES_TOPIC = 'fstream:';

/** The stream name a hub topic carries on the wire. */
export const wireStream = (topic: string): string => (topic.startsWith(FUTURES_TOPIC) ? topic.slice(FUTURES_TOPIC.length) : topic);

type RequestId = string | number | null;
type Conn = WsConnection<BinanceConnection>;

export class BinanceStreams implements WsProtocol<BinanceConnection> {
  readonly hub: WsHub<BinanceConnection>;

  constructor(
    private readonly isValidStream: (name: string, venue: StreamVenue) => boolean,
    /** The futures route that delivers a futures stream. */
    private readonly futuresRoute: (name: string) => 'public' | 'market',
    delayMs: () => number,
    onChange: () => void,
    liveness?: LivenessRules,
  ) {
    this.hub = new WsHub({ protocol: this, delayMs, onChange, ...(liveness ? { liveness } : {}) });
  }

  /** Sends `payload` to every subscriber of hub topic `topic` (wrapped as {stream, data} on combined connections). */
  publish(topic: string, payload: Json): void {
    const subscribers = this.hub.subscribersOf(topic);
    if (subscribers.size === 0) return;
    const raw = JSON.stringify(payload);
    let combined: string | undefined;
    for (const conn of subscribers) {
      if (conn.state.combined) {
        combined ??= `{"stream":${JSON.stringify(wireStream(topic))},"data":${raw}}`;
        this.hub.send(conn, combined);
      } else {
        this.hub.send(conn, raw);
      }
    }
  }

  /**
   * Tells every spot connection its server is about to shut down (Binance's `serverShutdown`: raw `{"e":
   * "serverShutdown","E":…}`, on a combined connection wrapped as the stream `!serverShutdown`); returns them.
   * Binance's futures docs name no such event, so futures connections are not told.
   */
  announceShutdown(eventTime: number): readonly Conn[] {
    const raw = JSON.stringify({ e: 'serverShutdown', E: eventTime });
    const told: Conn[] = [];
    for (const conn of this.hub.all()) {
      if (conn.state.venue !== 'spot' || conn.silent) continue;
      this.hub.send(conn, conn.state.combined ? `{"stream":"!serverShutdown","data":${raw}}` : raw);
      told.push(conn);
    }
    return told;
  }

  accept(url: URL): { state: BinanceConnection; topics: string[] } | undefined {
    const futures = /^\/fstream(?:\/(public|market))?(\/.*)$/.exec(url.pathname);
    const venue: StreamVenue = futures ? ((futures[1] as 'public' | 'market' | undefined) ?? 'public') : 'spot';
    const path = futures ? (futures[2] as string) : url.pathname;
    const initial = (names: string) => names.split('/').flatMap((s) => (s !== '' && this.isValidStream(s, venue) ? this.topicsOf(venue, s) : []));
    const raw = (futures ? /^\/ws(?:\/(.*))?$/ : /^(?:\/stream)?\/ws(?:\/(.*))?$/).exec(path);
    if (raw) return { state: { combined: false, venue }, topics: initial(raw[1] ?? '') };
    if (path === '/stream' || path === '/stream/') return { state: { combined: true, venue }, topics: initial(url.searchParams.get('streams') ?? '') };
    return undefined;
  }

  /** The hub topic of stream `name` on `venue`; none when the route does not deliver it. */
  private topicsOf(venue: StreamVenue, name: string): string[] {
    if (venue === 'spot') return [name];
    return this.futuresRoute(name) === venue ? [FUTURES_TOPIC + name] : [];
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
        const invalid = params.filter((p) => !this.isValidStream(p, conn.state.venue));
        if (invalid.length > 0) {
          this.error(conn, id, 2, `Invalid request: invalid stream name(s) ${invalid.map((s) => `'${s}'`).join(', ')}`);
          return;
        }
        for (const topic of params.flatMap((p) => this.topicsOf(conn.state.venue, p))) {
          if (method === 'SUBSCRIBE') this.hub.subscribe(conn, topic);
          else this.hub.unsubscribe(conn, topic);
        }
        this.reply(conn, id, null);
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.reply(conn, id, [...conn.topics].map(wireStream));
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
