import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { RecordingService } from '../../../src/core/record/recordingService';
import type { TradeRow } from '../../../src/core/record/recordTypes';
import { storedDays } from '../../../src/core/record/storeRetention';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeRecordingHub } from '../../helpers/fakeRecordingHub';
import { trackTimers } from '../../helpers/timerTracker';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const ETH = { exchange: 'binance', symbol: 'ETH/USDT' } as const;
const DAY = 86_400_000;

describe('RecordingService (the recorders of a changing set of markets, and the store upkeep)', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-recsvc-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('holds timers and subscriptions only while a market is recorded: none outlives setMarkets([]) or close()', async () => {
    const hub = new FakeRecordingHub();
    const log = captureLog();
    const timers = trackTimers();
    try {
      const service = new RecordingService({ hub, root, policy: () => ({}), log, recorder: { flushEveryMs: 60_000 } });
      assert.equal(timers.pending(), 0, 'an idle service holds no timer');
      service.setMarkets([BTC, ETH]);
      assert.equal(hub.open.size, 6, 'trades, book and ticker of each market');
      assert.equal(timers.pending(), 3, 'a flush timer per recorder and the upkeep timer');
      await service.tidy();
      hub.send(BTC, 5);
      service.setMarkets([ETH]);
      assert.deepEqual([...hub.open.keys()].sort(), ['binance ETH/USDT orderbook', 'binance ETH/USDT ticker', 'binance ETH/USDT trades'], 'BTC given back');
      service.setMarkets([]);
      assert.equal(hub.open.size, 0, 'every subscription given back');
      await service.tidy();
      assert.equal(timers.pending(), 0, 'no timer left once nothing is recorded, before close()');
      await service.close();
      assert.equal(timers.pending(), 0, 'no timer outlives the last market');
    } finally {
      timers.restore();
    }
    const stored = (await storedDays(root)).filter((d) => d.kind === 'trades');
    assert.deepEqual(stored.map((d) => d.market.symbol), ['BTC/USDT'], 'what BTC held was written when it stopped');
  });

  it('the budget hit with only the day being written left is a named state (overBudget), and recording goes on', async () => {
    const hub = new FakeRecordingHub();
    const log = captureLog();
    const now = Date.now();
    const today = Math.floor(now / DAY) * DAY;
    const store = new ParquetStore(root);
    const rows = (day: number): TradeRow[] => Array.from({ length: 300 }, (_, i) => ({ ts: day + i, id: String(day + i), price: 1, amount: 1, side: 'buy', received: day + i }));
    for (const day of [today - 2 * DAY, today - DAY, today]) await store.write({ kind: 'trades', market: BTC, rows: rows(day) });
    await store.close();
    const perDay = (await storedDays(root))[0]!.bytes;
    let maxBytes = perDay * 2.5;
    const service = new RecordingService({ hub, root, policy: () => ({ maxBytes }), log, recorder: { flushEveryMs: 60_000 } });
    let changes = 0;
    service.onDidChange(() => changes++);
    service.setMarkets([BTC]);
    assert.equal((await service.tidy()).status, 'ok', 'two days and a half fit: the oldest went');
    assert.deepEqual((await storedDays(root)).map((d) => d.day), [today - DAY, today]);
    maxBytes = perDay / 2;
    const state = await service.tidy();
    assert.equal(state.status, 'overBudget');
    assert.deepEqual((await storedDays(root)).map((d) => d.day), [today], 'never the day being written');
    assert.ok(changes > 0, 'the change is announced');
    assert.ok(log.lines.some((l) => /over the budget .* recording goes on/.test(l)), 'and logged');
    assert.equal(service.stateOf(BTC)?.status, 'recording', 'the recorder still records');
    hub.send(BTC, 3);
    await service.close();
    const trades = (await storedDays(root)).filter((d) => d.kind === 'trades');
    assert.ok(trades[0]!.bytes > perDay, 'the rows after the budget was hit were written');
  });
});
