/** Binance spot: REST under /api/v3, market streams under /ws and /stream, as the ExchangeProtocol of the core. */
import type { ExchangeProtocol, ProtocolHost, ProtocolTimer } from '../protocol';
import { handleRest, isRestPath } from '../restRoutes';
import type { RestResult } from '../restResult';
import { parseStream } from '../streams';
import type { SymbolMarket } from '../symbolMarket';
import type { DepthUpdate } from '../orderBook';
import type { EmulatorTrade, MalformedKind, RestFaultStatus } from '../types';
import { MarketFeed } from './feed';
import { badFieldsEvent } from './malformed';
import { sendMalformedFrames } from '../malformedFrames';
import { binanceRestFault } from './restFault';
import { BinanceStreams } from './ws';

/** Binance merges `@depth` diffs over 1 s. */
const DEPTH_BATCH_MS = 1000;

/** Every Binance answer reports the request weight used. */
function withWeight(result: RestResult): RestResult {
  return { ...result, headers: { 'x-mbx-used-weight': '1', 'x-mbx-used-weight-1m': '1', ...result.headers } };
}

export class BinanceProtocol implements ExchangeProtocol {
  readonly exchange = 'binance';
  private readonly streams: BinanceStreams;
  private readonly feed: MarketFeed;
  /** Stream prefix ('btcusdt') → market id ('BTCUSDT'). */
  private readonly idsByStreamId: Map<string, string>;
  private readonly streamIds: ReadonlySet<string>;

  constructor(
    private readonly host: ProtocolHost,
    private readonly tickerIntervalMs: number,
  ) {
    this.idsByStreamId = new Map([...host.markets.specs()].map((spec) => [spec.streamId, spec.id]));
    this.streamIds = new Set(this.idsByStreamId.keys());
    this.streams = new BinanceStreams((name) => this.isTopic(name), host.delayMs, host.changed);
    this.feed = new MarketFeed(this.streams, host.markets, host.now);
  }

  get hub(): BinanceStreams['hub'] {
    return this.streams.hub;
  }

  isRestPath(pathname: string): boolean {
    return isRestPath(pathname);
  }

  handleRest(method: string, url: URL): RestResult {
    const markets = this.host.markets;
    return withWeight(handleRest(method, url.pathname, url.searchParams, { now: this.host.now, markets: { get: (id) => markets.byId(id), values: () => markets.live(), specs: () => markets.specs() } }));
  }

  restFault(status: RestFaultStatus, retryAfterSec: number): RestResult {
    return withWeight(binanceRestFault(status, retryAfterSec));
  }

  tradeAppended(market: SymbolMarket, index: number): void {
    this.feed.publishTrade(market, index);
  }

  bookStepped(market: SymbolMarket, update: DepthUpdate): void {
    this.feed.publishBookStep(market, update);
  }

  timers(): readonly ProtocolTimer[] {
    return [
      { periodMs: DEPTH_BATCH_MS, run: () => this.feed.flushDepthBatches() },
      { periodMs: this.tickerIntervalMs, run: () => this.feed.pushTickers() },
    ];
  }

  isTopic(topic: string): boolean {
    return parseStream(topic, this.streamIds) !== undefined;
  }

  topicMarketId(topic: string): string | undefined {
    const parsed = parseStream(topic, this.streamIds);
    return parsed?.kind === 'symbol' ? this.idsByStreamId.get(parsed.streamId) : undefined;
  }

  sendMalformed(kind: MalformedKind, stream?: string): number {
    return sendMalformedFrames(this.hub, kind, stream, (name) => {
      const parsed = parseStream(name, this.streamIds);
      if (parsed?.kind !== 'symbol') return 0;
      const count = this.hub.subscribersOf(name).size;
      this.streams.publish(name, badFieldsEvent(name, this.idsByStreamId.get(parsed.streamId) as string, this.host.now()));
      return count;
    });
  }

  wireTradeId(_market: SymbolMarket, trade: EmulatorTrade): string {
    return String(trade.id);
  }

}
