/** REST trades from a time on, paged the way the exchange allows, and whether they are every trade since then. */
import type { TradePaging } from '../exchange/capabilities';
import type { MissingTrades, Trade } from '../types';
import { assertNever } from '../util/assertNever';
import { listedRows } from '../exchange/listedRows';
import { pageTrades } from './pageTrades';

/**
 * `complete`: no trade from `from` on is missing before the last one given, and none after it up to the time of the
 * request unless `truncated` (the seam can be exact).
 */
export interface TradesSince {
  readonly trades: Trade[];
  readonly complete: boolean;
  /** The page budget ran out first: more trades follow the last one given (ask again from its time). */
  readonly truncated?: boolean;
  /** Spans inside the answer whose trades are known to be missing (a replay's recording holes); `complete` is then false. */
  readonly missing?: readonly MissingTrades[];
}

/** How an exchange's REST trades page (see ExchangeCapabilities). */
export interface TradeSource {
  readonly paging: TradePaging;
  readonly limit: number;
  /** The span one forward request covers at most (Binance: an hour), if any. */
  readonly windowMs: number | undefined;
}

/**
 * How far a paged load has come. `forward`: every trade from its start up to `time` is in; `backward` (a `window`
 * exchange pages from now toward the start): every trade from `time` up to now is in.
 */
export interface TradesReached {
  readonly direction: 'forward' | 'backward';
  readonly time: number;
}

/** One REST page: `since` undefined asks for the newest trades; `until` bounds a `window` request. */
export type TradeFetch = (since: number | undefined, limit: number, until?: number) => Promise<Trade[]>;

/**
 * Every trade at or after `from` that the exchange will give, oldest first (equal times in id order). `now` bounds
 * a `window` request; `maxPages` bounds the work on a busy market (then the result is incomplete). `onPage`: after
 * each page that more follow, how far the trades are in (`recent` has one page only: none).
 */
export async function tradesSince(fetch: TradeFetch, source: TradeSource, from: number, now: number, onPage?: (reached: TradesReached) => void, maxPages = 50): Promise<TradesSince> {
  const { paging, limit, windowMs } = source;
  switch (paging) {
    case 'forward': {
      // Windows go on up to our clock (with its skew), and the last one is taken whole: a trade stamped after our
      // now (the exchange's clock ahead) is still given. Without windows a short page is the end, wherever it is.
      const windows = windowMs === undefined ? {} : { windowMs, reach: now + CLOCK_SKEW_MS };
      const got = await pageTrades((since, n, windowEnd) => fetch(since, n, windowEnd), from, Number.MAX_SAFE_INTEGER, {
        limit,
        maxPages,
        ...windows,
        ...(onPage ? { onPage: (time: number) => onPage({ direction: 'forward', time }) } : {}),
      });
      return got.truncated ? { trades: got.trades, complete: true, truncated: true } : { trades: got.trades, complete: true };
    }
    case 'window':
      return pageWindowBackwards(fetch, from, now, limit, maxPages, onPage);
    case 'recent': {
      const batch = await fetch(undefined, limit);
      // The newest `limit` trades reach back past `from` (or are all there is): none since `from` is missing.
      const complete = listedRows(batch) < limit || (batch[0] !== undefined && batch[0].timestamp < from);
      return { trades: inOrder(batch.filter((t) => t.timestamp >= from)), complete };
    }
    case 'none':
      return { trades: [], complete: false };
    default:
      return assertNever(paging);
  }
}

/**
 * Our clock may be behind the exchange's: a window ending at our now would leave out its newest trades while the
 * answer still looks complete, and the seam would take them as streamed. `now` is the exchange's as far as its
 * answers' Date header tells (whole seconds, and the answer's trip); the window reaches this far past it.
 */
const CLOCK_SKEW_MS = 10_000;

/**
 * A window answers with its newest `limit` trades, so the window [from, now] is paged from its end backwards. Its
 * bounds are whole seconds on the wire, so each next window ends after the oldest trade's second and the trades
 * already taken are dropped by id; a page that adds nothing (more than `limit` trades in one second) ends the
 * paging incomplete.
 */
async function pageWindowBackwards(fetch: TradeFetch, from: number, now: number, limit: number, maxPages: number, onPage?: (reached: TradesReached) => void): Promise<TradesSince> {
  const byId = new Map<string, Trade>();
  let until = (Math.floor((now + CLOCK_SKEW_MS) / 1000) + 1) * 1000;
  for (let page = 0; page < maxPages; page++) {
    const batch = await fetch(from, limit, until);
    let added = 0;
    for (const t of batch) {
      if (t.timestamp < from || byId.has(t.id)) continue;
      byId.set(t.id, t);
      added++;
    }
    if (listedRows(batch) < limit) return { trades: inOrder([...byId.values()]), complete: true };
    const oldest = batch.reduce((min, t) => Math.min(min, t.timestamp), Infinity);
    if (oldest < from) return { trades: inOrder([...byId.values()]), complete: true };
    if (added === 0) return { trades: inOrder([...byId.values()]), complete: false };
    onPage?.({ direction: 'backward', time: oldest });
    until = (Math.floor(oldest / 1000) + 1) * 1000;
  }
  return { trades: inOrder([...byId.values()]), complete: false };
}

/** Oldest first; trades of one millisecond in id order where ids are sequence numbers, else as they came. */
function inOrder(trades: Trade[]): Trade[] {
  return trades.sort((a, b) => a.timestamp - b.timestamp || compareIds(a.id, b.id));
}

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : 0;
}
