import type { MarketInfo } from '../../core/exchange/marketDataClient';
import { everyMarketStreamCovers, tickerStreamSymbols } from '../../core/exchange/tickerStreams';
import type { Subscription } from '../../core/hub/requests';
import { EVERY_SYMBOL, symbolsOf } from '../../core/keys';
import type { StreamState, Ticker } from '../../core/types';
import { assertNever } from '../../core/util/assertNever';
import type { EngineHost } from '../engineHost';

/** A market's ticker as a tree row shows it: the ticker, and whether its stream is live. */
export interface RowTicker {
  readonly ticker: Ticker | undefined;
  /** Epoch ms of the last update, when the row's stream is not live: the price may be out of date. */
  readonly staleSince: number | undefined;
  /**
   * Epoch ms of the last update, when the stream is live but nothing came for QUIET_AFTER_MS: the price is current
   * (a live socket is known to be alive: keep-alive pings), the market just does not trade (illiquid, or halted).
   */
  readonly quietSince?: number;
  /**
   * Why the row's stream failed for good (a favourite's market is delisted, a quote group's ticker stream was
   * refused): the row says so instead of waiting.
   */
  readonly error?: string;
  /** Why the row's stream is down and being retried: a row without a price says so instead of staying blank. */
  readonly retrying?: string;
}

/** A row whose stream is live but has not updated for this long is quiet. */
export const QUIET_AFTER_MS = 10_000;

interface HeldTicker {
  readonly ticker: Ticker;
  readonly at: number;
  /** Whether the row was named for a redraw since it turned quiet (a market listed as not trading then says so). */
  quietNamed: boolean;
}

interface Held {
  readonly sub: Subscription;
  live: boolean;
  /** The reason of a `reconnecting` or `retrying` state. */
  retrying: string | undefined;
  /** The reason the stream failed for good. */
  failed: string | undefined;
}

/** A quote group's ticker stream and the rows it covers on screen. */
interface GroupStream extends Held {
  ids: readonly string[];
  /**
   * The rows of every market this stream has priced, shown or not, when it streams every market of its exchange: it
   * keeps them current, and its first prices (a REST snapshot: the stream itself carries only markets that changed)
   * come once, so a group shown later on the same stream needs them.
   */
  readonly priced: Set<string> | undefined;
}

/** The markets of a quote group that is showing. */
export interface ShownGroup {
  readonly exchange: string;
  readonly markets: readonly MarketInfo[];
}

/**
 * The ticker subscriptions behind the Markets tree: one per-symbol stream per favourite, and the multi-symbol streams
 * ('tickers', ccxt watchTickers) of the quote groups showing: one for every market of an exchange where it streams
 * them all at once (Binance), else streams of the groups' markets (tickerStreams.ts). Each update names the rows that
 * changed; `sync` is idempotent and disposes what is no longer wanted.
 */
export class MarketTickers {
  private readonly tickers = new Map<string, HeldTicker>();
  private readonly favourites = new Map<string, Held>();
  /** Group streams by `exchange\0stream symbol`. */
  private readonly groups = new Map<string, GroupStream>();
  /** The group stream of each row shown: of its market's stream, or of its exchange's every-market stream. */
  private readonly coverage = new Map<string, GroupStream>();
  private readonly errors = new Map<string, string>();

