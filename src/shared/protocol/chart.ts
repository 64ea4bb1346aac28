/** The chart panel's messages: snapshot, candle and footprint changes from the host; timeframe, footprint mode and older bars from the webview. */
import { command, fields, notification, payload, request } from './ipc';
import { amount, legsOf, market, MAX_LEG_LABEL_CHARS, price, time, type MarketRef } from './shared';
import { arrayOf, bool, both, num, oneOf, optional, record, str, tuple, tupleWithTail, type Check } from './wireCheck';
import { MAX_LEGS } from '../util/maxLegs';

/**
 * [time ms, open, high, low, close, volume, partial, partialSince] — compact on the wire. `partial` (sent only when
 * true): trades of this bar may be missing (a gap in the trade stream whose backfill failed, or a seam the exchange
 * cannot give exactly), so the bar is not final. `partialSince` (ms, only with `partial`): inside the bar, since when.
 */
export type CandleWire = [time: number, open: number, high: number, low: number, close: number, volume: number, partial?: boolean, partialSince?: number];

/**
 * An aggregated market's taker flow in a bar, in base units: [time ms, buy volume, sell volume, spot legs' buy volume,
 * spot legs' sell volume, volume of each leg…] (legs in the order of the snapshot's `legs`; the derivatives legs' flow
 * is the whole less the spot legs'). Sent only for a chart of an aggregate.
 */
export type FlowWire = readonly number[];


/** A derivatives chart's note on its polls' trouble. */
export const MAX_DERIVATIVES_NOTE_CHARS = 2000;
/** Why older bars could not be loaded (shown at the chart's left edge). */
export const MAX_OLDER_BARS_ERROR_CHARS = 500;
/** A marker's text (an alert rule's name: bounded where the rule is read). */
export const MAX_MARKER_TEXT_CHARS = 2000;

export interface ChartOptionsWire {
  readonly emaPeriods: readonly number[];
  readonly showVolume: boolean;
}

export interface MarkerWire {
  readonly time: number;
  readonly text: string;
  readonly position: 'above' | 'below';
}

/** Absent when the bars are complete; 'cached' while cached bars are topped up from REST; 'loading' while the
 *  exchange's newest bars (asked first, nothing cached) wait for the rest of the history and the live trades;
 *  'offline' when REST history could not be loaded (cached bars and live trades only). */
export type HistoryNote = 'cached' | 'loading' | 'offline';

const timeframe = str(8, { nonEmpty: true });
const candle = tupleWithTail([time, price, price, price, price, amount], [bool, time]);
/** Times (read by `timeOf`) strictly ascending: the chart library throws on anything else. */
const ascendingBy =
  <R>(timeOf: (row: R | undefined) => number | undefined): Check =>
  (v, path) => {
    const rows = v as readonly R[];
    for (let i = 1; i < rows.length; i++) {
      const [t, prev] = [timeOf(rows[i]) ?? NaN, timeOf(rows[i - 1]) ?? NaN];
      if (!(t > prev)) return `${path}[${i}]: times must be strictly ascending, got ${t} after ${prev}`;
    }
    return undefined;
  };
const ascending = ascendingBy<CandleWire>((r) => r?.[0]);
const ascendingCandles = both(arrayOf(candle), ascending);
const flow = tupleWithTail([time, amount, amount, amount, amount], Array.from({ length: MAX_LEGS }, () => amount));
const flows = optional(arrayOf(flow));

/** The footprint's volume profile: of the bars in view, or one per UTC day (session). */
export const VOLUME_PROFILE_MODES = ['visible', 'session'] as const;
export type VolumeProfileMode = (typeof VOLUME_PROFILE_MODES)[number];

