/**
 * The markets an emulated exchange lists, by market id and by unified symbol. A market's simulation (trade log,
 * order book, live trades) exists only once it is live; a listed market that nobody touched costs only its spec.
 */
import type { SymbolMarket } from './symbolMarket';
import type { MarketStatus, SymbolSpec } from './symbols';

export class MarketSet {
  private readonly specsById = new Map<string, SymbolSpec>();
  private readonly idsBySymbol = new Map<string, string>();
  private readonly liveById = new Map<string, SymbolMarket>();

  constructor(private readonly create: (spec: SymbolSpec) => SymbolMarket) {}

  /** Lists a market; `live` starts its simulation now (otherwise on first use). Throws on a duplicate. */
  add(spec: SymbolSpec, live: boolean): void {
    if (this.specsById.has(spec.id) || this.idsBySymbol.has(spec.symbol)) throw new Error(`duplicate emulator symbol ${spec.symbol}`);
    this.specsById.set(spec.id, spec);
    this.idsBySymbol.set(spec.symbol, spec.id);
    if (live) this.liveById.set(spec.id, this.create(spec));
  }

  /** The market (by id or unified symbol) is halted, delisted or trading from now on; throws if it is not listed. */
  setStatus(key: string, status: MarketStatus): SymbolSpec {
    const spec = this.spec(key);
    if (spec === undefined) throw new Error(`unknown emulator symbol '${key}'`);
    const changed = { ...spec, status };
    this.specsById.set(spec.id, changed);
    this.liveById.get(spec.id)?.setStatus(status);
    return changed;
  }

  /** The spec of a market by id ('BTCUSDT', 'BTC-USD') or unified symbol, without starting its simulation. */
  spec(key: string): SymbolSpec | undefined {
    return this.specsById.get(key) ?? this.specsById.get(this.idsBySymbol.get(key) ?? '');
  }

  /** The market by id or unified symbol, started if it was not live yet; undefined if it is not listed. */
  get(key: string): SymbolMarket | undefined {
    const spec = this.spec(key);
    if (spec === undefined) return undefined;
    let market = this.liveById.get(spec.id);
    if (market === undefined) {
      market = this.create(spec);
      this.liveById.set(spec.id, market);
    }
    return market;
  }

  /** The market by the exchange's own id only (a unified symbol is not a market id on the wire). */
  byId(id: string): SymbolMarket | undefined {
    return this.specsById.has(id) ? this.get(id) : undefined;
  }

  /** The market if its simulation runs, without starting it. */
  ifLive(id: string): SymbolMarket | undefined {
    return this.liveById.get(id);
  }

  /** Every listed market's spec, in listing order. */
  specs(): IterableIterator<SymbolSpec> {
    return this.specsById.values();
  }

  /** The markets whose simulation runs. */
  live(): IterableIterator<SymbolMarket> {
    return this.liveById.values();
  }

  /** Every listed market, starting the simulation of those that were not live yet. */
  *values(): IterableIterator<SymbolMarket> {
    for (const spec of this.specsById.values()) yield this.get(spec.id) as SymbolMarket;
  }

  get size(): number {
    return this.specsById.size;
  }

  /** Unified symbols, in listing order. */
  symbols(): string[] {
    return [...this.idsBySymbol.keys()];
  }
}
