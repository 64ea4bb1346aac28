/**
 * The stream of every market's tickers, completed from REST once it starts. Binance's all-market arrays carry "only
 * tickers that have changed": a market that did not trade in the last second is not in them, so without a snapshot
 * an illiquid market's row would stay blank until its next trade, minutes or hours away.
 */
import { errorMessage } from '../util/log';
import type { ProExchange } from './ccxtLoader';

export type RawTickers = readonly (readonly [symbol: string, raw: unknown])[];

/** Tickers parsed this many at a time, a turn of the event loop apart: ccxt parsed Binance's 3,000 in one 56–84 ms stall. */
export const PARSE_CHUNK = 250;

/** The ccxt calls a snapshot uses: Binance's raw 24 h ticker endpoint (spot, what its arrays carry) where there is one. */
export type SnapshotExchange = Pick<ProExchange, 'has' | 'markets' | 'fetchTickers' | 'parseTickers'> & { publicGetTicker24hr?: (params?: object) => Promise<unknown> };

/**
 * Every trading market's ticker from REST, or none when the call fails (the stream's own tickers still come; the
 * failure is only logged). Never rejects.
 */
export async function everyTickerSnapshot(exchange: () => Promise<SnapshotExchange>, warn: (message: string) => void): Promise<RawTickers> {
  try {
    const ex = await exchange();
    if (!ex.has['fetchTickers']) return [];
    const all = await fetchEveryTicker(ex);
    const markets = (ex.markets ?? {}) as Record<string, { active?: unknown } | undefined>;
    // A market listed as not trading keeps its last ticker on REST: its row says "not trading" instead.
    return Object.entries(all).filter(([symbol]) => markets[symbol]?.active !== false);
  } catch (err) {
    warn(`markets that have not traded since the stream started show no price until they trade (the REST snapshot failed: ${errorMessage(err)})`);
    return [];
  }
}

/** ccxt's fetchTickers, or where the raw endpoint is known its answer parsed PARSE_CHUNK tickers per turn. */
async function fetchEveryTicker(ex: SnapshotExchange): Promise<Record<string, unknown>> {
  if (typeof ex.publicGetTicker24hr !== 'function') return asRecord(await ex.fetchTickers());
  const rows: unknown = await ex.publicGetTicker24hr({});
  if (!Array.isArray(rows)) throw new Error(`the 24 h tickers are not a list (${typeof rows})`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < rows.length; i += PARSE_CHUNK) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    Object.assign(out, asRecord(ex.parseTickers(rows.slice(i, i + PARSE_CHUNK))));
  }
  return out;
}

const asRecord = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

/**
 * One stream's snapshot: asked for on its first read and delivered by the first read it answers before the stream
 * does (a quiet exchange may send nothing for long), for the markets no read has carried since (theirs are newer).
 * A read that fails because the socket went asks again on the next: what changed while it was down is not sent
 * again.
 */
export class EveryTickerSeed {
  private snapshot: Promise<RawTickers> | undefined;
  private delivered = false;
  /** Markets the stream carried while the snapshot was on its way. */
  private readonly carried = new Set<string>();

  constructor(
    private readonly fetch: () => Promise<RawTickers>,
    /** Whether a failed read means the socket went (not a malformed message on a healthy one). */
    private readonly socketWent: (err: unknown) => boolean,
  ) {}

  /** One read of the stream: its batch, or the snapshot if that comes first (the stream's read then answers the next). */
  async read(stream: Promise<RawTickers>): Promise<RawTickers> {
    if (this.delivered) {
      try {
        return await stream;
      } catch (err) {
        if (this.socketWent(err)) this.reset();
        throw err;
      }
    }
    const snapshot = (this.snapshot ??= this.fetch());
    stream.catch(() => undefined); // lost to the snapshot: the next read awaits the same ccxt future and gets its failure
    let first: { streamed: boolean; tickers: RawTickers };
    try {
      first = await Promise.race([stream.then((tickers) => ({ streamed: true, tickers })), snapshot.then((tickers) => ({ streamed: false, tickers }))]);
    } catch (err) {
      if (this.snapshot === snapshot && this.socketWent(err)) this.reset();
      throw err;
    }
    if (this.snapshot !== snapshot) return first.streamed ? first.tickers : []; // reset meanwhile: a new start asks again
    if (first.streamed) {
      for (const [symbol] of first.tickers) this.carried.add(symbol);
      return first.tickers;
    }
    const rest = first.tickers.filter(([symbol]) => !this.carried.has(symbol));
    this.carried.clear();
    this.delivered = true;
    return rest;
  }

  /** The stream stopped: its next start asks again. */
  reset(): void {
    this.snapshot = undefined;
    this.delivered = false;
    this.carried.clear();
  }
}