// Host → webview
export const ChartSnapshot = notification(
  'chart/snapshot',
  payload<{
    readonly market: MarketRef;
    readonly timeframe: string;
    readonly timeframes: readonly string[];
    readonly candles: readonly CandleWire[];
    readonly options: ChartOptionsWire;
    readonly markers: readonly MarkerWire[];
    readonly history?: HistoryNote;
    /** An aggregate's legs ("binance BTC/USDT"), whose shares `flows` carries. */
    readonly legs?: readonly string[];
    readonly flows?: readonly FlowWire[];
    /** The footprint mode is on (its bars come in chart/footprint). */
    readonly footprint?: boolean;
    /** The footprint's volume profile: of the bars in view (absent), or one per UTC day (the setting tradesuite.footprint.volumeProfile). */
    readonly volumeProfile?: VolumeProfileMode;
    /** The market's price increment, when known: prices show its decimals even before a bar carries them. */
    readonly tickSize?: number;
    /** No bar of the market is older than this (epoch ms; a replay's first recorded trade): the chart asks for none before it. */
    readonly historyFrom?: number;
    /**
     * The panel's count of snapshots sent so far, this one included (the one in the page's HTML too): the page draws
     * none older than the newest it drew.
     */
    readonly rev?: number;
  }>(
    record({
      market,
      timeframe,
      timeframes: arrayOf(timeframe),
      candles: ascendingCandles,
      options: record({ emaPeriods: arrayOf(num({ integer: true, min: 1, max: 1000 })), showVolume: bool }),
      markers: arrayOf(record({ time, text: str(MAX_MARKER_TEXT_CHARS), position: oneOf(['above', 'below']) })),
      history: optional(oneOf(['cached', 'loading', 'offline'])),
      legs: optional(legsOf(str(MAX_LEG_LABEL_CHARS))),
      flows,
      footprint: optional(bool),
      volumeProfile: optional(oneOf(VOLUME_PROFILE_MODES)),
      tickSize: optional(price),
      historyFrom: optional(time),
      rev: optional(num({ integer: true, min: 1 })),
    }),
  ),
);
/** Bars that changed since the last message (merged by bar time on the host, newest values win). */
export const ChartCandles = notification('chart/candles', payload<{ readonly candles: readonly CandleWire[]; readonly flows?: readonly FlowWire[] }>(record({ candles: arrayOf(candle), flows })));

/** A perpetual's ticker beside its bars: last and mark price, funding and open interest (each only when the exchange sends it). */
export interface DerivativesWire {
  readonly last: number;
  readonly markPrice?: number;
  readonly indexPrice?: number;
  /** The next funding's rate as a fraction (0.0001 = 0.01 %). */
  readonly fundingRate?: number;
  readonly nextFundingTime?: number;
  /** In contracts (base units for linear perpetuals). */
  readonly openInterest?: number;
  /** Why open interest or funding may be stale: their polls retrying or refused, naming the market and the error. */
  readonly note?: string;
}
/** The newest derivatives ticker of a perpetual's chart (the newest in a frame wins). */
export const ChartDerivatives = notification(
  'chart/derivatives',
  payload<DerivativesWire>(
    record({
      last: price,
      markPrice: optional(price),
      indexPrice: optional(price),
      fundingRate: optional(num({ min: -1, max: 1 })),
      nextFundingTime: optional(time),
      openInterest: optional(amount),
      note: optional(str(MAX_DERIVATIVES_NOTE_CHARS)),
    }),
  ),
);
/**
 * An aggregate's lanes in one bar: the base volume of longs and of shorts liquidated, and its derivatives legs' open
 * interest (base units, summed) and funding rate (a fraction, weighted by open interest) as of the bar's last ticker.
 */
export interface LaneWire {
  readonly time: number;
  readonly longs: number;
  readonly shorts: number;
  readonly openInterest?: number;
  readonly fundingRate?: number;
  /** Sent only when true: liquidations of a leg may be missing from the bar (its stream was down, or the lanes began inside it). */
  readonly partial?: boolean;
}
const lane = record({ time, longs: amount, shorts: amount, openInterest: optional(amount), fundingRate: optional(num({ min: -1, max: 1 })), partial: optional(bool) });
/**
 * The lanes of an aggregate chart (liquidations, open interest, funding) in the bars that changed, merged by bar time
 * on the host per frame; `reset`: every bar with a lane value (after each snapshot), replacing what the page holds.
 * Sent only for an aggregate with a derivatives leg.
 */
export const ChartLanes = notification(
  'chart/lanes',
  payload<{ readonly bars: readonly LaneWire[]; readonly reset?: boolean }>(record({ bars: both(arrayOf(lane), ascendingBy<LaneWire>((r) => r?.time)), reset: optional(bool) })),
);

/** [price (the bucket's lowest), buy volume, sell volume, imbalances] — imbalances sent only when set: 1 buy, 2 sell, 3 both. */
export type FootprintCellWire = [price: number, buy: number, sell: number, imbalance?: number];

/** A footprint bar: in `chart/footprint` with every cell, in `chart/footprintBars` with the changed cells to merge by price. */
export interface FootprintBarWire {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly buy: number;
  readonly sell: number;
  /** The point of control's price. */
  readonly poc: number;
  readonly cells: readonly FootprintCellWire[];
  /** Trades of this bar may be missing (the history began inside it, or a reconnect's hole was not refilled). */
  readonly partial?: boolean;
}

/** [time ms, the bar's delta (buy − sell), the CVD through this bar]. */
export type DeltaWire = [time: number, delta: number, cvd: number];

const footprintCell = tupleWithTail([price, amount, amount], [num({ integer: true, min: 1, max: 3 })]);
const footprintBar = record({ time, open: price, high: price, low: price, close: price, buy: amount, sell: amount, poc: price, cells: arrayOf(footprintCell), partial: optional(bool) });
const signed = num();
const deltaBar = tuple(time, signed, signed);

