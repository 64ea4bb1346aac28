/**
 * The committed excerpt of the real Binance XRP/ETH recording (test/fixtures/binance-xrpeth-2019-10-11, see its
 * SOURCE.md): 12 hours of raw aggTrades with the official 1m and 5m klines, for replays that run on any clone.
 */
import * as path from 'node:path';

export const REPLAY_FIXTURE = path.resolve(__dirname, '../fixtures/binance-xrpeth-2019-10-11');

/** Start of the excerpt (the first official kline) and the time of its last trade. */
export const REPLAY_FIXTURE_START = Date.parse('2019-10-11T00:00:00Z');
export const REPLAY_FIXTURE_END = Date.parse('2019-10-11T11:59:01.033Z');
