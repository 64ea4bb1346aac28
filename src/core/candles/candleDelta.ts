import type { Candle } from '../types';

/**
 * What a candle series tells its consumers after a batch of trades:
 * - `updated`: the in-progress bar changed;
 * - `closed`: a bar became final (it may also have changed in the same batch);
 * - `revised`: a bar already announced final changed (a late trade, or a backfill after a gap).
 */
export type CandleDelta =
  | { readonly kind: 'updated'; readonly candle: Candle }
  | { readonly kind: 'closed'; readonly candle: Candle }
  | { readonly kind: 'revised'; readonly candle: Candle };