/**
 * Every footprint bar of the chart's timeframe, once the footprint's history is in (and after a timeframe change).
 * `market` and `timeframe` name the series it belongs to: it may arrive before that series' `chart/snapshot`.
 * `depth`: every trade from this time on is counted; bars before it are drawn as plain candles. `bucket`: the price
 * step of a cell. `imbalanceRatio`: the diagonal imbalance rule, for cells the chart merges to stay readable.
 * `cvdReset`: whether the CVD starts again each UTC day.
 */
export const ChartFootprint = notification(
  'chart/footprint',
  payload<{
    readonly market: MarketRef;
    readonly timeframe: string;
    readonly depth: number;
    readonly bucket: number;
    readonly imbalanceRatio: number;
    readonly cvdReset: 'session' | 'continuous';
    readonly bars: readonly FootprintBarWire[];
    readonly deltas: readonly DeltaWire[];
  }>(
    record({ market, timeframe, depth: time, bucket: num({ above: 0 }), imbalanceRatio: num({ above: 0 }), cvdReset: oneOf(['session', 'continuous']), bars: arrayOf(footprintBar), deltas: arrayOf(deltaBar) }),
  ),
);
/**
 * The footprint's trades are loading: those from `from` up to `until` (when the load began) are asked of REST, and
 * `reached` says how far they are in: `forward`, from `from` up to its time; `backward` (the exchange pages from now
 * toward `from`, as Coinbase does), from its time up to `until`. `chart/footprint` ends it.
 */
export interface FootprintLoadingWire {
  readonly from: number;
  readonly until: number;
  readonly reached?: { readonly direction: 'forward' | 'backward'; readonly time: number };
}
const reached = record({ direction: oneOf(['forward', 'backward']), time });
export const ChartFootprintLoading = notification('chart/footprintLoading', payload<FootprintLoadingWire>(record({ from: time, until: time, reached: optional(reached) })));
/** Footprint bars changed since the last message (merged on the host per frame: bars by time, cells by price). */
export const ChartFootprintBars = notification('chart/footprintBars', payload<{ readonly bars: readonly FootprintBarWire[]; readonly deltas: readonly DeltaWire[] }>(record({ bars: arrayOf(footprintBar), deltas: arrayOf(deltaBar) })));

// Webview → host
/** The footprint mode on or off (the toolbar button); the host keeps it in the panel's state. */
export const ChartSetFootprint = command('chart/setFootprint', fields<{ readonly on: boolean }>({ on: bool }), 'on must be true or false');
/** The footprint's volume profile per UTC session or of the bars in view (the toolbar button); the host keeps it in the setting. */
export const ChartSetVolumeProfile = command(
  'chart/setVolumeProfile',
  fields<{ readonly mode: VolumeProfileMode }>({ mode: oneOf(VOLUME_PROFILE_MODES) }),
  'mode must be "visible" or "session"',
);
/**
 * The volume profile mode the setting holds, sent when it changes (the button's write, the command, settings.json)
 * and as the answer to chart/setVolumeProfile once its write has settled, with the setting as it then is
 * (`answered`: how many of the page's asks this answers). The page shows the mode it asked for at once and takes
 * the host's word once every ask is answered.
 */
export const ChartVolumeProfile = notification(
  'chart/volumeProfile',
  payload<{ readonly mode: VolumeProfileMode; readonly answered?: number }>(record({ mode: oneOf(VOLUME_PROFILE_MODES), answered: optional(num({ min: 1, integer: true })) })),
);
export const ChartSetTimeframe = command('chart/setTimeframe', fields<{ readonly timeframe: string }>({ timeframe: str(8) }), 'timeframe must be a short string');
/**
 * The bars before the oldest one the chart holds (scrolling left), answered by `chart/olderBars` with the same
 * `requestId`: at most `count` bars ending before `before`, oldest first; `exhausted` when there are no more
 * (`cappedAt`: none are loaded past this many older bars, though the exchange has them). `error` names a failure (no bars then) the chart shows at its left edge; asking again retries.
 */
export const ChartLoadOlderBars = request(
  'chart/loadOlderBars',
  fields<{ readonly before: number; readonly count: number }>({ before: time, count: num({ integer: true, min: 1, max: 5000 }) }),
  'needs before (a time in ms) and count (a whole number from 1 to 5000)',
  {
    method: 'chart/olderBars',
    params: fields<{ readonly candles: readonly CandleWire[]; readonly exhausted: boolean; readonly cappedAt?: number; readonly error?: string }>({ candles: ascendingCandles, exhausted: bool, cappedAt: optional(num({ integer: true, min: 1 })), error: optional(str(MAX_OLDER_BARS_ERROR_CHARS)) }),
  },
);
