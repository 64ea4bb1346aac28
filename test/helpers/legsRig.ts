/** The aggregate tests' rig: one emulator per leg of LEGS, the real ccxt against them, and one hub over all three. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import { defaultBackoff, type BackoffPolicy } from '../../src/core/streams/backoff';
import type { Logger } from '../../src/core/util/log';
import { ExchangeEmulator, type EmulatorOptions, type ExchangeId } from '../../src/emulator';
import { LEGS } from './aggregateTruth';

/** The streams' reconnect backoff in the aggregate tests: short, so a reconnect takes a fraction of a second. */
export const SHORT_BACKOFF: BackoffPolicy = { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 };

/** `production`: the extension's own (500 ms doubling to 30 s, half of it jittered), as the e2e runs it. */
export type LegsBackoff = BackoffPolicy | 'production';

export class LegsRig {
  private constructor(
    readonly emulators: ReadonlyMap<ExchangeId, ExchangeEmulator<ExchangeId>>,
    readonly registry: ExchangeRegistry,
    readonly hub: MarketHub,
    private readonly cacheDir: string | undefined,
  ) {}

  /**
   * Every leg's emulator with `options`; the hub's candle cache in a temporary directory unless `cache` is false; the
   * streams' reconnect backoff short (SHORT_BACKOFF) unless `backoff` is given.
   */
  static async start(options: Omit<EmulatorOptions, 'exchange'>, log: Logger, cache = true, backoff: LegsBackoff = SHORT_BACKOFF): Promise<LegsRig> {
    const emulators = new Map<ExchangeId, ExchangeEmulator<ExchangeId>>();
    for (const { exchange } of LEGS) emulators.set(exchange, await ExchangeEmulator.start<ExchangeId>({ ...options, exchange }));
    const cacheDir = cache ? await fs.mkdtemp(path.join(os.tmpdir(), 'ts-legs-')) : undefined;
    const registry = new ExchangeRegistry([...emulators.values()].map((e) => ({ id: e.exchange, endpoint: e.url })), { log });
    const hub = new MarketHub({ clients: registry, ...(cacheDir ? { cacheDir } : {}), log, backoff: backoff === 'production' ? defaultBackoff : backoff });
    return new LegsRig(emulators, registry, hub, cacheDir);
  }

  /** The emulator of `exchange` (a leg's). */
  emulator(exchange: ExchangeId): ExchangeEmulator<ExchangeId> {
    const e = this.emulators.get(exchange);
    if (!e) throw new Error(`no emulator for ${exchange} among the legs`);
    return e;
  }

  async close(): Promise<void> {
    await this.hub.close();
    await this.registry.closeAll();
    for (const e of this.emulators.values()) await e.close();
    if (this.cacheDir) await fs.rm(this.cacheDir, { recursive: true, force: true });
  }
}
