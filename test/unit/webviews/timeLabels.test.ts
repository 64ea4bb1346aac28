import * as assert from 'node:assert/strict';
import type { TickMarkType, UTCTimestamp } from 'lightweight-charts';
import { chartSizeFor } from '../../../src/webviews/chart/chartSize';
import { crosshairTimeLabel, tickMarkLabel } from '../../../src/webviews/chart/timeLabels';

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

describe('webviews/chart size', () => {
  it('is whole and even, as lightweight-charts sizes itself, so an odd container does not read as a change', () => {
    assert.deepEqual(chartSizeFor(700, 767), { width: 700, height: 766 });
    assert.deepEqual(chartSizeFor(700.9, 766.4), { width: 700, height: 766 });
    assert.deepEqual(chartSizeFor(701, 767), chartSizeFor(700, 766));
    assert.deepEqual(chartSizeFor(-3, 0), { width: 0, height: 0 });
  });
});
