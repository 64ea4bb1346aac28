/** What a DOM ladder page shows of the traded column (its last update), and the exchange's trades by the same rows. */
import type { HostMessage } from '../../src/shared/protocol';
import type { EmulatorTrade } from '../../src/emulator';
import { receivedByPage, type FakePanel } from './fakeWebviewPanel';

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
