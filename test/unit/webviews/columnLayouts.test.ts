// A table's layouts in a narrow pane (webviews/shared/columnLayouts.ts): which columns go first, and, laid out as CSS
// grid does with media/tape.css's least widths, that the tape's layouts keep its numbers whole from 260 px up.
import * as assert from 'node:assert/strict';
import { layout, tracks } from '../../helpers/tapeGrid';
import { bookLayouts, chooseLayout, hiddenHint, ladderLayouts, rowsInView, tapeLayouts, venueCodes, type ColumnLayout } from '../../../src/webviews/shared/columnLayouts';


/** DejaVu Sans's advance widths in em (the widest of the usual UI fonts): a digit, the separators, a letter (about). */
const EM: Readonly<Record<string, number>> = { digit: 1303 / 2048, ',': 651 / 2048, '.': 651 / 2048, ':': 690 / 2048, K: 1343 / 2048 };
const width = (text: string, fontPx: number) => [...text].reduce((w, ch) => w + (/\d/.test(ch) ? EM.digit! : (EM[ch] ?? 0.72)), 0) * fontPx;

/** What an aggregate tape's row shows in each column a fitted layout has, in its order. */
function contents(l: ColumnLayout): string[] {
  const has = (c: string) => l.classes.includes(c);
  return [has('fit-short-time') ? '05:34:18' : '05:34:18.812', ...(has('fit-no-venue') ? [] : [has('fit-venue-code') ? 'BN2' : 'coinbase']), '59,975.00', ...(has('fit-no-size') ? [] : ['0.00012345'])];
}

describe('webviews/shared columnLayouts', () => {
  it('chooses the first layout with nothing cut, else the last', () => {
    assert.equal(chooseLayout(4, () => false), 0);
    assert.equal(chooseLayout(4, (i) => i < 2), 2);
    assert.equal(chooseLayout(4, () => true), 3);
    const tried: number[] = [];
    chooseLayout(3, (i) => (tried.push(i), true));
    assert.deepEqual(tried, [0, 1], 'the last is not laid out to be read: it is shown whatever');
  });

  it('reads only the rows in view, of a list scrolled either way (the asks scroll to negative offsets)', () => {
    assert.deepEqual(rowsInView(0, 180, 18, 500), { first: 0, end: 11 });
    assert.deepEqual(rowsInView(360, 180, 18, 500), { first: 20, end: 31 });
    assert.deepEqual(rowsInView(-360, 180, 18, 500), { first: 20, end: 31 });
    assert.deepEqual(rowsInView(9000, 180, 18, 30), { first: 30, end: 30 });
    assert.deepEqual(rowsInView(0, 180, 0, 30), { first: 0, end: 1 }, 'no row laid out yet: the first');
  });

  it('the tape gives up its value first and its size last, never its price; what a layout hides the next hides too', () => {
    for (const withVenue of [false, true]) {
      const ls = tapeLayouts(withVenue);
      assert.deepEqual(ls[0]?.hidden, []);
      assert.deepEqual(ls[1]?.hidden, ['Value']);
      assert.ok(ls.at(-1)?.hidden.includes('Size'));
      for (const [i, l] of ls.entries()) {
        if (l.template !== undefined) assert.match(l.template, /--tape-price-min/, `layout ${i} keeps the price`);
        const before = ls[i - 1];
        if (before) for (const h of before.hidden) assert.ok(l.hidden.includes(h), `layout ${i} hides ${h} too`);
        if (l.template !== undefined) assert.equal(tracks(l.template, 13).length, (withVenue ? 5 : 4) - l.hidden.length, `layout ${i}: a track per column shown`);
      }
    }
    const first = (c: string) => tapeLayouts(true).findIndex((l) => l.classes.includes(c));
    assert.ok(first('fit-venue-code') > 0 && first('fit-venue-code') < first('fit-no-venue'), 'the exchange says its code before it goes');
  });

  it('the ladder gives up the legs, then the volume, never a side or the price; the book its total', () => {
    assert.deepEqual(ladderLayouts(true).map((l) => l.hidden), [[], ['Legs'], ['Legs', 'Vol'], ['Legs', 'Vol']]);
    assert.deepEqual(ladderLayouts(false).map((l) => l.hidden), [[], ['Vol'], ['Vol']]);
    assert.deepEqual(bookLayouts().map((l) => l.hidden), [[], ['Total'], ['Total']]);
    assert.equal(hiddenHint([]), undefined);
    assert.equal(hiddenHint(['Exchange', 'Value']), 'Exchange, Value hidden: widen the pane to show them');
  });

  it('codes each exchange shortly and each leg differently', () => {
    assert.deepEqual(venueCodes(['binance', 'coinbase', 'bybit']), ['BN', 'CB', 'BY']);
    assert.deepEqual(venueCodes(['binance BTC/USDT', 'binance BTC/USDT:USDT', 'somewhere']), ['BN1', 'BN2', 'SO']);
    assert.deepEqual(venueCodes(['']), ['?']);
  });

  for (const fontPx of [13, 16]) {
    it(`an aggregate's tape at ${fontPx} px, laid out as CSS grid does: from 260 px up (scaled with the font) a fitted layout shows its time, price and 8-decimal size whole, and from 340 px its exchange too (at least its code)`, () => {
      const fitted = tapeLayouts(true).filter((l) => l.template !== undefined);
      const wholeAt = (l: ColumnLayout, px: number) => {
        const tight = l.classes.includes('fit-tight');
        const pad = tight ? 4 : 8;
        const gap = tight ? 4 : 8;
        const columns = tracks(l.template ?? '', fontPx);
        const sizes = layout(columns, px - 12 - 2 * pad - (columns.length - 1) * gap); // 12: the list's scrollbar
        return contents(l).every((text, i) => (sizes[i] ?? 0) >= width(text, fontPx));
      };
      const scaled = (px: number) => Math.round((px * fontPx) / 13);
      for (let px = scaled(260); px <= 700; px++) {
        const chosen = fitted.find((l) => wholeAt(l, px));
        assert.ok(chosen, `${px} px: a layout with nothing cut`);
        assert.ok(!chosen.hidden.includes('Size'), `${px} px: the size is shown`);
        if (px >= scaled(340)) assert.ok(!chosen.hidden.includes('Exchange'), `${px} px: the exchange is shown (${chosen.classes.join(' ')})`);
      }
    });
  }
});
