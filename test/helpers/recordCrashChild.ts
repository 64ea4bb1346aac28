/** A process that records synthetic trades as fast as it can, to be killed with SIGKILL by the crash-safety test. */
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber } from '../../src/core/record/marketRecorder';
import { ParquetStore } from '../../src/core/record/parquetStore';
import type { RecordBatch } from '../../src/core/record/recordTypes';

const root = process.argv[2];
if (!root) throw new Error('usage: recordCrashChild.ts <store folder>');
const store = new ParquetStore(root);
const market = { exchange: 'binance', symbol: 'BTC/USDT' };

let lastStored = 0;

/** Trades 1, 2, 3… pushed through a hub-shaped source, 500 per macrotask, at most 20 000 ahead of the store (no drops). */
const hub: HubSubscriber = {
  subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const send = consumer as (e: HubEvent) => void;
    let id = 0;
    const timer = setInterval(() => {
      if (id - lastStored > 20_000) return;
      const trades = Array.from({ length: 500 }, () => {
        id++;
        return { id: String(id), timestamp: 1_764_400_000_000 + id, price: 100 + (id % 100) / 100, amount: 0.5, side: id % 2 ? ('buy' as const) : ('sell' as const) };
      });
      send({ type: 'trades', trades });
    }, 0);
    return { ready: Promise.resolve(), dispose: () => clearInterval(timer) };
  },
};

/** Says on stdout which trade is the last one stored, once its file is in place. */
const sink = {
  name: store.name,
  async write(batch: RecordBatch): Promise<void> {
    await store.write(batch);
    const last = batch.rows[batch.rows.length - 1];
    if (last && batch.kind === 'trades') {
      lastStored = Number((last as { id: string }).id);
      process.stdout.write(`stored ${lastStored}\n`);
    }
  },
  close: () => store.close(),
};

new MarketRecorder({ hub, sink, market, kinds: ['trades'], flushEveryMs: 10, maxBatchRows: 5000 }).start();
