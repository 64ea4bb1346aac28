/**
 * The Coinbase Advanced Trade market data WebSocket: one channel per subscribe / unsubscribe message
 * ({type, channel, product_ids}), each answered with the connection's current subscriptions; every message the
 * server sends carries the connection's next sequence_num (0, 1, 2, … across all channels); a connection that has
 * not subscribed within 5 s is closed, and the channels of one that was sent nothing for a minute close (see
 * closeIdleChannels). Channels: heartbeats, market_trades, level2 (received as l2_data), ticker,
 * ticker_batch.
 */
import type { Json } from '../json';
import { WsHub, type WsConnection, type WsProtocol } from '../wsHub';
import type { LivenessRules } from '../wsLiveness';
import type { CoinbaseAliasSubscriptions, CoinbaseRefusal } from '../types';
import { isoNanos } from './wire';

export const CHANNELS = ['heartbeats', 'market_trades', 'level2', 'ticker', 'ticker_batch'] as const;
export type CoinbaseChannel = (typeof CHANNELS)[number];

interface CoinbaseConnection {
  sequence: number;
  heartbeats: number;
  subscribed: boolean;
  deadline: NodeJS.Timeout | undefined;
  /** When (performance.now()) the connection was last sent a message. */
  lastSentAt: number;
}

export type CoinbaseConn = WsConnection<CoinbaseConnection>;
type Conn = CoinbaseConn;

/** Topic of a channel for one product ('level2:BTC-USD'); heartbeats are not per product. */
export const topicOf = (channel: CoinbaseChannel, productId?: string): string => (productId === undefined ? channel : `${channel}:${productId}`);

export interface CoinbaseWsHooks {
  isProduct(id: string): boolean;
  /**
   * The product whose data a channel of `id` carries: itself, or for an alias (BTC-USDC) the -USD product (BTC-USD),
   * whose id its messages name.
   */
  streamedAs(id: string): string;
  /**
   * How a subscribe naming an alias is kept: 'own', a subscription (topic) of its own, which the protocol publishes
   * the -USD product's messages on as well; 'shared', the -USD product's, which the subscriptions reply then names.
   */
  readonly aliasSubscriptions: CoinbaseAliasSubscriptions;
  /** How a subscribe naming an unknown product is refused: naming them, or not. */
  readonly refusal: CoinbaseRefusal;
  now(): number;
  /**
   * A connection subscribed to `channel` of `productId` (an alias as asked, with 'own' subscriptions): send it the
   * channel's snapshot (if it has one), of the data the channel carries.
   */
  subscribed(conn: Conn, channel: CoinbaseChannel, productId: string): void;
}

const SUBSCRIBE_DEADLINE_MS = 5000;

export class CoinbaseFeed implements WsProtocol<CoinbaseConnection> {
  readonly hub: WsHub<CoinbaseConnection>;

  constructor(
    private readonly hooks: CoinbaseWsHooks,
    delayMs: () => number,
    onChange: () => void,
    liveness?: LivenessRules,
  ) {
    this.hub = new WsHub({ protocol: this, delayMs, onChange, ...(liveness ? { liveness } : {}) });
  }

  accept(url: URL): { state: CoinbaseConnection } | undefined {
    if (url.pathname !== '/' && url.pathname !== '') return undefined;
    return { state: { sequence: 0, heartbeats: 0, subscribed: false, deadline: undefined, lastSentAt: performance.now() } };
  }

  opened(conn: Conn): void {
    conn.state.deadline = setTimeout(() => {
      if (!conn.state.subscribed) this.hub.close(conn, 1000, 'no subscribe message within 5 seconds');
    }, SUBSCRIBE_DEADLINE_MS);
  }

  closed(conn: Conn): void {
    if (conn.state.deadline !== undefined) clearTimeout(conn.state.deadline);
  }

  /** Sends one message of `channel` to one connection, with that connection's next sequence number. */
  sendTo(conn: Conn, channel: string, timestamp: number, events: Json[] | string): void {
    const eventsJson = typeof events === 'string' ? events : JSON.stringify(events);
    conn.state.lastSentAt = performance.now();
    this.hub.send(conn, `{"channel":${JSON.stringify(channel)},"client_id":"","timestamp":"${isoNanos(timestamp)}","sequence_num":${conn.state.sequence++},"events":${eventsJson}}`);
  }

  /** Sends one message to every subscriber of `topic` (each with its own sequence number); returns how many got it. */
  publish(topic: string, channel: string, timestamp: number, events: Json[]): number {
    const subscribers = this.hub.subscribersOf(topic);
    if (subscribers.size === 0) return 0;
    const eventsJson = JSON.stringify(events);
    for (const conn of subscribers) this.sendTo(conn, channel, timestamp, eventsJson);
    return subscribers.size;
  }

  /** A message of `topic` lost on the way to each subscriber: its sequence number is used up, nothing is sent. */
  lose(topic: string): void {
    for (const conn of this.hub.subscribersOf(topic)) conn.state.sequence++;
  }

