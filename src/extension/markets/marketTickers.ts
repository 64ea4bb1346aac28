import type { Subscription } from '../../core/hub/requests';
import { EVERY_SYMBOL } from '../../core/keys';
import type { StreamState, Ticker } from '../../core/types';
import type { EngineHost } from '../engineHost';

/** A market's ticker as a tree row shows it: the ticker, and whether its stream is live. */
export interface RowTicker {
  readonly ticker: Ticker | undefined;
  /** Epoch ms of the last update, when it is older than STALE_AFTER_MS or the stream is not live. */
  readonly staleSince: number | undefined;
  /** Why a favourite's stream failed for good (e.g. the market is delisted): the row says so instead of waiting. */
  readonly error?: string;
}

/** A row whose stream is live but has not updated for this long is shown as stale. */
export const STALE_AFTER_MS = 10_000;

interface Held {
  readonly sub: Subscription;
  live: boolean;
}

/**
 * The ticker subscriptions behind the Markets tree: one per-symbol stream per favourite, and one multi-symbol stream
 * per exchange ('tickers', ccxt watchTickers) while a quote group of that exchange is showing. Each update names the
 * rows that changed; `sync` is idempotent and disposes what is no longer wanted.
 */
export class MarketTickers {
  private readonly tickers = new Map<string, { ticker: Ticker; at: number }>();
  private readonly favourites = new Map<string, Held>();
  private readonly exchanges = new Map<string, Held>();
  private readonly errors = new Map<string, string>();

  constructor(
    private readonly engine: Pick<EngineHost, 'hub'>,
    private readonly changed: (ids: readonly string[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wanted: favourites as `exchange:symbol` ids, and the exchanges with a quote group showing. */
  sync(favourites: readonly { exchange: string; symbol: string }[], exchanges: readonly string[]): void {
    const favIds = new Map(favourites.map((f) => [rowId(f.exchange, f.symbol), f]));
    drop(this.favourites, favIds);
    for (const id of [...this.errors.keys()]) if (!this.favourites.has(id)) this.errors.delete(id);
    drop(this.exchanges, new Map(exchanges.map((e) => [e, e])));
    // Prices no stream keeps current are forgotten: a row shows a price only while something updates it.
    for (const id of [...this.tickers.keys()]) {
      if (!favIds.has(id) && !this.exchanges.has(splitRowId(id)[0])) this.tickers.delete(id);
    }
    for (const [id, f] of favIds) {
      if (this.favourites.has(id)) continue;
      const held: Held = {
        live: false,
        sub: this.engine.hub.subscribe({ kind: 'ticker', ...f }, (e) => {
          if (e.type === 'ticker') this.put(id, e.ticker);
          else if (e.type === 'state') this.setLive(held, e.state, [id]);
          else if (e.type === 'error') {
            this.errors.set(id, e.message);
            this.changed([id]);
          }
        }),
      };
      this.favourites.set(id, held);
    }
    for (const exchange of exchanges) {
      if (this.exchanges.has(exchange)) continue;
      const held: Held = {
        live: false,
        sub: this.engine.hub.subscribe({ kind: 'tickers', exchange, symbol: EVERY_SYMBOL }, (e) => {
          if (e.type === 'tickers') {
            const ids: string[] = [];
            for (const t of e.tickers) {
              const id = rowId(exchange, t.symbol);
              this.tickers.set(id, { ticker: t.ticker, at: this.now() });
              ids.push(id);
            }
            this.changed(ids);
          } else if (e.type === 'state') this.setLive(held, e.state, this.idsOf(exchange));
        }),
      };
      this.exchanges.set(exchange, held);
    }
  }

  /** Whether the multi-symbol stream of an exchange is held (for tests and the debug state). */
  holds(exchange: string): boolean {
    return this.exchanges.has(exchange);
  }

  row(exchange: string, symbol: string): RowTicker {
    const id = rowId(exchange, symbol);
    const t = this.tickers.get(id);
    const held = this.favourites.get(id) ?? this.exchanges.get(exchange);
    const error = this.errors.get(id);
    if (error !== undefined) return { ticker: t?.ticker, staleSince: undefined, error };
    if (!t) return { ticker: undefined, staleSince: undefined };
    const stale = (held !== undefined && !held.live) || this.now() - t.at > STALE_AFTER_MS;
    return { ticker: t.ticker, staleSince: stale ? t.at : undefined };
  }

  /** Rows shown as stale now (their age text changes every second). */
  staleRows(): string[] {
    return [...this.tickers.keys()].filter((id) => {
      const [exchange = '', symbol = ''] = splitRowId(id);
      return this.row(exchange, symbol).staleSince !== undefined;
    });
  }

  dispose(): void {
    for (const h of [...this.favourites.values(), ...this.exchanges.values()]) h.sub.dispose();
    this.favourites.clear();
    this.exchanges.clear();
    this.errors.clear();
  }

  private put(id: string, ticker: Ticker): void {
    this.tickers.set(id, { ticker, at: this.now() });
    this.changed([id]);
  }

  private setLive(held: Held, state: StreamState, ids: readonly string[]): void {
    const live = state.status === 'live';
    if (live === held.live) return;
    held.live = live;
    this.changed(ids);
  }

  private idsOf(exchange: string): string[] {
    const prefix = `${exchange}:`;
    return [...this.tickers.keys()].filter((id) => id.startsWith(prefix));
  }
}

/** The same `exchange:SYMBOL` id as settings' favouriteId (not imported: this file stays free of vscode). */
const rowId = (exchange: string, symbol: string) => `${exchange}:${symbol}`;
const splitRowId = (id: string): [string, string] => {
  const i = id.indexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
};

function drop<K>(held: Map<K, Held>, wanted: ReadonlyMap<K, unknown>): void {
  for (const [k, h] of held) {
    if (wanted.has(k)) continue;
    h.sub.dispose();
    held.delete(k);
  }
}
