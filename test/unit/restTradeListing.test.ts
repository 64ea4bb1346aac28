// RestTradeListing on a stand-in for ccxt's parseTrades (parse in the answer's order, then sort by time and by id as
// text, as ccxt 4.5.84 does): the edges the emulators do not give (an answer of one millisecond, one listed against
// the exchange's usual direction, rows ccxt did not parse from a list).
import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { RestTradeListing } from '../../src/core/exchange/restTradeListing';

interface Raw {
  readonly id: string;
  readonly time: number;
}
interface Row {
  readonly id: string;
  readonly timestamp: number;
  readonly info: Raw;
}

function standIn(exchangeId: string) {
  const ex = {
    parseTrades(trades: Raw[]): Row[] {
      return trades.map((t) => ({ id: t.id, timestamp: t.time, info: t })).sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
  const listing = new RestTradeListing(ex as unknown as ProExchange, exchangeId);
  const fetch = (answer: Raw[]) => listing.inExchangeOrder(ex.parseTrades(answer)).map((r) => r.id);
  return { fetch, ex };
}

/** An answer listing `ids` (each made after the one before) at the times given, in `listed` order. */
const made = (ids: string[], times: number[]): Raw[] => ids.map((id, i) => ({ id, time: times[i] as number }));

describe('RestTradeListing: a REST answer’s trades in the exchange’s order', () => {
  it('a newest-first answer over several milliseconds: each millisecond as made, whatever ccxt’s id sort did', () => {
    const { fetch } = standIn('bybit');
    const answer = made(['c', 'a', 'b', 'z', 'y'], [1, 1, 1, 2, 2]);
    assert.deepEqual(fetch([...answer].reverse()), ['c', 'a', 'b', 'z', 'y']);
  });

  it('an oldest-first answer is read oldest first, even from an exchange that usually lists the newest first', () => {
    assert.deepEqual(standIn('bybit').fetch(made(['c', 'a', 'b', 'z', 'y'], [1, 1, 1, 2, 2])), ['c', 'a', 'b', 'z', 'y']);
    assert.deepEqual(standIn('binance').fetch(made(['99', '100', '101'], [5, 5, 6])), ['99', '100', '101']);
  });

  it('an answer all of one millisecond is read in the exchange’s documented direction', () => {
    const oneMs = made(['c', 'a', 'b'], [7, 7, 7]);
    assert.deepEqual(standIn('coinbase').fetch([...oneMs].reverse()), ['c', 'a', 'b']);
    assert.deepEqual(standIn('binance').fetch(oneMs), ['c', 'a', 'b']);
  });

  it('rows ccxt did not parse from a list keep ccxt’s order', () => {
    const { ex } = standIn('bybit');
    const listing = new RestTradeListing(ex as unknown as ProExchange, 'bybit');
    const rows: Row[] = [
      { id: 'b', timestamp: 1, info: { id: 'b', time: 1 } },
      { id: 'a', timestamp: 1, info: { id: 'a', time: 1 } },
    ];
    assert.deepEqual(listing.inExchangeOrder(rows), rows);
  });
});
