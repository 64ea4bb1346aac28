/**
 * Bybit v5 public WebSocket for linear contracts (/v5/public/linear): {op, args, req_id} requests — subscribe,
 * unsubscribe and ping — answered as the linear stream answers them ({success, ret_msg, conn_id, req_id, op}).
 */
import { hashString } from '../prng';
import { WsHub, type WsConnection, type WsProtocol } from '../wsHub';
import type { LivenessRules } from '../wsLiveness';

interface BybitConnection {
  readonly connId: string;
}

export type BybitConn = WsConnection<BybitConnection>;

export interface BybitWsHooks {
  isTopic(topic: string): boolean;
  /** A connection subscribed to `topic`: send it the topic's snapshot (orderbook and tickers have one). */
  subscribed(conn: BybitConn, topic: string): void;
}

export const LINEAR_PATH = '/v5/public/linear';

export class BybitStreams implements WsProtocol<BybitConnection> {
  readonly hub: WsHub<BybitConnection>;
  private serial = 0;

  constructor(
    private readonly hooks: BybitWsHooks,
    delayMs: () => number,
    onChange: () => void,
    liveness?: LivenessRules,
  ) {
    this.hub = new WsHub({ protocol: this, delayMs, onChange, ...(liveness ? { liveness } : {}) });
  }

  accept(url: URL): { state: BybitConnection } | undefined {
    if (url.pathname !== LINEAR_PATH) return undefined;
    this.serial += 1;
    return { state: { connId: `${hashString(`conn|${this.serial}`).toString(32)}-${this.serial.toString(36)}` } };
  }

  message(conn: BybitConn, text: string, binary: boolean): void {
    let request: unknown;
    try {
      request = binary ? undefined : JSON.parse(text);
    } catch {
      request = undefined;
    }
    const r = (typeof request === 'object' && request !== null && !Array.isArray(request) ? request : {}) as { op?: unknown; args?: unknown; req_id?: unknown };
    const reqId = typeof r.req_id === 'string' || typeof r.req_id === 'number' ? String(r.req_id) : '';
    switch (r.op) {
      case 'ping':
        this.reply(conn, { success: true, ret_msg: 'pong', conn_id: conn.state.connId, req_id: reqId, op: 'ping' });
        return;
      case 'subscribe':
      case 'unsubscribe': {
        const args = r.args;
        if (!Array.isArray(args) || args.length === 0 || !args.every((a): a is string => typeof a === 'string')) {
          this.reply(conn, { success: false, ret_msg: `error:args must be a non-empty array of topics`, conn_id: conn.state.connId, req_id: reqId, op: r.op });
          return;
        }
        const bad = args.find((topic) => !this.hooks.isTopic(topic));
        if (bad !== undefined) {
          this.reply(conn, { success: false, ret_msg: `error:handler not found,topic:${bad}`, conn_id: conn.state.connId, req_id: reqId, op: r.op });
          return;
        }
        const fresh = r.op === 'subscribe' ? args.filter((topic) => !conn.topics.has(topic)) : [];
        for (const topic of args) {
          if (r.op === 'subscribe') this.hub.subscribe(conn, topic);
          else this.hub.unsubscribe(conn, topic);
        }
        this.reply(conn, { success: true, ret_msg: '', conn_id: conn.state.connId, req_id: reqId, op: r.op });
        for (const topic of fresh) this.hooks.subscribed(conn, topic);
        return;
      }
      default:
        this.reply(conn, { success: false, ret_msg: 'error:invalid op', conn_id: conn.state.connId, request: { op: typeof r.op === 'string' ? r.op : '', args: Array.isArray(r.args) ? r.args : null } });
    }
  }

  private reply(conn: BybitConn, message: Record<string, unknown>): void {
    this.hub.send(conn, JSON.stringify(message));
  }
}
