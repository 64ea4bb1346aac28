/** One market of each emulated exchange, and the candle events their fault tests read. */
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { StreamState } from '../../src/core/types';
import type { Recorder } from './emulatorHub';

export type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
export type CandleRecEvent = Recorder<CandleReq>['events'][number];

export const THREE_MARKETS = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
] as const;

/** Matches a state event of `status`. */
export const isState = (status: StreamState['status']) => (e: CandleRecEvent) => e.type === 'state' && e.state.status === status;
