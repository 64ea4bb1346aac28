/** A recording into ClickHouse continued by a new session (a reload): it reads where the server's recording ends. */
import * as assert from 'node:assert/strict';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../src/core/hub/requests';
import { ClickHouseSink } from '../../src/core/record/clickHouseSink';
import { ClickHouseSource } from '../../src/core/record/clickHouseSource';
import { MarketRecorder, type HubSubscriber, type TradeGapFiller } from '../../src/core/record/marketRecorder';
import { sourceStoredTail } from '../../src/core/record/storedTail';
import type { Trade } from '../../src/core/types';
import { clickHouseForSuite } from '../helpers/clickHouseServer';

const market = { exchange: 'coinbase', symbol: 'BTC/USD' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + n, amount: 1, side: 'buy' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));

class FakeHub implements HubSubscriber {
  private consumer: ((e: HubEvent) => void) | undefined;
  subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
    this.consumer = consumer as (e: HubEvent) => void;
    return { ready: Promise.resolve(), dispose: () => (this.consumer = undefined) };
  }
  trades(list: Trade[]): void {
    this.consumer?.({ type: 'trades', trades: list });
  }
}

describe('a ClickHouse recording continued after a reload (real clickhouse-server)', function () {
  this.timeout(60_000);
  const ch = clickHouseForSuite('resume');

  it('the trades missed meanwhile are fetched from LATE_TRADE_MS before the stored end, and REST’s copies of stored ones are not stored again', async () => {
    const conn = { ...ch.connection(), timeoutMs: 5000 };
    const log: Trade[] = [];
    const fillGap: TradeGapFiller = async (_m, from, until) => log.filter((t) => t.timestamp >= from && t.timestamp < (until ?? Number.POSITIVE_INFINITY));
    const hub = new FakeHub();
    const source = new ClickHouseSource(conn);
    const session = (now: number) => new MarketRecorder({ hub, sink: new ClickHouseSink(conn), market, kinds: ['trades'], fillGap, storedTail: sourceStoredTail(source), lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } }).start();
    const first = session(T0 + 10_000);
    log.push(...range(1, 10));
    hub.trades(range(1, 10));
    await first.close();
    log.push(...range(11, 16));
    const second = session(T0 + 17_000);
    hub.trades(range(15, 16)); // 11 to 14 missed: REST gives 7 to 14, of which 7 to 10 are stored
    await second.gapFilled();
    await second.close();
    const ids: string[] = [];
    for await (const e of source.readRows({ market, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'] })) if (e.kind === 'trades') ids.push(e.row.id);
    assert.deepEqual(ids, range(1, 16).map((t) => t.id));
  });

  it('a session 2 hours after the recording ended: nothing fetched, the time between a hole named for the closed app, from the server\'s last trade', async () => {
    const eth = { exchange: 'coinbase', symbol: 'ETH/USD' } as const;
    const conn = { ...ch.connection(), timeoutMs: 5000 };
    const asked: number[] = [];
    const fillGap: TradeGapFiller = async (_m, from) => (asked.push(from), []);
    const hub = new FakeHub();
    const source = new ClickHouseSource(conn);
    const session = (now: number) => new MarketRecorder({ hub, sink: new ClickHouseSink(conn), market: eth, kinds: ['trades'], fillGap, storedTail: sourceStoredTail(source), lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } }).start();
    const first = session(T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    const second = session(T0 + 2 * 3_600_000);
    hub.trades([trade(5), trade(6), trade(7200)]);
    await second.gapFilled();
    await second.close();
    assert.deepEqual(asked, []);
    const ids: string[] = [];
    for await (const e of source.readRows({ market: eth, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'] })) if (e.kind === 'trades') ids.push(e.row.id);
    assert.deepEqual(ids, ['1', '2', '3', '4', '5', '6', '7200']);
    const holes = await source.holes(eth, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(holes.map((h) => [h.from - T0, h.until - T0, h.reason]), [[6000, 7_200_001, 'not recording (TradeSuite closed)']]);
  });
});
