/** Turns a scripted price path into trade inputs. */
import type { PlayPathOptions, TradeInput } from './types';

/**
 * One trade per price: side 'buy' when the price does not fall from the previous one (the first compares with
 * `lastPrice`), amount `options.amount ?? defaultAmount`, timestamps `startTimestamp + i × stepMs` when given.
 */
export function pathToTrades(prices: readonly number[], lastPrice: number | undefined, defaultAmount: number, options: PlayPathOptions): TradeInput[] {
  if (!Array.isArray(prices) || prices.some((p) => typeof p !== 'number' || !Number.isFinite(p) || p <= 0)) {
    throw new Error('playPath: prices must be an array of positive numbers');
  }
  const stepMs = options.stepMs ?? 1000;
  if (!Number.isFinite(stepMs) || stepMs < 1) throw new Error('playPath: stepMs must be >= 1');
  const amount = options.amount ?? defaultAmount;
  let previous = lastPrice;
  return prices.map((price, i) => {
    const side = previous === undefined || price >= previous ? 'buy' : 'sell';
    previous = price;
    if (options.startTimestamp === undefined) return { price, amount, side };
    return { price, amount, side, timestamp: options.startTimestamp + i * stepMs };
  });
}
