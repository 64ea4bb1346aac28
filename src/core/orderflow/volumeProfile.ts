/** Volume per price over a span of footprint bars, with its point of control and value area. */
import { bucketStart } from '../timeframes';
import type { FootprintBar } from './footprintBar';
import { VALUE_AREA_SHARE, valueArea } from '../../shared/util/valueArea';

export interface ProfileRow {
  readonly price: number;
  readonly buy: number;
  readonly sell: number;
}

export interface VolumeProfile {
  /** The first bar's time and the last bar's time covered. */
  readonly from: number;
  readonly to: number;
  /** Ascending by price; only buckets that traded. */
  readonly rows: readonly ProfileRow[];
  readonly volume: number;
  /** The price with the most volume (the lowest such on a tie). */
  readonly poc: number;
  /** The value area: the rows around the POC holding `valueAreaShare` of the volume (see valueArea). */
  readonly valueAreaLow: number;
  readonly valueAreaHigh: number;
}

/** The profile of the bars whose time is in [from, until] (every bar by default); undefined when none traded. */
export function volumeProfile(bars: readonly FootprintBar[], from = Number.NEGATIVE_INFINITY, until = Number.POSITIVE_INFINITY, share = VALUE_AREA_SHARE): VolumeProfile | undefined {
  const byPrice = new Map<number, { buy: number; sell: number }>();
  let first: number | undefined;
  let last = 0;
  for (const bar of bars) {
    if (bar.time < from || bar.time > until) continue;
    first ??= bar.time;
    last = bar.time;
    for (const c of bar.cells) {
      const row = byPrice.get(c.price);
      if (row) {
        row.buy += c.buy;
        row.sell += c.sell;
      } else byPrice.set(c.price, { buy: c.buy, sell: c.sell });
    }
  }
  if (first === undefined || byPrice.size === 0) return undefined;
  const rows = [...byPrice.entries()].sort((a, b) => a[0] - b[0]).map(([price, r]) => ({ price, buy: r.buy, sell: r.sell }));
  const area = valueArea(rows.map((r) => r.buy + r.sell), share);
  const price = (i: number) => rows[i]?.price ?? Number.NaN;
  return { from: first, to: last, rows, volume: area.volume, poc: price(area.poc), valueAreaLow: price(area.low), valueAreaHigh: price(area.high) };
}

/** One profile per UTC day (a session), oldest first. */
export function sessionProfiles(bars: readonly FootprintBar[], share = VALUE_AREA_SHARE): VolumeProfile[] {
  const out: VolumeProfile[] = [];
  let i = 0;
  while (i < bars.length) {
    const first = bars[i];
    if (first === undefined) break;
    const day = bucketStart('1d', first.time);
    let j = i;
    while (j < bars.length && bucketStart('1d', bars[j]?.time ?? 0) === day) j++;
    const profile = volumeProfile(bars.slice(i, j), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, share);
    if (profile) out.push(profile);
    i = j;
  }
  return out;
}
