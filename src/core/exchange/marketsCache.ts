/** ccxt's markets of each exchange on disk, so a restart has them at once; a stale or corrupt file (or another ccxt's) is replaced, never trusted. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../util/clock';
import { errorMessage, type Logger } from '../util/log';
import { isOtherProcessRunning, tempFileOf, writeAtomic } from '../util/writeAtomic';
import type { ExchangeSettings } from './exchangeSettings';
import { ccxtVersion } from './ccxtVersion';
import { checkMarket } from './normalize';
import { show } from './plausible';

const FORMAT_VERSION = 1;
/** Far above a real listing (Binance's several MB of exchangeInfo make about 10 MB here); a bigger file is not read. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_MARKETS = 100_000;

export type CcxtMarket = Record<string, unknown>;

export interface CachedMarkets {
  readonly savedAt: number;
  /** ccxt's unified market structures, as `exchange.setMarkets()` takes them. */
  readonly markets: readonly CcxtMarket[];
  readonly currencies: Record<string, unknown> | undefined;
}

export interface MarketsCacheOptions {
  /** Older than this, a file is stale: removed and downloaded again before use. */
  readonly ttlMs: number;
  /** Older than this (and younger than the TTL), a file is used and refreshed in the background. */
  readonly refreshAfterMs: number;
  /**
   * Markets just downloaded are saved this long after (at once when the client closes): the save is a JSON.stringify
   * of megabytes on the extension host's thread, and right after the download is when a first chart's history
   * answer arrives.
   */
  readonly saveDelayMs: number;
  readonly clock: Clock;
}

export const defaultMarketsCacheTiming = { ttlMs: 7 * 24 * 3600_000, refreshAfterMs: 3600_000, saveDelayMs: 3000 } as const;

/** Where markets come from: markets saved for one source are never served for another. */
export function marketsSource(settings: ExchangeSettings): string {
  return JSON.stringify([settings.id, settings.endpoint ?? null, settings.sandbox ?? false, settings.options ?? null]);
}

/**
 * One JSON file per exchange id. A file records where its markets came from (`source`: the exchange id, endpoint,
 * sandbox and options), so markets of an emulator or a testnet are never served for the real exchange.
 */
export class MarketsCache {
  /** The files whose leftover temp files were swept by this process. */
  private readonly swept = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly opts: MarketsCacheOptions,
  ) {}

  file(exchange: string): string {
    return path.join(this.dir, `${exchange.replace(/[^a-z0-9]/g, '_')}.json`);
  }

  /** The cached markets, or undefined when there are none that can be trusted (a bad file is removed, and logged). */
  async load(exchange: string, source: string): Promise<CachedMarkets | undefined> {
    const file = this.file(exchange);
    let text: string;
    try {
      const stat = await fs.stat(file);
      if (stat.size > MAX_FILE_BYTES) return await this.discard(file, `it is ${stat.size} bytes, more than ${MAX_FILE_BYTES}`);
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`cannot read the markets cache ${file}: ${errorMessage(err)}`);
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return this.discard(file, `it is not JSON (${errorMessage(err)})`);
    }
    const parsed = parseCacheFile(raw, exchange, source);
    if (typeof parsed === 'string') return this.discard(file, parsed);
    const age = this.opts.clock.now() - parsed.savedAt;
    if (age < -24 * 3600_000) return this.discard(file, `it was saved in the future (${new Date(parsed.savedAt).toISOString()})`);
    if (age > this.opts.ttlMs) return this.discard(file, `it is stale (saved ${Math.round(age / 3600_000)} h ago, older than ${Math.round(this.opts.ttlMs / 3600_000)} h)`);
    return parsed;
  }

  /** How long after a download the client saves it (see MarketsCacheOptions.saveDelayMs). */
  get saveDelayMs(): number {
    return this.opts.saveDelayMs;
  }

  /** How old markets in use may get before they are downloaded again (a file's, or the client's while it streams). */
  get refreshAfterMs(): number {
    return this.opts.refreshAfterMs;
  }

  /** Whether markets saved at `savedAt` are due for a background refresh. */
  dueForRefresh(savedAt: number): boolean {
    return this.opts.clock.now() - savedAt > this.opts.refreshAfterMs;
  }

  async save(exchange: string, source: string, markets: readonly CcxtMarket[], currencies: Record<string, unknown> | undefined): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await this.sweepLeftovers(exchange);
    const body = { version: FORMAT_VERSION, ccxt: ccxtVersion(), exchange, source, savedAt: this.opts.clock.now(), markets, currencies: currencies ?? null };
    await writeAtomic(this.file(exchange), JSON.stringify(body));
  }

  /**
   * A save killed between its temp file and the rename leaves `<file>.<pid>.<n>.tmp` behind (Binance's about 10 MB).
   * Before an exchange's first save in this process, those of processes no longer running are removed; a live one's
   * (another window sharing the cache) is its save in progress, and this process's own are its saves in flight.
   */
  private async sweepLeftovers(exchange: string): Promise<void> {
    const target = path.basename(this.file(exchange));
    if (this.swept.has(target)) return;
    this.swept.add(target);
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      const temp = tempFileOf(name);
      if (!temp || temp.target !== target || temp.pid === process.pid || isOtherProcessRunning(temp.pid)) continue;
      await fs.rm(path.join(this.dir, name), { force: true });
      this.log.info(`removed ${name}, left by an interrupted save of the markets cache`);
    }
  }

  private async discard(file: string, why: string): Promise<undefined> {
    this.log.warn(`markets cache ${file} is not used: ${why}; it is removed and the markets are downloaded again`);
    await fs.rm(file, { force: true });
    return undefined;
  }
}

