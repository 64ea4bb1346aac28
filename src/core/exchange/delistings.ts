/**
 * Markets the exchange no longer knows although the markets in use list them: they came from the cache (trusted for
 * a day) and were delisted since. Binance then answers REST for the symbol with "Invalid symbol" (ccxt's BadSymbol)
 * and accepts its stream subscriptions without ever sending anything, so without this a chart, a book or a favourite
 * of such a market would wait forever. A BadSymbol, or a trades, ticker or book stream silent for
 * SILENT_FIRST_WATCH_MS after it started, makes the markets worth downloading again (see MarketsRecheck); a market
 * they (or a background refresh) no longer list as trading fails every call and every waiting watch of it with a
 * NoLongerListedError, which the streams treat as final.
 */
import { NoLongerListedError } from '../errors';
import { classNames } from '../streams/errorKind';

/** A trades, ticker or book stream that has sent nothing for this long after it started makes its market doubtful. */
export const SILENT_FIRST_WATCH_MS = 20_000;

export interface DelistingsOptions {
  readonly exchange: string;
  /**
   * Of `symbols`, those the markets downloaded again no longer list as trading; undefined when the markets in use are
   * too recent to doubt.
   */
  readonly unlisted: (symbols: readonly string[]) => Promise<readonly string[]> | undefined;
  readonly silentMs?: number;
}

export class Delistings {
  private readonly gone = new Map<string, NoLongerListedError>();
  /** Per symbol, the watches waiting for their first answer: rejected once the symbol is found gone. */
  private readonly waiting = new Map<string, Set<(err: Error) => void>>();
  /** Stream keys (kind and symbol) that have answered since they started: their watches go straight to ccxt. */
  private readonly answered = new Set<string>();
  /** Checks of a symbol's listing in progress. */
  private readonly doubts = new Map<string, Promise<boolean>>();

  constructor(private readonly opts: DelistingsOptions) {}

  /** Throws the market's NoLongerListedError once it was found gone. */
  assertListed(symbol: string): void {
    const err = this.gone.get(symbol);
    if (err) throw err;
  }

  /**
   * A call for `symbol` failed with `err`: a BadSymbol makes its listing doubtful, and the error to throw is the
   * NoLongerListedError when the markets downloaded again confirm it, else `err` as it is.
   */
  async failed(symbol: string, err: unknown): Promise<unknown> {
    if (!classNames(err).includes('BadSymbol')) return err;
    return (await this.doubt(symbol)) ? (this.gone.get(symbol) ?? err) : err;
  }

  /** Whether the stream `key` has answered since it started (its watches go straight to ccxt). */
  hasAnswered(key: string): boolean {
    return this.answered.has(key);
  }

  /**
   * A stream's watch: until the stream has answered once, it fails as soon as its market is found gone, and (when
   * `silentDoubts`) a first answer later than the silent limit makes the market doubtful. A first answer that
   * `showsTrading` says is no sign of the market trading (only old trades: Coinbase answers a subscribe with its
   * last trades, a halted market's too) is given only once the markets list the market as trading (see stillListed). Afterwards `call` as it is.
   */
  watch<T>(key: string, symbol: string, silentDoubts: boolean, call: () => Promise<T>, showsTrading?: (value: T) => boolean): Promise<T> {
    if (this.answered.has(key)) return call();
    this.assertListed(symbol);
    return new Promise<T>((resolve, reject) => {
      const waiters = this.waiting.get(symbol) ?? new Set<(err: Error) => void>();
      this.waiting.set(symbol, waiters);
      const timer = silentDoubts ? setTimeout(() => void this.doubt(symbol), this.opts.silentMs ?? SILENT_FIRST_WATCH_MS) : undefined;
      timer?.unref?.();
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        waiters.delete(fail);
        if (waiters.size === 0 && this.waiting.get(symbol) === waiters) this.waiting.delete(symbol);
      };
      const fail = (err: Error) => {
        if (settled) return;
        settle();
        reject(err);
      };
      waiters.add(fail);
      const answer = (value: T) => {
        if (settled) return;
        settle();
        this.answered.add(key);
        resolve(value);
      };
      call().then(
        (value) => {
          if (settled) return;
          // Found gone, the check has failed this watch already (markGone).
          if (showsTrading && !showsTrading(value)) this.stillListed(symbol).then((listed) => listed && answer(value), (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
          else answer(value);
        },
        (err: unknown) => {
          if (settled) return;
          settle();
          void this.failed(symbol, err).then(reject);
        },
      );
    });
  }

  /**
   * The markets were downloaded again: the markets of streams (waiting for a first answer, or answering) that they no
   * longer list as trading are gone. A waiting watch fails now; an answering stream's watch goes straight to ccxt and
   * fails when the stream starts again (the hub restarts those streams: MarketHub's markets-change handling).
   */
  marketsDownloaded(trades: (symbol: string) => boolean): void {
    const symbols = new Set(this.waiting.keys());
    for (const key of this.answered) symbols.add(key.slice(key.indexOf(' ') + 1));
    for (const symbol of symbols) if (!this.gone.has(symbol) && !trades(symbol)) this.markGone(symbol);
    for (const symbol of [...this.gone.keys()]) if (trades(symbol)) this.gone.delete(symbol); // trading again
  }

  /**
   * Whether the markets list `symbol` as trading, checked again when they are old enough to doubt (a stream the exchange
   * confirmed, silent since: Binance confirms a delisted market's too). Found gone, it is gone as after a BadSymbol.
   */
  async stillListed(symbol: string): Promise<boolean> {
    return !(await this.doubt(symbol));
  }

  /** A stream stopped: its next start waits for a first answer again. */
  stopped(key: string): void {
    this.answered.delete(key);
  }

  /** Whether the markets downloaded again find `symbol` gone (false when they are too recent to doubt); one check per symbol at a time. */
  private doubt(symbol: string): Promise<boolean> {
    if (this.gone.has(symbol)) return Promise.resolve(true);
    let check = this.doubts.get(symbol);
    if (check) return check;
    const unlisted = this.opts.unlisted([symbol]);
    if (!unlisted) return Promise.resolve(false);
    check = unlisted.then(
      (symbols) => {
        if (symbols.includes(symbol)) this.markGone(symbol);
        return symbols.includes(symbol);
      },
      () => false,
    );
    this.doubts.set(symbol, check);
    void check.finally(() => this.doubts.delete(symbol));
    return check;
  }

  private markGone(symbol: string): void {
    const err = new NoLongerListedError(this.opts.exchange, symbol);
    this.gone.set(symbol, err);
    for (const fail of [...(this.waiting.get(symbol) ?? [])]) fail(err);
    this.waiting.delete(symbol);
  }
}
