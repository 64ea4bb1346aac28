import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import type { EmulatorOptions, ExchangeId } from '../../src/emulator';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { EXCHANGE_CLOCK_SLACK_MS } from '../../src/core/exchange/plausible';
import { loadCcxt } from '../../src/core/exchange/ccxtLoader';
import type { CcxtClientOptions } from '../../src/core/exchange/ccxtClient';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { HubEvent, SubscriptionRequest, EventFor } from '../../src/core/hub/requests';
import type { Logger } from '../../src/core/util/log';
import type { Clock } from '../../src/core/util/clock';
import { applyDeltas } from './applyDeltas';
export { applyDeltas };
import type { Candle } from '../../src/core/types';

export interface CapturedLog extends Logger {
  readonly lines: string[];
  /** Resolves with the first line (logged so far or later) matching `pattern`; rejects after `timeoutMs`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function captureLog(echo = process.env.TS_TEST_LOG === '1'): CapturedLog {
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const put = (level: string) => (m: string) => {
    const line = `${level} ${m}`;
    lines.push(line);
    if (echo) console.log(`    [${level}] ${m}`);
    for (const w of [...waiters]) w(line);
  };
  const line = (pattern: RegExp, timeoutMs = 10_000): Promise<string> => {
    const found = lines.find((l) => pattern.test(l));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`));
      }, timeoutMs);
      const waiter = (l: string) => {
        if (!pattern.test(l)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(l);
      };
      waiters.add(waiter);
    });
  };
  return { lines, line, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/** A real emulator, the real ccxt pointed at it, and a hub on top: the integration-test rig. */
export class Rig<E extends ExchangeId = 'binance'> {
  private constructor(
    readonly emulator: ExchangeEmulator<E>,
    readonly registry: ExchangeRegistry,
    readonly hub: MarketHub,
    readonly log: CapturedLog,
    readonly cacheDir: string,
    readonly historyBars: number,
    private readonly clientOptions: CcxtClientOptions,
  ) {}

  /** `emu.exchange` picks the protocol (default binance); the hub's registry holds that one exchange. */
  static async start<X extends ExchangeId = 'binance'>(emu: EmulatorOptions & { exchange?: X } = {}, hubOptions: { cacheDir?: string; historyBars?: number; restMaxAttempts?: number; restConcurrencyPerExchange?: number; backfillMaxAttempts?: number; clock?: Clock; derivativesPollMs?: number; derivativesPollSpacingMs?: number; exchangeOptions?: Record<string, unknown>; firstBars?: boolean; strictTradeClock?: boolean } = {}): Promise<Rig<X>> {
    // ccxt's first load, once a process, is not what a test's waits are about: at load 23 on 2 cores it took 25 s,
    // and the first test of a file timed out waiting 10–20 s for its first snapshot or ticker.
    await loadCcxt();
    const emulator = await ExchangeEmulator.start<X>({ seed: 7, ...emu });
    const log = captureLog();
    const cacheDir = hubOptions.cacheDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'ts-rig-')));
    // Most of these tests compress time: they play trades stamped seconds apart at once, minutes past the exchange's
    // clock. `strictTradeClock` holds trades to the product's bound (ExchangeClock) instead.
    const clientOptions: CcxtClientOptions = hubOptions.strictTradeClock === true ? {} : { freshClockSlackMs: EXCHANGE_CLOCK_SLACK_MS };
    const registry = new ExchangeRegistry([{ id: emulator.exchange, endpoint: emulator.url, ...(hubOptions.exchangeOptions ? { options: hubOptions.exchangeOptions } : {}) }], {
      log,
      firstBars: hubOptions.firstBars === true,
      clientOptions,
      // The clients measure the exchange's clock (its Date header, on the emulator's clock) against this one: the hub's.
      ...(hubOptions.clock ? { clock: hubOptions.clock } : {}),
    });
    const hub = new MarketHub({
      clients: registry,
      cacheDir,
      log,
      backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 },
      historyBars: hubOptions.historyBars ?? 500,
      restMaxAttempts: hubOptions.restMaxAttempts ?? 5,
      ...(hubOptions.restConcurrencyPerExchange !== undefined ? { restConcurrencyPerExchange: hubOptions.restConcurrencyPerExchange } : {}),
      ...(hubOptions.backfillMaxAttempts !== undefined ? { backfillMaxAttempts: hubOptions.backfillMaxAttempts } : {}),
      ...(hubOptions.clock ? { clock: hubOptions.clock } : {}),
      ...(hubOptions.derivativesPollMs !== undefined ? { derivativesPollMs: hubOptions.derivativesPollMs } : {}),
      ...(hubOptions.derivativesPollSpacingMs !== undefined ? { derivativesPollSpacingMs: hubOptions.derivativesPollSpacingMs } : {}),
    });
    return new Rig<X>(emulator, registry, hub, log, cacheDir, hubOptions.historyBars ?? 500, clientOptions);
  }

  /** Another hub (a "restart") over the same emulator and cache directory. */
  async restartHub(historyBars = this.historyBars): Promise<Rig<E>> {
    await this.hub.close();
    await this.registry.closeAll();
    const log = captureLog();
    const registry = new ExchangeRegistry([{ id: this.emulator.exchange, endpoint: this.emulator.url }], { log, clientOptions: this.clientOptions });
    const hub = new MarketHub({ clients: registry, cacheDir: this.cacheDir, log, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 }, historyBars });
    return new Rig<E>(this.emulator, registry, hub, log, this.cacheDir, historyBars, this.clientOptions);
  }

  async close(removeCache = true): Promise<void> {
    await this.hub.close();
    await this.registry.closeAll();
    await this.emulator.close();
    if (removeCache) await fs.rm(this.cacheDir, { recursive: true, force: true });
  }
}

/** A consumer that records every event and can wait for one. */
export class Recorder<R extends SubscriptionRequest> {
  readonly events: EventFor<R>[] = [];
  private readonly waiters: Array<{ pred: (e: EventFor<R>) => boolean; resolve: (e: EventFor<R>) => void }> = [];
  candles: Candle[] = [];

  readonly consume = (e: EventFor<R>): void => {
    this.events.push(e);
    const ev = e as HubEvent;
    if (ev.type === 'snapshot') this.candles = [...ev.candles];
    if (ev.type === 'deltas') this.candles = applyDeltas(this.candles, ev.deltas);
    for (const w of [...this.waiters]) {
      if (w.pred(e)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };

  next(pred: (e: EventFor<R>) => boolean, what: string, timeoutMs = 10_000): Promise<EventFor<R>> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return this.upcoming(pred, what, timeoutMs);
  }

  /** Like next(), but only events from now on count. */
  upcoming(pred: (e: EventFor<R>) => boolean, what: string, timeoutMs = 10_000): Promise<EventFor<R>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events: ${JSON.stringify(this.events.slice(-3)).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }
}
