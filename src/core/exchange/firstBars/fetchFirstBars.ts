import type { CandleKey } from '../../keys';
import { bucketStart, timeframeMs } from '../../timeframes';
import type { Candle } from '../../types';
import { errorMessage } from '../../util/log';
import { parseRetryAfter } from '../../util/retryAfter';
import { checkCandleRow } from '../normalize';
import type { FirstBarsExchange } from './klinesShortcut';

/** A market's newest closed bars from one request made without ccxt, and the exchange's id the request named. */
export interface FirstBars {
  readonly marketId: string;
  readonly candles: readonly Candle[];
}

/** Past this the chart waits for ccxt's path instead (which the shortcut holds back while it runs). */
export const FIRST_BARS_TIMEOUT_MS = 1500;

export interface FirstBarsOptions {
  /** Past this (ms) the request is given up: FIRST_BARS_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /**
   * The exchange answered 429 (slow down) or 418 (banned), with its Retry-After in ms when it sent one: the caller
   * pauses every request to the exchange, as it does for ccxt's (an IP that keeps asking after a 429 gets banned).
   */
  readonly onRateLimit?: (retryAfterMs: number | undefined) => void;
}

/** A thousand klines are ≈ 150 KB: an answer far larger is not one. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The newest `depth` closed bars of a market in one request, for a chart's first paint while ccxt and the markets
 * load (ccxt's require and thousands of markets hold the extension host for seconds on a first start). Every row is
 * checked as ccxt's are; one bad row, a gap in the bucket grid or an answer of the wrong shape rejects the whole
 * page (the chart then paints from the usual path). Resolves with why there are none, or undefined where the market or
 * timeframe is not one the shortcut covers; never rejects.
 */
export async function fetchFirstBars(source: FirstBarsExchange, key: CandleKey, depth: number, now: number, signal: AbortSignal, options: FirstBarsOptions = {}): Promise<FirstBars | string | undefined> {
  const timeoutMs = options.timeoutMs ?? FIRST_BARS_TIMEOUT_MS;
  const request = source.request(key.symbol, key.timeframe, depth + 1, now);
  if (!request) return undefined;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let body: unknown;
  try {
    const res = await fetch(request.url, { signal: abort.signal, headers: { accept: 'application/json' } });
    if (!res.ok) {
      if (res.status === 429 || res.status === 418) options.onRateLimit?.(parseRetryAfter(res.headers.get('retry-after')));
      await res.body?.cancel();
      return `HTTP ${res.status} from ${request.url}`;
    }
    const text = await boundedText(res);
    if (text === undefined) return `the answer from ${request.url} is larger than ${MAX_BODY_BYTES} bytes`;
    body = JSON.parse(text);
  } catch (err) {
    return abort.signal.aborted && !signal.aborted ? `no answer within ${timeoutMs} ms from ${request.url}` : `${request.url}: ${errorMessage(err)}`;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  const rows = source.rows(body, request);
  if (typeof rows === 'string') return `${request.url}: ${rows}`;
  const candles: Candle[] = [];
  for (const row of rows) {
    const checked = checkCandleRow(row, { now });
    if (!checked.ok) return `${request.url}: ${checked.issue}`;
    candles.push(checked.value);
  }
  candles.sort((a, b) => a.time - b.time);
  const tf = key.timeframe;
  let previous: number | undefined;
  for (const { time } of candles) {
    if (bucketStart(tf, time) !== time) return `${request.url}: a ${tf} bar at ${new Date(time).toISOString()} is not on the ${tf} grid`;
    if (time === previous) return `${request.url}: two bars at ${new Date(time).toISOString()}`;
    previous = time;
  }
  const until = bucketStart(tf, now);
  const from = bucketStart(tf, until - depth * timeframeMs(tf));
  const closed = candles.filter((c) => c.time >= from && c.time < until);
  if (closed.length === 0) return `${request.url}: no closed bar`;
  return { marketId: request.marketId, candles: closed };
}

/** The body as text, or undefined past MAX_BODY_BYTES (the rest is not read). */
async function boundedText(res: Response): Promise<string | undefined> {
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
