/**
 * The one typed protocol between the extension host and every webview (GitLens-style `scope/method` names).
 * Both sides validate what they receive with the parse functions below: a webview is untrusted input to the host,
 * and the host's messages are checked before a webview acts on them. Pure TypeScript: no DOM, no vscode.
 */

export type PanelKind = 'chart' | 'orderbook' | 'dom';

/** [time ms, open, high, low, close, volume] — compact on the wire. */
export type CandleWire = [number, number, number, number, number, number];
export type LevelWire = [price: number, amount: number];

export interface MarketRef {
  readonly exchange: string;
  readonly symbol: string;
}

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'failed';

export interface ConnectionInfo {
  readonly status: ConnectionStatus;
  readonly attempt?: number;
  readonly reason?: string;
  /** Epoch ms of the last data received, so the webview can show "stale for Xs". */
  readonly lastDataAt?: number;
}

export interface ChartOptionsWire {
  readonly emaPeriods: readonly number[];
  readonly showVolume: boolean;
}

export interface DomRowWire {
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
  readonly traded: number;
}

/** Host → webview. */
export type HostMessage =
  | { readonly method: 'chart/snapshot'; readonly params: { readonly market: MarketRef; readonly timeframe: string; readonly timeframes: readonly string[]; readonly candles: readonly CandleWire[]; readonly options: ChartOptionsWire; readonly markers: readonly MarkerWire[] } }
  | { readonly method: 'chart/candles'; readonly params: { readonly candles: readonly CandleWire[] } }
  | { readonly method: 'book/update'; readonly params: { readonly market: MarketRef; readonly bids: readonly LevelWire[]; readonly asks: readonly LevelWire[]; readonly levels: number } }
  | { readonly method: 'dom/update'; readonly params: { readonly market: MarketRef; readonly rows: readonly DomRowWire[]; readonly lastPrice: number | null; readonly tickSize: number; readonly multiple: number; readonly multiples: readonly number[] } }
  | { readonly method: 'panel/connection'; readonly params: ConnectionInfo }
  | { readonly method: 'panel/error'; readonly params: { readonly message: string } }
  /** Everything the host had for one frame, in order: at most one postMessage per panel per frame. */
  | { readonly method: 'panel/batch'; readonly params: { readonly messages: readonly HostMessage[] } };

export interface MarkerWire {
  readonly time: number;
  readonly text: string;
  readonly position: 'above' | 'below';
}

/** Webview → host. */
export type WebviewMessage =
  | { readonly method: 'webview/ready'; readonly params: { readonly kind: PanelKind } }
  | { readonly method: 'webview/rendered'; readonly params: { readonly kind: PanelKind; readonly items: number } }
  | { readonly method: 'webview/log'; readonly params: { readonly level: 'info' | 'warn' | 'error'; readonly message: string } }
  | { readonly method: 'chart/setTimeframe'; readonly params: { readonly timeframe: string } }
  | { readonly method: 'dom/setMultiple'; readonly params: { readonly multiple: number } }
  | { readonly method: 'book/setLevels'; readonly params: { readonly levels: number } };

export type WebviewMethod = WebviewMessage['method'];
export type HostMethod = HostMessage['method'];

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length <= max;
const PANEL_KINDS: readonly string[] = ['chart', 'orderbook', 'dom'];

/** Validates a message from a webview; anything unknown or malformed is an error naming what is wrong. */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  if (!isRecord(raw) || !isStr(raw.method)) return { ok: false, error: 'not a {method, params} message' };
  const p = isRecord(raw.params) ? raw.params : {};
  const bad = (what: string): Parsed<WebviewMessage> => ({ ok: false, error: `${raw.method}: ${what}` });
  const method = raw.method as WebviewMethod;
  switch (method) {
    case 'webview/ready':
      return isStr(p.kind) && PANEL_KINDS.includes(p.kind) ? ok({ method, params: { kind: p.kind as PanelKind } }) : bad('kind must be chart, orderbook or dom');
    case 'webview/rendered':
      return isStr(p.kind) && PANEL_KINDS.includes(p.kind) && isNum(p.items) ? ok({ method, params: { kind: p.kind as PanelKind, items: p.items } }) : bad('needs kind and items');
    case 'webview/log':
      return (p.level === 'info' || p.level === 'warn' || p.level === 'error') && isStr(p.message, 2000) ? ok({ method, params: { level: p.level, message: p.message } }) : bad('needs level and a message of at most 2000 characters');
    case 'chart/setTimeframe':
      return isStr(p.timeframe, 8) ? ok({ method, params: { timeframe: p.timeframe } }) : bad('timeframe must be a short string');
    case 'dom/setMultiple':
      return isNum(p.multiple) && Number.isInteger(p.multiple) && p.multiple >= 1 && p.multiple <= 10_000 ? ok({ method, params: { multiple: p.multiple } }) : bad('multiple must be a whole number from 1 to 10000');
    case 'book/setLevels':
      return isNum(p.levels) && Number.isInteger(p.levels) && p.levels >= 5 && p.levels <= 500 ? ok({ method, params: { levels: p.levels } }) : bad('levels must be a whole number from 5 to 500');
    default:
      return { ok: false, error: `unknown method ${JSON.stringify(raw.method)}` };
  }
}

/** Validates a message from the host (cheap structural checks; the host is trusted more than a webview). */
export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  if (!isRecord(raw) || !isStr(raw.method) || !isRecord(raw.params)) return { ok: false, error: 'not a {method, params} message' };
  const p = raw.params;
  const method = raw.method as HostMethod;
  const valid = (() => {
    switch (method) {
      case 'chart/snapshot':
        return isRecord(p.market) && isStr(p.timeframe) && Array.isArray(p.candles) && p.candles.every(isCandleWire) && isRecord(p.options) && Array.isArray(p.timeframes) && Array.isArray(p.markers);
      case 'chart/candles':
        return Array.isArray(p.candles) && p.candles.every(isCandleWire);
      case 'book/update':
        return isRecord(p.market) && Array.isArray(p.bids) && Array.isArray(p.asks) && isNum(p.levels);
      case 'dom/update':
        return isRecord(p.market) && Array.isArray(p.rows) && isNum(p.tickSize) && isNum(p.multiple) && Array.isArray(p.multiples);
      case 'panel/connection':
        return isStr(p.status);
      case 'panel/error':
        return isStr(p.message, 5000);
      case 'panel/batch':
        return Array.isArray(p.messages) && p.messages.every((m) => parseHostMessage(m).ok);
      default:
        return false;
    }
  })();
  return valid ? { ok: true, message: raw as unknown as HostMessage } : { ok: false, error: `malformed or unknown host message ${JSON.stringify(raw.method)}` };
}

function isCandleWire(v: unknown): v is CandleWire {
  return Array.isArray(v) && v.length === 6 && v.every(isNum);
}

function ok<T>(message: T): Parsed<T> {
  return { ok: true, message };
}
