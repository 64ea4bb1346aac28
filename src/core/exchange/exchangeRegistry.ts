import { UnknownExchangeError } from '../errors';
import type { ClientLookup } from '../hub/validateRequest';
import { systemClock, type Clock } from '../util/clock';
import { errorMessage, scopedLogger, silentLogger, type Logger } from '../util/log';
import { Emitter } from '../../shared/util/emitter';
import type { Disposable } from '../../shared/util/disposable';
import { CcxtMarketDataClient, type CcxtClientOptions } from './ccxtClient';
import { flushCcxtCodeCache, useCcxtCodeCache } from './ccxtLoader';
import type { ExchangeSettings } from './exchangeSettings';
import { firstBarsExchange } from './firstBars/firstBarsExchange';
import type { FirstBarsExchange } from './firstBars/klinesShortcut';
import type { MarketDataClient } from './marketDataClient';
import { defaultMarketsCacheTiming, MarketsCache, type MarketsCacheOptions } from './marketsCache';

export type ClientFactory = (settings: ExchangeSettings) => MarketDataClient;

/** One client per configured exchange id, created on first use (which is when ccxt itself gets loaded). */
export class ExchangeRegistry implements ClientLookup {
  private readonly settings = new Map<string, ExchangeSettings>();
  private readonly clients = new Map<string, MarketDataClient>();
  private readonly create: ClientFactory;
  private readonly firstBarsAsked: boolean;
  private readonly marketsChanged: Emitter<[string]>;
  /** Each client's subscription to its markets' changes, ended with the client. */
  private readonly listening: Disposable[] = [];

  /**
   * `marketsCacheDir`: where each exchange's markets are kept between runs (none when omitted); `marketsCacheTiming`
   * overrides its defaults (tests). `codeCacheDir`: where V8's code cache of the ccxt chunk is kept (see ccxtLoader).
   * `firstBars`: a chart's first bars may be asked of the exchange without ccxt while its client is not made (see
   * firstBars()); for a window's charts: the headless bot has nothing to paint. `clientOptions`: each ccxt client's
   * knobs (tests).
   */
  constructor(
    settings: readonly ExchangeSettings[],
    opts: { clock?: Clock; log?: Logger; create?: ClientFactory; marketsCacheDir?: string; marketsCacheTiming?: Partial<Omit<MarketsCacheOptions, 'clock'>>; codeCacheDir?: string; firstBars?: boolean; clientOptions?: CcxtClientOptions } = {},
  ) {
    for (const s of settings) this.settings.set(s.id, s);
    this.firstBarsAsked = opts.firstBars === true;
    const log = opts.log ?? silentLogger;
    this.marketsChanged = new Emitter<[string]>((err) => log.error(`a markets listener threw: ${errorMessage(err)}`));
    if (opts.codeCacheDir) useCcxtCodeCache(opts.codeCacheDir, scopedLogger(log, 'code cache'));
    const clock = opts.clock ?? systemClock;
    const cache = opts.marketsCacheDir ? new MarketsCache(opts.marketsCacheDir, scopedLogger(log, 'markets cache'), { ...defaultMarketsCacheTiming, ...opts.marketsCacheTiming, clock }) : undefined;
    this.create = opts.create ?? ((s) => new CcxtMarketDataClient(s, clock, scopedLogger(log, s.id), cache, opts.clientOptions));
  }

  ids(): readonly string[] {
    return [...this.settings.keys()];
  }

  /** Fires with an exchange whose markets were downloaded again and list other markets, or others as trading. */
  onDidChangeMarkets(listener: (exchange: string) => void): Disposable {
    return this.marketsChanged.event(listener);
  }

  has(exchange: string): boolean {
    return this.settings.has(exchange);
  }

  /** How a chart's first bars are asked without ccxt (see ClientLookup.firstBars), while the exchange's client is not made. */
  firstBars(exchange: string): FirstBarsExchange | undefined {
    const s = this.settings.get(exchange);
    return !this.firstBarsAsked || s === undefined || this.clients.has(exchange) ? undefined : firstBarsExchange(s);
  }

  async get(exchange: string): Promise<MarketDataClient> {
    const existing = this.clients.get(exchange);
    if (existing) return existing;
    const s = this.settings.get(exchange);
    if (!s) throw new UnknownExchangeError(exchange, this.ids());
    const client = this.create(s);
    this.clients.set(exchange, client);
    const listening = client.onDidChangeMarkets?.(() => this.marketsChanged.fire(exchange));
    if (listening) this.listening.push(listening);
    return client;
  }

  /** Closes every client and writes a code cache still waiting for its delay. */
  async closeAll(): Promise<void> {
    for (const l of this.listening.splice(0)) l.dispose();
    await Promise.all([...[...this.clients.values()].map((c) => c.close()), flushCcxtCodeCache()]);
  }
}
