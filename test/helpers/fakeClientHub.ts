/** A MarketHub over one FakeClient alone, on a clock the test moves, with reconnects in milliseconds. */
import { MarketHub, type MarketHubOptions } from '../../src/core/hub/marketHub';
import type { Clock } from '../../src/core/util/clock';
import { FakeClient, fakeLookup } from './fakeClient';

export const FAST_BACKOFF = { baseMs: 2, maxMs: 5, factor: 2, jitter: 0 };

export function fakeClientHub(clock: Clock, options: Partial<Omit<MarketHubOptions, 'clients' | 'clock'>> = {}): { client: FakeClient; hub: MarketHub } {
  const client = new FakeClient();
  const hub = new MarketHub({ clients: fakeLookup(client), clock, backoff: FAST_BACKOFF, ...options });
  return { client, hub };
}