/** The file's content, or what is wrong with it (naming the field). */
export function parseCacheFile(raw: unknown, exchange: string, source: string): CachedMarkets | string {
  if (!isRecord(raw)) return `expected an object, got ${show(raw)}`;
  if (raw.version !== FORMAT_VERSION) return `version is ${show(raw.version)}, expected ${FORMAT_VERSION}`;
  // Its markets are ccxt's parse of the exchange's listing: another version may parse them otherwise.
  if (raw.ccxt !== ccxtVersion()) return `it was written by ccxt ${show(raw.ccxt)}, this is ccxt ${ccxtVersion()}`;
  if (raw.exchange !== exchange) return `it holds the markets of ${show(raw.exchange)}, not "${exchange}"`;
  if (raw.source !== source) return `it was saved for another endpoint or options (${show(raw.source)})`;
  if (typeof raw.savedAt !== 'number' || !Number.isFinite(raw.savedAt) || raw.savedAt <= 0) return `savedAt is ${show(raw.savedAt)}, expected a time in ms`;
  if (!Array.isArray(raw.markets) || raw.markets.length === 0 || raw.markets.length > MAX_MARKETS) return `markets is not a list of 1 to ${MAX_MARKETS} markets`;
  const markets: CcxtMarket[] = [];
  for (const [i, m] of raw.markets.entries()) {
    const problem = marketProblem(m);
    if (problem) return `markets[${i}]: ${problem}`;
    markets.push(m as CcxtMarket);
  }
  if (raw.currencies !== null && !isRecord(raw.currencies)) return `currencies is ${show(raw.currencies)}, expected an object or null`;
  return { savedAt: raw.savedAt, markets, currencies: raw.currencies ?? undefined };
}

/** What ccxt's setMarkets and the calls after it rely on: ids and names, a type, precision and limits objects. */
function marketProblem(m: unknown): string | undefined {
  if (!isRecord(m)) return `not an object: ${show(m)}`;
  for (const key of ['id', 'symbol', 'base', 'quote', 'type'] as const) {
    if (typeof m[key] !== 'string' || (m[key] as string).length === 0) return `${key} is ${show(m[key])}, expected a name`;
  }
  for (const key of ['precision', 'limits'] as const) if (!isRecord(m[key])) return `${key} is ${show(m[key])}, expected an object`;
  if (m.active !== undefined && m.active !== null && typeof m.active !== 'boolean') return `active is ${show(m.active)}, expected true or false`;
  // The precision mode does not matter here: only the names and fields are checked.
  const checked = checkMarket(m, undefined);
  return checked.ok ? undefined : checked.issue;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
