import * as assert from 'node:assert/strict';
import { figuresAt, fundingText, openInterestText, shownFigures } from '../../../src/webviews/chart/barFigures';

const at = (iso: string) => Date.parse(iso);
const FIRST = at('2026-12-05T14:30:00Z');
/** The newest figures, as `chart/derivatives` gives an aggregate's: its last close, funding and open interest. */
const LIVE = { last: 60_000, fundingRate: 0.000019, openInterest: 49_813 };

describe("webviews/chart an aggregate legend's open interest and funding at a bar", () => {
  it('over a bar older than the first figure held, says since when they are held, with no figure', () => {
    const older = at('2026-12-05T13:05:00Z');
    const atBar = figuresAt(older, undefined, FIRST);
    assert.deepEqual(atBar, { kind: 'before', since: FIRST });
    const shown = shownFigures(LIVE, atBar, older);
    assert.deepEqual(shown, { funding: undefined, openInterest: undefined, since: 'OI and funding since 14:30' }, 'not the newest Funding 0.0019% OI 49,813');
    assert.equal(shownFigures(LIVE, figuresAt(at('2026-12-04T23:00:00Z'), undefined, FIRST), at('2026-12-04T23:00:00Z')).since, 'OI and funding since 05 Dec 14:30', "the day when not the bar's");
  });

  it("over a bar with figures, shows that bar's, without the next payment's time (it is not that bar's)", () => {
    const bar = { time: at('2026-12-05T14:41:00Z'), longs: 0, shorts: 0, openInterest: 48_200.5, fundingRate: -0.00005 };
    const shown = shownFigures({ ...LIVE, nextFundingTime: at('2026-12-05T16:00:00Z') }, figuresAt(bar.time, bar, FIRST), bar.time);
    assert.deepEqual(shown, { funding: { rate: -0.00005, paidAt: undefined }, openInterest: 48_200.5, since: undefined });
    assert.equal(openInterestText(shown.openInterest!), '48,201');
    assert.equal(fundingText(shown.funding!), '-0.0050%');
    const first = { time: FIRST, longs: 1, shorts: 0, openInterest: 47_000 };
    assert.deepEqual(figuresAt(FIRST, first, FIRST), { kind: 'held', openInterest: 47_000, fundingRate: undefined }, 'the first bar held is not older than itself');
  });

  it('over a bar since the first figure that got none (a poll failed), says so per figure rather than showing another bar’s', () => {
    const time = at('2026-12-05T14:50:00Z');
    const shown = shownFigures(LIVE, figuresAt(time, { time, longs: 0.5, shorts: 0 }, FIRST), time);
    assert.deepEqual(shown, { funding: '—', openInterest: '—', since: undefined });
    assert.deepEqual(shownFigures(LIVE, figuresAt(time, undefined, FIRST), time), { funding: '—', openInterest: '—', since: undefined }, 'no lanes bar there at all');
  });

  it('the newest bar, or a chart whose lanes hold no figure yet, shows the newest figures (with when the funding is paid)', () => {
    const live = { ...LIVE, nextFundingTime: at('2026-12-05T16:00:00Z') };
    assert.equal(figuresAt(at('2026-12-05T13:05:00Z'), undefined, undefined), undefined);
    assert.deepEqual(shownFigures(live, undefined, at('2026-12-05T15:00:00Z')), { funding: { rate: 0.000019, paidAt: at('2026-12-05T16:00:00Z') }, openInterest: 49_813, since: undefined });
    assert.deepEqual(shownFigures({ last: 60_000 }, undefined, 0), { funding: undefined, openInterest: undefined, since: undefined }, 'none known: none shown');
  });
});
