import { UnknownExchangeError } from '../errors';
import type { ClientLookup } from '../hub/validateRequest';
import { systemClock, type Clock } from '../util/clock';
import { scopedLogger, silentLogger, type Logger } from '../util/log';
import { CcxtMarketDataClient } from './ccxtClient';
import { flushCcxtCodeCache, useCcxtCodeCache } from './ccxtLoader';
import type { ExchangeSettings } from './exchangeSettings';
import type { MarketDataClient } from './marketDataClient';
import { defaultMarketsCacheTiming, MarketsCache, type MarketsCacheOptions } from './marketsCache';

export type ClientFactory = (settings: ExchangeSettings) => MarketDataClient;

/** One client per configured exchange id, created on first use (which is when ccxt itself gets loaded). */
export class ExchangeRegistry implements ClientLookup {
  private readonly settings = new Map<string, ExchangeSettings>();
  private readonly clients = new Map<string, MarketDataClient>();
  private readonly create: ClientFactory;

  /**
   * `marketsCacheDir`: where each exchange's markets are kept between runs (none when omitted); `marketsCacheTiming`
   * overrides its defaults (tests). `codeCacheDir`: where V8's code cache of the ccxt chunk is kept (see ccxtLoader).
   */
  constructor(settings: readonly ExchangeSettings[], opts: { clock?: Clock; log?: Logger; create?: ClientFactory; marketsCacheDir?: string; marketsCacheTiming?: Partial<Omit<MarketsCacheOptions, 'clock'>>; codeCacheDir?: string } = {}) {
    for (const s of settings) this.settings.set(s.id, s);
    const log = opts.log ?? silentLogger;
    if (opts.codeCacheDir) useCcxtCodeCache(opts.codeCacheDir, scopedLogger(log, 'code cache'));
    const clock = opts.clock ?? systemClock;
    const cache = opts.marketsCacheDir ? new MarketsCache(opts.marketsCacheDir, scopedLogger(log, 'markets cache'), { ...defaultMarketsCacheTiming, ...opts.marketsCacheTiming, clock }) : undefined;
    this.create = opts.create ?? ((s) => new CcxtMarketDataClient(s, clock, scopedLogger(log, s.id), cache));
  }

  ids(): readonly string[] {
    return [...this.settings.keys()];
  }

  has(exchange: string): boolean {
    return this.settings.has(exchange);
  }

  async get(exchange: string): Promise<MarketDataClient> {
    const existing = this.clients.get(exchange);
    if (existing) return existing;
    const s = this.settings.get(exchange);
    if (!s) throw new UnknownExchangeError(exchange, this.ids());
    const client = this.create(s);
    this.clients.set(exchange, client);
    return client;
  }

  /** Closes every client and writes a code cache still waiting for its delay. */
  async closeAll(): Promise<void> {
    await Promise.all([...[...this.clients.values()].map((c) => c.close()), flushCcxtCodeCache()]);
  }
}
