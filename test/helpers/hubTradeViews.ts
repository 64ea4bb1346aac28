import type { MarketHub } from '../../src/core/hub/marketHub';
import type { CandleEvent, LostHole, TradesEvent } from '../../src/core/hub/requests';
import type { MarketKey } from '../../src/core/keys';
import type { Trade } from '../../src/core/types';
import { waitForEvent } from './fakeClient';

/**
 * A `trades` subscriber's events (one taking holes late, as a rule's, when `lateTrades`; a lost hole found after all
 * too, as a panel's, when `refetchLost`), and a wait for the next that matches.
 */
export function tradesView(hub: MarketHub, market: MarketKey, lateTrades: boolean, refetchLost = false) {
  const events: TradesEvent[] = [];
  const listeners = new Set<(e: TradesEvent) => void>();
  const sub = hub.subscribe(
    { kind: 'trades', ...market },
    (e) => {
      events.push(e);
      for (const l of listeners) l(e);
    },
    { lateTrades, ...(refetchLost ? { refetchLost } : {}) },
  );
  const next = (pred: (e: TradesEvent) => boolean, what: string) => waitForEvent<TradesEvent>((cb) => listeners.add(cb), pred, what);
  /** The trades it got late (a hole's), or as the stream sent them. */
  const trades = (late: boolean): Trade[] => events.flatMap((e) => (e.type === 'trades' && (e.late === true) === late ? e.trades : []));
  /** The holes it was told are lost. */
  const lost = (): LostHole[] => events.flatMap((e) => (e.type === 'trades' && e.lost ? [e.lost] : []));
  /** The late events that carried a hole's trades (not a lost one). */
  const late = () => events.filter((e) => e.type === 'trades' && e.late === true && !e.lost);
  /** The lost holes found after all: where each lies and its trades. */
  const found = () => events.flatMap((e) => (e.type === 'trades' && e.found ? [{ span: e.found, trades: e.trades }] : []));
  return { sub, events, next, trades, lost, late, found };
}

/** A 1m `candles` subscriber, and a wait for its next event that matches. */
export function candlesView(hub: MarketHub, market: MarketKey) {
  const listeners = new Set<(e: CandleEvent) => void>();
  const sub = hub.subscribe({ kind: 'candles', ...market, timeframe: '1m' }, (e) => {
    for (const l of listeners) l(e);
  });
  const next = (pred: (e: CandleEvent) => boolean, what: string) => waitForEvent<CandleEvent>((cb) => listeners.add(cb), pred, what);
  return { sub, next };
}
