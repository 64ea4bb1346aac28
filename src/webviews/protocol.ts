/**
 * The one typed protocol between the extension host and every webview (GitLens-style `scope/method` names).
 * Both sides validate what they receive with the parse functions below: a webview is untrusted input to the host,
 * and the host's messages are checked before a webview acts on them. Pure TypeScript: no DOM, no vscode.
 */
import { arrayOf, bool, both, nullable, num, oneOf, optional, record, shown, str, tuple, type Check } from './wireCheck';

export type PanelKind = 'chart' | 'orderbook' | 'dom';

/** [time ms, open, high, low, close, volume] — compact on the wire. */
export type CandleWire = [number, number, number, number, number, number];
export type LevelWire = [price: number, amount: number];

export interface MarketRef {
  readonly exchange: string;
  readonly symbol: string;
}

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'retrying' | 'degraded' | 'stopped' | 'failed';

export interface ConnectionInfo {
  readonly status: ConnectionStatus;
  readonly attempt?: number;
  readonly reason?: string;
  /** Epoch ms of the next attempt (retrying) or repair (degraded). */
  readonly retryAt?: number;
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

/** `panel/batch` envelopes nest at most this deep; a deeper one is rejected, never recursed into. */
export const MAX_BATCH_DEPTH = 4;

const price = num({ above: 0 });
const amount = num({ min: 0 });
const time = num({ min: 0 });
const shortName = str(100, { nonEmpty: true });
const timeframe = str(8, { nonEmpty: true });
const market = record({ exchange: shortName, symbol: shortName });
const candle = tuple(time, price, price, price, price, amount);
/** Times strictly ascending: the chart library throws on anything else. */
const ascending: Check = (v, path) => {
  const rows = v as readonly CandleWire[];
  for (let i = 1; i < rows.length; i++) if (!(rows[i]![0] > rows[i - 1]![0])) return `${path}[${i}]: times must be strictly ascending, got ${rows[i]![0]} after ${rows[i - 1]![0]}`;
  return undefined;
};
const CONNECTION_STATUSES: readonly ConnectionStatus[] = ['connecting', 'live', 'reconnecting', 'retrying', 'degraded', 'stopped', 'failed'];

/** The params of every host message but `panel/batch` (checked in `parseHostMessage`, depth-bounded). */
const HOST_PARAMS: Readonly<Record<Exclude<HostMethod, 'panel/batch'>, Check>> = {
  'chart/snapshot': record({
    market,
    timeframe,
    timeframes: arrayOf(timeframe),
    candles: both(arrayOf(candle), ascending),
    options: record({ emaPeriods: arrayOf(num({ integer: true, min: 1, max: 1000 })), showVolume: bool }),
    markers: arrayOf(record({ time, text: str(2000), position: oneOf(['above', 'below']) })),
  }),
  'chart/candles': record({ candles: arrayOf(candle) }),
  'book/update': record({ market, bids: arrayOf(tuple(price, amount)), asks: arrayOf(tuple(price, amount)), levels: num({ integer: true, min: 1, max: 10_000 }) }),
  'dom/update': record({
    market,
    // a ladder centred near zero has rows at or below zero: they are drawn, never divided by
    rows: arrayOf(record({ price: num(), bid: amount, ask: amount, traded: amount })),
    lastPrice: nullable(price),
    tickSize: price,
    multiple: num({ integer: true, min: 1, max: 10_000 }),
    multiples: arrayOf(num({ integer: true, min: 1, max: 10_000 })),
  }),
  'panel/connection': record({ status: oneOf(CONNECTION_STATUSES), attempt: optional(num({ integer: true, min: 0 })), reason: optional(str(20_000)), retryAt: optional(time), lastDataAt: optional(time) }),
  'panel/error': record({ message: str(5000) }),
};

/**
 * Validates a message from the host, every field deeply: a webview acts only on values of the right type and
 * range (prices > 0, amounts ≥ 0, known statuses, candle times ascending in a snapshot). `panel/batch` nests at
 * most MAX_BATCH_DEPTH deep (`depth` is the envelope depth of `raw`). Never throws; linear in the message's size.
 */
export function parseHostMessage(raw: unknown, depth = 0): Parsed<HostMessage> {
  if (!isRecord(raw) || !isStr(raw.method) || !isRecord(raw.params)) return { ok: false, error: 'not a {method, params} message' };
  const method = raw.method as HostMethod;
  const error = (() => {
    if (method === 'panel/batch') {
      if (depth >= MAX_BATCH_DEPTH) return `panel/batch nested more than ${MAX_BATCH_DEPTH} deep`;
      const messages = raw.params.messages;
      if (!Array.isArray(messages)) return `params.messages: expected a list, got ${shown(messages)}`;
      for (let i = 0; i < messages.length; i++) {
        const inner = parseHostMessage(messages[i], depth + 1);
        if (!inner.ok) return `params.messages[${i}]: ${inner.error}`;
      }
      return undefined;
    }
    const check = Object.prototype.hasOwnProperty.call(HOST_PARAMS, method) ? HOST_PARAMS[method] : undefined;
    return check ? check(raw.params, 'params') : 'unknown method';
  })();
  return error === undefined ? { ok: true, message: raw as unknown as HostMessage } : { ok: false, error: `host message ${JSON.stringify(raw.method)}: ${error}` };
}

function ok<T>(message: T): Parsed<T> {
  return { ok: true, message };
}
