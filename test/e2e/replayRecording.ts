/**
 * A synthetic two-hour recording (trades every 250 ms, a book snapshot a minute) in the store's layout, for the replay
 * e2e, with a three-minute hole (a reconnect REST could not fill) before the replay's start.
 */
import { ParquetStore } from '../../src/core/record/parquetStore';
import type { BookRow, RecordingHole, TradeRow } from '../../src/core/record/recordTypes';

export const E2E_REPLAY_MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
export const E2E_REPLAY_FROM = Date.parse('2026-11-28T10:00:00Z');
const HOURS = 2;
/** No trade is recorded in it: from the last one before (10:39:59.750) to the first after. */
export const E2E_REPLAY_HOLE: RecordingHole = { kind: 'trades' as const, from: Date.parse('2026-11-28T10:39:59.750Z'), until: Date.parse('2026-11-28T10:43:00Z'), reason: "the exchange's REST trades did not reach back this far after a reconnect" };

/** Writes the recording under `root` (a deterministic random walk around 60 000). */
export async function writeReplayRecording(root: string): Promise<void> {
  const store = new ParquetStore(root);
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let price = 60_000;
  let seq = 0;
  const until = E2E_REPLAY_FROM + HOURS * 3_600_000;
  for (let minute = E2E_REPLAY_FROM; minute < until; minute += 60_000) {
    const trades: TradeRow[] = [];
    for (let ts = minute; ts < minute + 60_000; ts += 250) {
      price = Math.max(1000, Math.round((price + (random() - 0.5) * 12) * 100) / 100);
      const row: TradeRow = { ts, id: String(ts), price, amount: Math.round(random() * 50) / 100 + 0.01, side: random() < 0.5 ? 'buy' : 'sell', received: ts + 20 };
      if (ts <= E2E_REPLAY_HOLE.from || ts >= E2E_REPLAY_HOLE.until) trades.push(row);
    }
    seq++;
    const book: BookRow[] = [];
    for (let i = 1; i <= 10; i++) {
      book.push({ ts: minute, seq, kind: 'snapshot', side: 'bid', price: Math.round((price - i * 0.5) * 100) / 100, amount: i * 0.3 });
      book.push({ ts: minute, seq, kind: 'snapshot', side: 'ask', price: Math.round((price + i * 0.5) * 100) / 100, amount: i * 0.25 });
    }
    // The hole is written with the first trades after it, as the recorder does.
    const carriesHole = minute === E2E_REPLAY_HOLE.until;
    if (trades.length > 0) await store.write({ kind: 'trades', market: E2E_REPLAY_MARKET, rows: trades, ...(carriesHole ? { holes: [E2E_REPLAY_HOLE] } : {}) });
    await store.write({ kind: 'book', market: E2E_REPLAY_MARKET, rows: book });
  }
  await store.close();
}
