/**
 * The time axis' labels and the crosshair's time label, written out by hand in UTC. lightweight-charts' defaults
 * format with `Date.prototype.toLocaleString` and options: the first call builds ICU's date formatting (40–80 ms of a
 * new page's first paint, measured in Chromium here) and every later one a new formatter. The text is the default's
 * in English: ticks 2026 · Dec · 1 · 15:00 (15:00:30 with seconds), crosshair 01 Dec '26   15:05; midnight reads
 * 00:00, where the en-US default says 24:00. Both are as fine as the chart's timeframe: a 1s bar's crosshair reads
 * 15:05:07, a day's or a week's no time of day, a month's only its month (Dec '26).
 */
import type { TickMarkType, Time } from 'lightweight-charts';
import { MONTHS, formatClockUtc, formatTimeUtc } from '../shared/format';

// lightweight-charts' TickMarkType values (public API), typed so the compiler checks each one; its enum object
// itself is not imported, so this module also loads in Node (the library's package exports ESM only).
const YEAR: TickMarkType.Year = 0;
const MONTH: TickMarkType.Month = 1;
const DAY_OF_MONTH: TickMarkType.DayOfMonth = 2;
const TIME: TickMarkType.Time = 3;
const TIME_WITH_SECONDS: TickMarkType.TimeWithSeconds = 4;

const two = (n: number) => String(n).padStart(2, '0');

/** The chart's times are UTC seconds; a business day or an ISO date string is midnight UTC of that day. */
function utcDate(time: Time): Date {
  if (typeof time === 'number') return new Date(time * 1000);
  if (typeof time === 'string') return new Date(`${time}T00:00:00Z`);
  return new Date(Date.UTC(time.year, time.month - 1, time.day));
}

/** How finely a timeframe's bars are told apart. */
export type TimeResolution = 'second' | 'minute' | 'day' | 'month';

/** `1s` → second, `5m` / `4h` → minute, `1d` / `3d` / `1w` → day, `1M` → month. */
export function timeResolution(timeframe: string): TimeResolution {
  if (timeframe.endsWith('s')) return 'second';
  if (timeframe.endsWith('M')) return 'month';
  if (timeframe.endsWith('d') || timeframe.endsWith('w')) return 'day';
  return 'minute';
}

/** The time scale's and the crosshair's options for a chart of `timeframe`. */
export function timeLabelOptions(timeframe: string) {
  const resolution = timeResolution(timeframe);
  return {
    timeScale: {
      timeVisible: resolution === 'second' || resolution === 'minute',
      secondsVisible: resolution === 'second',
      tickMarkFormatter: (time: Time, type: TickMarkType) => tickMarkLabel(time, type, resolution),
    },
    localization: { timeFormatter: (time: Time) => crosshairTimeLabel(time, resolution) },
  } as const;
}

/**
 * A tick mark's label (`timeScale.tickMarkFormatter`). Month bars' ticks read as months whatever the type: the
 * library guesses a lone bar's (it has no neighbour to weigh it against) as a day of the month, which read `1`.
 */
export function tickMarkLabel(time: Time, tickType: TickMarkType, resolution: TimeResolution = 'minute'): string {
  const d = utcDate(time);
  const type = resolution === 'month' && tickType !== YEAR ? MONTH : tickType;
  switch (type) {
    case YEAR:
      return String(d.getUTCFullYear());
    case MONTH:
      return MONTHS[d.getUTCMonth()] ?? '';
    case DAY_OF_MONTH:
      return String(d.getUTCDate());
    case TIME:
      return formatClockUtc(d.getTime() / 1000);
    case TIME_WITH_SECONDS:
      return formatTimeUtc(d.getTime());
    default: {
      const unknown: never = type;
      return String(unknown);
    }
  }
}

/** The crosshair's label on the time axis (`localization.timeFormatter`), as fine as the bars. */
export function crosshairTimeLabel(time: Time, resolution: TimeResolution = 'minute'): string {
  const d = utcDate(time);
  const month = `${MONTHS[d.getUTCMonth()] ?? ''} '${two(d.getUTCFullYear() % 100)}`;
  switch (resolution) {
    case 'month':
      return month;
    case 'day':
      return `${two(d.getUTCDate())} ${month}`;
    case 'minute':
      return `${two(d.getUTCDate())} ${month}   ${formatClockUtc(d.getTime() / 1000)}`;
    case 'second':
      return `${two(d.getUTCDate())} ${month}   ${formatTimeUtc(d.getTime())}`;
    default: {
      const unknown: never = resolution;
      return String(unknown);
    }
  }
}
