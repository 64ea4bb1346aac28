import * as assert from 'node:assert/strict';
import { lanesStartMark, lanesStartText } from '../../../src/webviews/chart/lanesStart';

const at = (iso: string) => Date.parse(iso);

describe('webviews/chart lanes start mark', () => {
  it('marks the first lanes bar, its text at the left end of the empty part when it fits there', () => {
    assert.deepEqual(lanesStartMark(300, 400, 120), { x: 300, textX: 4 });
    assert.deepEqual(lanesStartMark(128, 400, 120), { x: 128, textX: 4 }, 'just fits');
  });

  it('puts the text right of the line when the empty part is narrower than it', () => {
    assert.deepEqual(lanesStartMark(127, 400, 120), { x: 127, textX: 131 });
    assert.deepEqual(lanesStartMark(50, 400, 120), { x: 50, textX: 54 });
  });

  it('marks the right edge when every bar in view is older than the lanes', () => {
    assert.deepEqual(lanesStartMark(null, 400, 120), { x: 400, textX: 4 });
    assert.deepEqual(lanesStartMark(900, 400, 120), { x: 400, textX: 4 });
  });

  it('marks nothing when the lanes cover the left edge (nothing empty to explain)', () => {
    assert.equal(lanesStartMark(0, 400, 120), null);
    assert.equal(lanesStartMark(-30, 400, 120), null);
  });

  it('says since when, with the day when it is not the newest bar’s', () => {
    assert.equal(lanesStartText('liquidations', at('2026-12-05T08:47:00Z'), at('2026-12-05T09:10:00Z')), 'liquidations since 08:47');
    assert.equal(lanesStartText('OI and funding', at('2026-12-04T23:58:00Z'), at('2026-12-05T00:10:00Z')), 'OI and funding since 04 Dec 23:58');
  });
});