  constructor(
    private readonly engine: Pick<EngineHost, 'hub'>,
    private readonly changed: (ids: readonly string[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wanted: favourites as `exchange:symbol` ids, and the markets of the quote groups showing. */
  sync(favourites: readonly { exchange: string; symbol: string }[], shown: readonly ShownGroup[]): void {
    const favIds = new Map(favourites.map((f) => [rowId(f.exchange, f.symbol), f]));
    drop(this.favourites, favIds);
    for (const id of [...this.errors.keys()]) if (!this.favourites.has(id)) this.errors.delete(id);
    const wanted = wantedStreams(shown);
    drop(this.groups, wanted);
    for (const [key, want] of wanted) {
      const held = this.groups.get(key);
      if (held) held.ids = want.ids;
      else this.groups.set(key, this.openGroup(want.exchange, want.symbol, want.ids));
    }
    this.coverage.clear();
    for (const stream of this.groups.values()) for (const id of stream.ids) this.coverage.set(id, stream);
    // Prices no stream keeps current are forgotten: a row shows a price only while something updates it.
    const priced = [...this.groups.values()].flatMap((g) => (g.priced ? [g.priced] : []));
    const kept = (id: string) => favIds.has(id) || this.coverage.has(id) || priced.some((p) => p.has(id));
    for (const id of [...this.tickers.keys()]) if (!kept(id)) this.tickers.delete(id);
    for (const [id, f] of favIds) {
      if (this.favourites.has(id)) continue;
      const held: Held = {
        live: false,
        retrying: undefined,
        failed: undefined,
        sub: this.engine.hub.subscribe({ kind: 'ticker', ...f }, (e) => {
          if (e.type === 'ticker') this.put(id, e.ticker);
          else if (e.type === 'state') this.setState(held, e.state, [id]);
          else if (e.type === 'error') {
            this.errors.set(id, e.message);
            this.changed([id]);
          }
        }),
      };
      held.sub.ready.catch(() => undefined); // a refused request comes as an 'error' event too
      this.favourites.set(id, held);
    }
  }

  /** Whether a multi-symbol ticker stream of an exchange is held (for tests and the debug state). */
  holds(exchange: string): boolean {
    const prefix = `${exchange}\u0000`;
    for (const key of this.groups.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  row(exchange: string, symbol: string): RowTicker {
    const id = rowId(exchange, symbol);
    const t = this.tickers.get(id);
    const held = this.favourites.get(id) ?? this.coverage.get(id);
    const error = this.errors.get(id) ?? (held?.failed === undefined ? undefined : `Prices unavailable: ${held.failed}`);
    if (error !== undefined) return { ticker: t?.ticker, staleSince: undefined, error };
    const retrying = held?.retrying;
    if (!t) return { ticker: undefined, staleSince: undefined, ...(retrying === undefined ? {} : { retrying }) };
    const stale = held !== undefined && !held.live;
    const quiet = !stale && this.now() - t.at > QUIET_AFTER_MS;
    return { ticker: t.ticker, staleSince: stale ? t.at : undefined, ...(quiet ? { quietSince: t.at } : {}), ...(retrying === undefined ? {} : { retrying }) };
  }

  /**
   * The rows to redraw though no update came: the stale ones (their age text moves on every second) and those turned
   * quiet since the last call (each named once). `more` is whether a later call can name rows: a stale row, or one
   * that will turn quiet.
   */
  rowsDue(): { ids: string[]; more: boolean } {
    const ids: string[] = [];
    let more = false;
    const now = this.now();
    for (const [id, t] of this.tickers) {
      const held = this.favourites.get(id) ?? this.coverage.get(id);
      if (held !== undefined && !held.live) {
        ids.push(id);
        more = true;
      } else if (now - t.at <= QUIET_AFTER_MS) more = true;
      else if (!t.quietNamed) {
        t.quietNamed = true;
        ids.push(id);
      }
    }
    return { ids, more };
  }

  dispose(): void {
    this.release();
  }

  /**
   * The engine was restarted (its subscriptions ended with it): every stream is let go, so the next `sync` subscribes
   * again on the new engine. The prices held stay, as stale, until the new streams are live.
   */
  restarted(): void {
    this.release();
  }

  private release(): void {
    for (const h of [...this.favourites.values(), ...this.groups.values()]) h.sub.dispose();
    this.favourites.clear();
    this.groups.clear();
    this.coverage.clear();
    this.errors.clear();
  }

  private openGroup(exchange: string, symbol: string, ids: readonly string[]): GroupStream {
    const held: GroupStream = {
      ids,
      priced: symbol === EVERY_SYMBOL ? new Set() : undefined,
      live: false,
      retrying: undefined,
      failed: undefined,
      sub: this.engine.hub.subscribe({ kind: 'tickers', exchange, symbol }, (e) => {
        switch (e.type) {
          case 'tickers': {
            const changed: string[] = [];
            for (const t of e.tickers) {
              const id = rowId(exchange, t.symbol);
              this.tickers.set(id, { ticker: t.ticker, at: this.now(), quietNamed: false });
              held.priced?.add(id);
              changed.push(id);
            }
            this.changed(changed);
            return;
          }
          case 'state':
            this.setState(held, e.state, held.ids);
            return;
          case 'error':
            // The request was refused (an unknown market, an exchange gone from the settings): failed for good.
            this.setState(held, { status: 'failed', reason: e.message }, held.ids);
            return;
          default:
            assertNever(e);
        }
      }),
    };
    held.sub.ready.catch(() => undefined); // a refused request comes as an 'error' event too
    return held;
  }

  private put(id: string, ticker: Ticker): void {
    this.tickers.set(id, { ticker, at: this.now(), quietNamed: false });
    this.changed([id]);
  }

  private setState(held: Held, state: StreamState, ids: readonly string[]): void {
    const live = state.status === 'live' || state.status === 'degraded';
    const retrying = state.status === 'reconnecting' || state.status === 'retrying' ? state.reason : undefined;
    const failed = state.status === 'failed' ? state.reason : undefined;
    if (live === held.live && retrying === held.retrying && failed === held.failed) return;
    held.live = live;
    held.retrying = retrying;
    held.failed = failed;
    this.changed(ids);
  }
}

/** The group streams the groups showing need, by `exchange\0stream symbol`, with the rows each covers. */
function wantedStreams(shown: readonly ShownGroup[]): Map<string, { exchange: string; symbol: string; ids: string[] }> {
  const wanted = new Map<string, { exchange: string; symbol: string; ids: string[] }>();
  for (const { exchange, markets } of shown) {
    for (const symbol of tickerStreamSymbols(exchange, markets)) {
      const key = `${exchange}\u0000${symbol}`;
      let want = wanted.get(key);
      if (want === undefined) wanted.set(key, (want = { exchange, symbol, ids: [] }));
      // The stream of every market carries its spot markets' tickers only (Binance's contracts are named streams).
      const covered = symbol === EVERY_SYMBOL ? markets.filter(everyMarketStreamCovers).map((m) => m.symbol) : (symbolsOf(symbol) ?? []);
      for (const s of covered) want.ids.push(rowId(exchange, s));
    }
  }
  return wanted;
}

/** The same `exchange:SYMBOL` id as settings' favouriteId (not imported: this file stays free of vscode). */
const rowId = (exchange: string, symbol: string) => `${exchange}:${symbol}`;

function drop<K>(held: Map<K, { readonly sub: Subscription }>, wanted: ReadonlyMap<K, unknown>): void {
  for (const [k, h] of held) {
    if (wanted.has(k)) continue;
    h.sub.dispose();
    held.delete(k);
  }
}
