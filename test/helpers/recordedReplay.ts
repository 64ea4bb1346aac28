/** Trades written to a temp record store, and that recording replayed through a hub with nothing live: a replay test's rig. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import { ParquetStore } from '../../src/core/record/parquetStore';
import type { BookRow, RecordedMarket, RecordingHole } from '../../src/core/record/recordTypes';
import { replayId } from '../../src/core/replay/replayId';
import { ReplayRegistry, type ReplayHandle, type ReplayRegistryOptions } from '../../src/core/replay/replayRegistry';
import { parquetSource } from '../../src/core/record/recordSource';
import type { Trade } from '../../src/core/types';
import { captureLog, type CapturedLog } from './emulatorHub';

export class RecordedReplay {
  private constructor(
    readonly root: string,
    readonly id: string,
    readonly hub: MarketHub,
    readonly replays: ReplayRegistry,
    readonly handle: ReplayHandle,
    readonly log: CapturedLog,
  ) {}

  /**
   * Writes `trades` as the recorder would (batches of `batch`, the last carrying `holes`), and `book` rows, then opens
   * the replay of `market` at `start` (`session`: its clock and tick, as the registry passes them).
   */
  static async start(market: RecordedMarket, trades: readonly Trade[], start: number, batch = 200, book: readonly BookRow[] = [], holes: readonly RecordingHole[] = [], session?: ReplayRegistryOptions['session']): Promise<RecordedReplay> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-recorded-replay-'));
    const store = new ParquetStore(root);
    const rows = trades.map((t) => ({ ts: t.timestamp, id: t.id, price: t.price, amount: t.amount, side: t.side, received: t.timestamp }));
    for (let i = 0; i < rows.length; i += batch) await store.write({ kind: 'trades', market, rows: rows.slice(i, i + batch), ...(holes.length > 0 && i + batch >= rows.length ? { holes } : {}) });
    if (book.length > 0) await store.write({ kind: 'book', market, rows: book });
    await store.close();
    const log = captureLog();
    const replays = new ReplayRegistry(new ExchangeRegistry([], { log }), { source: () => parquetSource(root), log, ...(session ? { session } : {}) });
    const hub = new MarketHub({ clients: replays, log });
    const id = replayId({ market, start });
    return new RecordedReplay(root, id, hub, replays, await replays.open(id), log);
  }

  get session() {
    return this.handle.session;
  }

  async close(): Promise<void> {
    this.handle.dispose();
    await this.hub.close();
    await this.replays.closeAll();
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
