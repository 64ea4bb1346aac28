import { UnsupportedTimeframeError } from './errors';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/**
 * Weekly buckets open on Monday 00:00 UTC on every exchange (the epoch was a Thursday), so that a market's weeks are
 * the same in its chart, its alerts, its footprint and an aggregate of it with others. An exchange whose 1w klines
 * open on another weekday (KuCoin's and Hyperliquid's on Thursday, the epoch's) has its weeks folded from its daily
 * klines instead (HistoryService.candlesBetween), as its live trades are bucketed here.
 */
const WEEK_OFFSET = 4 * DAY;

const FIXED_DURATIONS = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': WEEK,
} as const;

export type Timeframe = keyof typeof FIXED_DURATIONS | '1M';

export const TIMEFRAMES: readonly Timeframe[] = [...(Object.keys(FIXED_DURATIONS) as Timeframe[]), '1M'];

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

/** Validates untrusted input; `allowed` narrows to what an exchange supports. */
export function parseTimeframe(value: unknown, allowed: readonly Timeframe[] = TIMEFRAMES): Timeframe {
  if (isTimeframe(value) && allowed.includes(value)) return value;
  throw new UnsupportedTimeframeError(String(value), allowed);
}

/** Nominal duration; a month counts as 30 days (used only for sizing, never for bucketing). */
export function timeframeMs(tf: Timeframe): number {
  return tf === '1M' ? 30 * DAY : FIXED_DURATIONS[tf];
}

export function bucketStart(tf: Timeframe, timestamp: number): number {
  switch (tf) {
    case '1M': {
      const d = new Date(timestamp);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case '1w':
      return Math.floor((timestamp - WEEK_OFFSET) / WEEK) * WEEK + WEEK_OFFSET;
    default: {
      const size = FIXED_DURATIONS[tf];
      return timestamp - mod(timestamp, size);
    }
  }
}

/** Whether `time` opens a `tf` bucket (an exchange's bar at another time is on another grid: see WEEK_OFFSET). */
export function isBucketStart(tf: Timeframe, time: number): boolean {
  return bucketStart(tf, time) === time;
}

export function nextBucketStart(tf: Timeframe, bucket: number): number {
  if (tf === '1M') {
    const d = new Date(bucket);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return bucket + FIXED_DURATIONS[tf];
}

/** Buckets of `fine` tile buckets of `coarse` exactly (e.g. 1h tiles 1d, 1d tiles 1w and 1M). */
export function tiles(fine: Timeframe, coarse: Timeframe): boolean {
  if (fine === coarse) return true;
  if (fine === '1M' || fine === '1w') return false;
  const f = FIXED_DURATIONS[fine];
  if (coarse === '1M' || coarse === '1w') return DAY % f === 0;
  const c = FIXED_DURATIONS[coarse];
  return c > f && c % f === 0;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
