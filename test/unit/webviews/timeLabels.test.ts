import * as assert from 'node:assert/strict';
import type { TickMarkType, UTCTimestamp } from 'lightweight-charts';
import { chartSizeFor } from '../../../src/webviews/chart/chartSize';
import { crosshairTimeLabel, tickMarkLabel, timeLabelOptions } from '../../../src/webviews/chart/timeLabels';

const YEAR = 0 as TickMarkType.Year;
const MONTH = 1 as TickMarkType.Month;
const DAY = 2 as TickMarkType.DayOfMonth;
const TIME = 3 as TickMarkType.Time;
const SECONDS = 4 as TickMarkType.TimeWithSeconds;

/** What lightweight-charts' defaults show in en-US (UTC fields), with midnight as 00:00 (h23). */
const intl = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', ...options });
const expected: Record<TickMarkType, Intl.DateTimeFormat> = {
  [YEAR]: intl({ year: 'numeric' }),
  [MONTH]: intl({ month: 'short' }),
  [DAY]: intl({ day: 'numeric' }),
  [TIME]: intl({ hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }),
  [SECONDS]: intl({ hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
};

describe('webviews/chart time labels (no Intl at the first paint)', () => {
  const times: number[] = [Date.UTC(2026, 11, 1, 0, 0, 0), Date.UTC(2026, 0, 31, 23, 59, 59), Date.UTC(1999, 1, 28, 12, 0, 30)];
  let seed = 11;
  for (let i = 0; i < 500; i++) times.push(Date.UTC(2000, 0, 1) + ((seed = (seed * 48271) % 2147483647) % 1_000_000_000) * 1000);

  it('tick marks read as lightweight-charts\' en-US defaults, in UTC, for every tick mark type', () => {
    for (const ms of times) {
      const time = (ms / 1000) as UTCTimestamp;
      for (const type of [YEAR, MONTH, DAY, TIME, SECONDS]) {
        assert.equal(tickMarkLabel(time, type), expected[type].format(ms), `${new Date(ms).toISOString()} type ${type}`);
      }
    }
    assert.equal(tickMarkLabel((Date.UTC(2026, 11, 2) / 1000) as UTCTimestamp, TIME), '00:00', 'midnight');
  });

  it('business days and ISO dates are midnight UTC of their day', () => {
    assert.equal(tickMarkLabel({ year: 2026, month: 12, day: 1 }, MONTH), 'Dec');
    assert.equal(tickMarkLabel('2026-02-28', DAY), '28');
    assert.equal(crosshairTimeLabel('2026-02-28'), "28 Feb '26   00:00");
  });

  it("the crosshair's label is lightweight-charts' dd MMM 'yy   HH:MM", () => {
    assert.equal(crosshairTimeLabel((Date.UTC(2026, 11, 1, 15, 5, 59) / 1000) as UTCTimestamp), "01 Dec '26   15:05");
    assert.equal(crosshairTimeLabel((Date.UTC(2009, 0, 3, 18, 15) / 1000) as UTCTimestamp), "03 Jan '09   18:15");
  });
});

describe('webviews/chart time labels as fine as the timeframe', () => {
  const t = (Date.UTC(2026, 11, 2, 5, 54, 17) / 1000) as UTCTimestamp;
  const crosshair = (timeframe: string) => timeLabelOptions(timeframe).localization.timeFormatter(t);
  const tick = (timeframe: string, time: UTCTimestamp, type: TickMarkType) => timeLabelOptions(timeframe).timeScale.tickMarkFormatter(time, type);

  it('the crosshair reads seconds on a 1s chart (each of a minute\'s 60 bars its own), minutes to hours HH:MM', () => {
    assert.equal(crosshair('1s'), "02 Dec '26   05:54:17");
    assert.equal(crosshairTimeLabel((Date.UTC(2026, 11, 2, 5, 54, 18) / 1000) as UTCTimestamp, 'second'), "02 Dec '26   05:54:18");
    for (const tf of ['1m', '15m', '4h', '12h']) assert.equal(crosshair(tf), "02 Dec '26   05:54", tf);
  });

  it('days and weeks read no time of day, a month only its month', () => {
    for (const tf of ['1d', '3d', '1w']) assert.equal(crosshair(tf), "02 Dec '26", tf);
    assert.equal(crosshair('1M'), "Dec '26");
  });

  it("a month bar's tick reads its month, also the lone bar the library weighs as a day of the month", () => {
    const dec = (Date.UTC(2026, 11, 1) / 1000) as UTCTimestamp;
    assert.equal(tick('1M', dec, DAY), 'Dec');
    assert.equal(tick('1M', dec, TIME), 'Dec');
    assert.equal(tick('1M', dec, MONTH), 'Dec');
    assert.equal(tick('1M', (Date.UTC(2027, 0, 1) / 1000) as UTCTimestamp, YEAR), '2027');
    assert.equal(tick('1d', dec, DAY), '1', 'a day bar keeps its day');
    assert.equal(tick('1s', t, SECONDS), '05:54:17');
  });

  it('times of day show on intraday charts only, seconds on 1s', () => {
    const visible = (tf: string) => {
      const { timeVisible, secondsVisible } = timeLabelOptions(tf).timeScale;
      return [timeVisible, secondsVisible];
    };
    assert.deepEqual(visible('1s'), [true, true]);
    assert.deepEqual(visible('1m'), [true, false]);
    assert.deepEqual(visible('1h'), [true, false]);
    for (const tf of ['1d', '3d', '1w', '1M']) assert.deepEqual(visible(tf), [false, false], tf);
  });
});

describe('webviews/chart size', () => {
  it('is whole and even, as lightweight-charts sizes itself, so an odd container does not read as a change', () => {
    assert.deepEqual(chartSizeFor(700, 767), { width: 700, height: 766 });
    assert.deepEqual(chartSizeFor(700.9, 766.4), { width: 700, height: 766 });
    assert.deepEqual(chartSizeFor(701, 767), chartSizeFor(700, 766));
    assert.deepEqual(chartSizeFor(-3, 0), { width: 0, height: 0 });
  });
});
