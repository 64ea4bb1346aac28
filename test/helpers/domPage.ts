/** What a DOM ladder page shows of the traded column (its last update), and the exchange's trades by the same rows. */
import * as assert from 'node:assert/strict';
import type { HostMessage } from '../../src/shared/protocol';
import type { EmulatorTrade, ExchangeEmulator } from '../../src/emulator';
import { pageUntil, receivedByPage, type FakePanel } from './fakeWebviewPanel';

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;

/** The page's messages of one method, in order. */
export const received = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);

export const round = (x: number) => Math.round(x * 1e8) / 1e8;

/** Entries by key, ascending: two maps compared as lists. */
export const sorted = <V>(m: Map<number, V>) => [...m].sort((a, b) => a[0] - b[0]);

/** The DOM page's traded volume by row price (rows with some). */
export function domTraded(fake: FakePanel): Map<number, number> {
  const last = received(fake, 'dom/update').at(-1);
  return new Map((last?.params.rows ?? []).filter((r) => r.traded > 0).map((r) => [r.price, round(r.traded)]));
}

/** The truth by DOM row: each trade's tick price grouped down to the row's step. */
export function truthByRow(trades: readonly EmulatorTrade[], tick: number, multiple: number): Map<number, number> {
  const out = new Map<number, number>();
  const decimals = Math.max(0, -Math.floor(Math.log10(tick)));
  for (const t of trades) {
    const row = Number((Math.floor(Math.round(t.price / tick) / multiple) * multiple * tick).toFixed(decimals));
    out.set(row, round((out.get(row) ?? 0) + t.amount));
  }
  return out;
}

/**
 * Resolves once the DOM page has a ladder laid out around the market's book (before any trade: its rows come only
 * from the book's best bid and ask). Not "a row with a bid": the emulator's book leaves two levels empty (100 ticks
 * each) when the last price lies on one, so a ladder of 121 one-tick rows can sit wholly inside the spread.
 */
export async function ladderAroundBook(fake: FakePanel): Promise<void> {
  await pageUntil('a ladder laid out around the book', () => (received(fake, 'dom/update').at(-1)?.params.rows.length ?? 0) > 0, 60_000);
}

/** The connection states the page was shown, in order. */
export const statuses = (fake: FakePanel): string[] => received(fake, 'panel/connection').map((m) => m.params.status);

/**
 * A reconnect's hole the DOM's page lives through: the market's socket dropped, three trades made while it is down
 * (only REST can bring them) at `at(1)`, `at(-2)` and `at(3)`, and, once the page reads live again, the new socket's
 * first trade at `at(-1)`: where the hole ends.
 */
export async function holeUnderDom(emulator: Pick<ExchangeEmulator, 'dropConnections' | 'injectTrades'>, symbol: string, dom: FakePanel, at: (ticks: number) => number): Promise<{ made: EmulatorTrade[]; pickUp: EmulatorTrade }> {
  const before = statuses(dom).length;
  assert.ok(emulator.dropConnections(symbol) > 0, 'a socket carried the market');
  const made = emulator.injectTrades(symbol, [
    { price: at(1), amount: 0.5, side: 'buy' },
    { price: at(-2), amount: 0.25, side: 'sell' },
    { price: at(3), amount: 1, side: 'buy' },
  ]);
  await pageUntil('live again', () => statuses(dom).slice(before).includes('reconnecting') && statuses(dom).at(-1) === 'live', 30_000);
  const [pickUp] = emulator.injectTrades(symbol, [{ price: at(-1), amount: 0.2, side: 'sell' }]);
  return { made, pickUp: pickUp! };
}
