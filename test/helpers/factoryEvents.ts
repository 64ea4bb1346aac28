import type { CandleFactory, FactoryEvent } from '../../src/core/candles/candleFactory';

/** The factory's next event matching `match` (the subscription ends with it). */
export function nextEvent(f: CandleFactory, match: (e: FactoryEvent) => boolean): Promise<FactoryEvent> {
  return new Promise((resolve) => {
    const sub = f.onEvent((e) => {
      if (!match(e)) return;
      sub.dispose();
      resolve(e);
    });
  });
}

export const backfillDone = (e: FactoryEvent): boolean => e.type === 'backfill' && e.outcome === 'done';
