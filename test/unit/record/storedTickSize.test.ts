/** A recording keeps the market's tick size with its trades; a replay takes it from there, and infers it only for recordings that do not keep it. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { MarketHub } from '../../../src/core/hub/marketHub';
import type { ClientLookup } from '../../../src/core/hub/validateRequest';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { RecordingService } from '../../../src/core/record/recordingService';
import { parquetSource } from '../../../src/core/record/recordSource';
import { storedTickSize } from '../../../src/core/record/storedTickSize';
import { compactPartition } from '../../../src/core/record/storeCompaction';
import { dayOf, partitionDir } from '../../../src/core/record/storeLayout';
import { replayId } from '../../../src/core/replay/replayId';
import { ReplayRegistry } from '../../../src/core/replay/replayRegistry';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeRecordingHub } from '../../helpers/fakeRecordingHub';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const noLive: ClientLookup = { ids: () => [], has: () => false, get: () => Promise.reject(new Error('no live exchange')) };

/** The replayed market's tick size as the hub gives it to panels. */
async function replayTick(root: string, start: number): Promise<number | undefined> {
  const replays = new ReplayRegistry(noLive, { source: () => parquetSource(root) });
  const hub = new MarketHub({ clients: replays });
  const id = replayId({ market: BTC, start });
  const handle = await replays.open(id);
  try {
    return (await hub.markets(id))[0]?.tickSize;
  } finally {
    handle.dispose();
    await hub.close();
  }
}

describe('the tick size kept with a recording', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tick-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it("the recorder stores the exchange's tick size with the trades; compaction keeps it; a replay uses it, not its prices' decimals", async () => {
    const hub = new (class extends FakeRecordingHub {
      markets(exchange: string): Promise<readonly MarketInfo[]> {
        return Promise.resolve(exchange === 'binance' ? [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.5 }] : []);
      }
    })();
    const service = new RecordingService({ hub, root, policy: () => ({}), log: captureLog(), recorder: { flushEveryMs: 60_000 } });
    service.setMarkets([BTC]);
    await service.tidy();
    const t0 = Date.now();
    hub.send(BTC, 5); // prices of 100: a replay inferring from them would say 1
    await service.close();
    assert.equal(await storedTickSize(root, BTC, t0), 0.5);
    assert.equal(await replayTick(root, t0 - 1000), 0.5);

    const store = new ParquetStore(root); // a second batch without it (an older recorder), then the day compacted
    await store.write({ kind: 'trades', market: BTC, rows: [{ ts: t0 + 10_000, id: '9', price: 100, amount: 1, side: 'buy', received: t0 + 10_000 }] });
    await store.close();
    const r = await compactPartition(partitionDir(root, 'trades', BTC, dayOf(t0)), 'trades', BTC);
    assert.equal(r.merged, 2);
    assert.equal(await storedTickSize(root, BTC, t0), 0.5, 'the compacted file keeps it');
  });

  it('a recording that does not keep it (made before it was kept) is replayed with the tick size inferred from its prices', async () => {
    const t0 = Date.UTC(2026, 10, 29, 14);
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market: BTC, rows: [100.5, 101, 99.5].map((price, i) => ({ ts: t0 + i, id: String(i + 1), price, amount: 1, side: 'buy' as const, received: t0 + i })) });
    await store.close();
    assert.equal(await storedTickSize(root, BTC, t0), undefined);
    assert.equal(await replayTick(root, t0), 0.1);
  });
});
