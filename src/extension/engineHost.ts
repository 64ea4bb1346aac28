import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ExchangeRegistry } from '../core/exchange/exchangeRegistry';
import { MarketHub } from '../core/hub/marketHub';
import { ReplayRegistry } from '../core/replay/replayRegistry';
import { startLagWatchdog } from '../core/watchdog/lagWatchdog';
import { errorMessage, scopedLogger, type Logger } from '../core/util/log';
import type { Disposable } from '../shared/util/disposable';
import { Emitter } from '../shared/util/emitter';
import type { ClickHouseConnection } from '../core/record/clickHouseHttp';
import type { RecordSource } from '../core/record/recordSource';
import { clickHouseConnection, recordSourceFor } from '../core/record/recordStoreChoice';
import type { Settings } from './settings';

/**
 * Owns the market engine inside the extension host. Nothing is constructed at activation: the hub (and with it
 * ccxt, on its first request) comes to life when the first view needs it.
 */
export class EngineHost {
  private current: { hub: MarketHub; registry: ExchangeRegistry; replays: ReplayRegistry; watchdog: Disposable; marketsListening: Disposable } | undefined;
  private warmed = false;
  /** The exchanges whose markets the warm-up has in hand (for tests and benchmarks: what the Markets tree can list at once). */
  private readonly warmMarkets = new Set<string>();
  /** Outlives an engine restart: the Markets tree listens once, whichever hub runs. */
  private readonly marketsChanged = new Emitter<[string]>((err) => this.log.error(`a markets listener threw: ${errorMessage(err)}`));
  /** Fires with an exchange whose markets were downloaded again and list other markets, or others as trading. */
  readonly onDidChangeMarkets = this.marketsChanged.event;

  constructor(
    private readonly settings: () => Settings,
    private readonly storage: vscode.Uri,
    private readonly log: Logger,
  ) {}

  get hub(): MarketHub {
    return this.engine().hub;
  }

  /** The replays opened (each a market of the hub's while a panel holds it), read from the recording directory. */
  get replays(): ReplayRegistry {
    return this.engine().replays;
  }

  /** Where recordings are kept and replays read from. */
  get recordingRoot(): string {
    return this.settings().recordingDirectory || path.join(this.storage.fsPath, 'recordings');
  }

  /** The ClickHouse server recordings go to, when `tradesuite.recording.store` is `clickhouse`. */
  get clickHouse(): ClickHouseConnection | undefined {
    const r = this.settings().recording;
    return r.store === 'clickhouse' ? clickHouseConnection(r.clickhouse.url, r.clickhouse.database, r.clickhouse.user) : undefined;
  }

  /** Where replays, backtests and the Recordings node read recordings from (the store in settings). */
  get recordSource(): RecordSource {
    return recordSourceFor(this.recordingRoot, this.clickHouse);
  }

  private engine(): NonNullable<EngineHost['current']> {
    if (!this.current) {
      const s = this.settings();
      const registry = new ExchangeRegistry(s.exchanges, {
        log: scopedLogger(this.log, 'exchange'),
        marketsCacheDir: path.join(s.cacheDirectory || this.storage.fsPath, 'markets'),
        codeCacheDir: path.join(s.cacheDirectory || this.storage.fsPath, 'code'),
        firstBars: true,
      });
      const replays = new ReplayRegistry(registry, { source: () => this.recordSource, log: scopedLogger(this.log, 'replay') });
      const hub = new MarketHub({
        clients: replays,
        cacheDir: s.cacheDirectory || path.join(this.storage.fsPath, 'candles'),
        log: this.log,
        historyBars: s.historyBars,
      });
      const watchdog = startLagWatchdog({ log: scopedLogger(this.log, 'watchdog'), thresholdMs: 200 });
      const marketsListening = hub.onDidChangeMarkets((exchange) => this.marketsChanged.fire(exchange));
      this.current = { hub, registry, replays, watchdog, marketsListening };
      this.log.info(`engine started with exchanges: ${registry.ids().join(', ') || '(none)'}`);
    }
    return this.current;
  }

  /**
   * Loads ccxt and every exchange's markets (from the disk cache when it has them) in the background, once the
   * TradeSuite view or a panel is visible, so the tree, Find Market… and a chart find them ready. Never called at
   * activation; failures are left to the view that needs the markets, which shows them. `first`: the exchange a panel
   * shows, whose markets load alone before the others' (parsing thousands of markets holds the extension host, and
   * the panel's first bars wait for its own).
   */
  warm(first?: string): void {
    if (this.warmed) return;
    this.warmed = true;
    const hub = this.hub;
    const load = (exchange: string) =>
      hub.markets(exchange).then(
        () => void (this.current?.hub === hub && this.warmMarkets.add(exchange)),
        (err: unknown) => this.log.debug(`warming the ${exchange} markets: ${errorMessage(err)}`),
      );
    const all = hub.exchanges();
    const head = first !== undefined && all.includes(first) ? load(first) : Promise.resolve();
    void head.then(() => {
      if (this.current?.hub !== hub) return; // stopped meanwhile
      for (const exchange of all) if (exchange !== first) void load(exchange);
    });
  }

  /** The exchanges whose markets the background warm-up has loaded. */
  get marketsWarm(): readonly string[] {
    return [...this.warmMarkets];
  }

  get started(): boolean {
    return this.current !== undefined;
  }

  /** Stops every stream and closes every socket; the next use starts afresh (e.g. with changed settings). */
  async stop(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    this.warmed = false;
    this.warmMarkets.clear();
    if (!c) return;
    c.watchdog.dispose();
    c.marketsListening.dispose();
    // Each closes whatever the one before did: a hub whose close failed must not leave the exchanges' sockets open.
    let first: { readonly error: unknown } | undefined;
    const steps = [['the hub', () => c.hub.close()], ['the replays', () => c.replays.closeAll()], ['the exchanges', () => c.registry.closeAll()]] as const;
    for (const [what, close] of steps) {
      try {
        await close();
      } catch (error) {
        // The first is thrown to the caller; a later one would be lost unless said here.
        if (first) this.log.error(`engine stop: ${what} did not close either: ${errorMessage(error)}`);
        first ??= { error };
      }
    }
    if (first) throw first.error;
  }
}
