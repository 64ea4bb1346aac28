/**
 * What loading Binance's USDⓈ-M perpetuals beside its spot markets costs (`npx tsx bench/run.ts marketsload`): the
 * real ccxt's loadMarkets against the real-size Binance emulator with fetchMarkets.types ['spot'] (TradeSuite's
 * default with an endpoint) vs ['spot', 'linear'] (the opt-in), alternating, each on a new instance; then the same
 * with ccxt's rate limiter off, to tell its request-cost waits from the work of the extra market list.
 */
import * as http from 'node:http';
import ccxt from 'ccxt';
import { ExchangeEmulator } from '../src/emulator';

const ROUNDS = 7;

export interface MarketsLoadResult {
  readonly markets: { readonly spot: number; readonly spotAndLinear: number };
  readonly rateLimited: { readonly spotMs: number; readonly spotAndLinearMs: number; readonly ratio: number };
  readonly unlimited: { readonly spotMs: number; readonly spotAndLinearMs: number; readonly ratio: number };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(s.length / 2)] ?? 0) * 10) / 10;
};

export async function benchMarketsLoad(): Promise<MarketsLoadResult> {
  const emu = await ExchangeEmulator.start({ exchange: 'binance', markets: 'real-size', tradesPerSecond: 0, seed: 3 });
  try {
    const { urls, options } = emu.ccxtConfig();
    const counts = { spot: 0, spotAndLinear: 0 };
    const load = async (types: string[], enableRateLimit: boolean): Promise<number> => {
      const ex = new ccxt.pro.binance({ urls, enableRateLimit, options: { ...options, fetchMarkets: { types } }, httpAgent: new http.Agent() });
      const t = performance.now();
      await ex.loadMarkets();
      const ms = performance.now() - t;
      counts[types.length === 1 ? 'spot' : 'spotAndLinear'] = Object.keys(ex.markets ?? {}).length;
      await ex.close();
      return ms;
    };
    const measure = async (enableRateLimit: boolean) => {
      const spot: number[] = [];
      const both: number[] = [];
      await load(['spot'], enableRateLimit); // warm-up: the emulator's first exchangeInfo, ccxt's first parse
      for (let i = 0; i < ROUNDS; i++) {
        if (i % 2 === 0) {
          spot.push(await load(['spot'], enableRateLimit));
          both.push(await load(['spot', 'linear'], enableRateLimit));
        } else {
          both.push(await load(['spot', 'linear'], enableRateLimit));
          spot.push(await load(['spot'], enableRateLimit));
        }
      }
      const spotMs = median(spot);
      const spotAndLinearMs = median(both);
      return { spotMs, spotAndLinearMs, ratio: Math.round((spotAndLinearMs / spotMs) * 100) / 100 };
    };
    const rateLimited = await measure(true);
    const unlimited = await measure(false);
    return { markets: counts, rateLimited, unlimited };
  } finally {
    await emu.close();
  }
}