  /** One heartbeats message to every connection subscribed to them, each with its own counter. */
  heartbeat(uptime: (now: number) => string): void {
    const now = this.hooks.now();
    for (const conn of this.hub.subscribersOf(topicOf('heartbeats'))) {
      conn.state.heartbeats += 1;
      this.sendTo(conn, 'heartbeats', now, [{ current_time: uptime(now), heartbeat_counter: String(conn.state.heartbeats) }]);
    }
  }

  /**
   * Every channel of a connection that was sent nothing for `idleMs` closes, without a word: Coinbase documents that
   * "most channels close within 60-90 seconds if no updates are sent" (heartbeats, one a second, keep them open), and
   * clients have seen such a stream hang with no error (ccxt issue 21731). The connection stays open.
   */
  closeIdleChannels(idleMs: number): void {
    const now = performance.now();
    for (const conn of this.hub.all()) {
      if (conn.topics.size === 0 || now - conn.state.lastSentAt < idleMs) continue;
      for (const topic of [...conn.topics]) this.hub.unsubscribe(conn, topic);
    }
  }

  message(conn: Conn, text: string, binary: boolean): void {
    let request: unknown;
    try {
      request = binary ? undefined : JSON.parse(text);
    } catch {
      request = undefined;
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      this.error(conn, 'failure to parse the message: expected a JSON object {type, channel, product_ids}');
      return;
    }
    const { type, channel, product_ids: productIds } = request as { type?: unknown; channel?: unknown; product_ids?: unknown };
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      this.error(conn, `unknown message type ${JSON.stringify(type)}: expected "subscribe" or "unsubscribe"`);
      return;
    }
    if (typeof channel !== 'string' || !(CHANNELS as readonly string[]).includes(channel)) {
      this.error(conn, `channel ${JSON.stringify(channel)} is not one of ${CHANNELS.join(', ')}`);
      return;
    }
    const ch = channel as CoinbaseChannel;
    if (productIds !== undefined && (!Array.isArray(productIds) || !productIds.every((p): p is string => typeof p === 'string'))) {
      this.error(conn, 'product_ids must be an array of product ids');
      return;
    }
    const ids = (productIds ?? []) as string[];
    const unknown = ids.filter((id) => !this.hooks.isProduct(id));
    if (unknown.length > 0) {
      if (this.hooks.refusal === 'generic') this.error(conn, 'Failed to subscribe', 'Invalid product ID provided');
      else this.error(conn, `failure to subscribe: unknown product id(s) ${unknown.join(', ')}`);
      return;
    }
    const streamed = [...new Set(this.hooks.aliasSubscriptions === 'shared' ? ids.map((id) => this.hooks.streamedAs(id)) : ids)];
    if (type === 'subscribe') this.subscribe(conn, ch, streamed);
    else this.unsubscribe(conn, ch, streamed);
  }

  private subscribe(conn: Conn, channel: CoinbaseChannel, ids: string[]): void {
    if (channel !== 'heartbeats' && ids.length === 0) {
      this.error(conn, `failure to subscribe: channel ${channel} needs product_ids`);
      return;
    }
    conn.state.subscribed = true;
    const fresh = channel === 'heartbeats' ? (conn.topics.has(channel) ? [] : [undefined]) : ids.filter((id) => !conn.topics.has(topicOf(channel, id)));
    for (const id of fresh) this.hub.subscribe(conn, topicOf(channel, id));
    this.sendSubscriptions(conn);
    for (const id of fresh) if (id !== undefined) this.hooks.subscribed(conn, channel, id);
  }

  /** Leaves the channel for the given products, or for all of them when none are given. */
  private unsubscribe(conn: Conn, channel: CoinbaseChannel, ids: string[]): void {
    const topics = [...conn.topics].filter((t) => t === channel || (t.startsWith(`${channel}:`) && (ids.length === 0 || ids.includes(t.slice(channel.length + 1)))));
    for (const topic of topics) this.hub.unsubscribe(conn, topic);
    this.sendSubscriptions(conn);
  }

  /** The connection's subscriptions, channel → product ids. */
  private sendSubscriptions(conn: Conn): void {
    const subscriptions: Record<string, Json> = {};
    for (const topic of conn.topics) {
      const colon = topic.indexOf(':');
      const channel = colon < 0 ? topic : topic.slice(0, colon);
      const list = (subscriptions[channel] ??= []) as Json[];
      if (colon >= 0) list.push(topic.slice(colon + 1));
    }
    this.sendTo(conn, 'subscriptions', this.hooks.now(), [{ subscriptions }]);
  }

  private error(conn: Conn, message: string, reason?: string): void {
    conn.state.lastSentAt = performance.now();
    this.hub.send(conn, JSON.stringify(reason === undefined ? { type: 'error', message } : { type: 'error', message, reason }));
  }
}
