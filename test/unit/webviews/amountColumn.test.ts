import * as assert from 'node:assert/strict';
import { columnAmount, columnDecimals, stepDecimals, widestInteger, type ColumnAmount } from '../../../src/webviews/shared/amountColumn';
import { sizeDecimals } from '../../../src/webviews/tape/tapeView';

/** Where the decimal point is, in characters, from the right end of a right-aligned cell (its hidden room counted: it is laid out). */
const fromRight = (a: ColumnAmount) => {
  const laid = a.text + a.trail;
  const dot = laid.indexOf('.');
  return dot < 0 ? 0 : laid.length - dot;
};
/** …and from the left end of a left-aligned one. */
const fromLeft = (a: ColumnAmount) => {
  const laid = a.lead + a.text;
  const dot = laid.indexOf('.');
  return dot < 0 ? laid.length : dot;
};
/** Tabular figures: every digit alike wide, and a separator as wide as another; so a cell's width is its character classes'. */
const classes = (text: string) => text.replace(/\d/g, '9');

describe('webviews/shared amount columns lined up on the decimal point', () => {
  it('sizes of 4 significant digits of every magnitude carry the market’s decimals (BTC/USDT: 0.00001), so their points line up', () => {
    const column = columnDecimals([0.00001]);
    assert.equal(column, 5);
    const sizes = [0.001234, 0.01234, 0.1234, 1.234, 12.34, 123.4, 1_234].map((x) => columnAmount(x, column, stepDecimals(0.00001)));
    assert.deepEqual(
      sizes.map((a) => a.text),
      ['0.00123', '0.01234', '0.12340', '1.23400', '12.34000', '123.40000', '1,234.00000'],
    );
    assert.ok(sizes.every((a) => a.lead === '' && a.trail === ''));
    assert.deepEqual(new Set(sizes.map(fromRight)), new Set([6]), 'five decimals and the point');
  });

  it('an aggregate’s tape: the column has its finest leg’s decimals; a coarser leg’s size keeps the room of those it lacks, hidden', () => {
    const legs = [0.00001, 0.00000001, 0.001, null]; // Binance, Coinbase, Bybit, one not known
    assert.equal(sizeDecimals(undefined, legs), 8);
    assert.equal(sizeDecimals(undefined, legs.slice(0, 3)), 8);
    assert.equal(sizeDecimals(0.001, undefined), 3, "a market's tape: its own step");
    const column = sizeDecimals(undefined, [0.00001, 0.001]);
    const bybit = columnAmount(0.5, column, stepDecimals(0.001));
    const binance = columnAmount(0.01234, column, stepDecimals(0.00001));
    assert.deepEqual(bybit, { lead: '', text: '0.500', trail: '00' });
    assert.deepEqual(binance, { lead: '', text: '0.01234', trail: '' });
    assert.equal(fromRight(bybit), fromRight(binance));
  });

  it('a lot step not known: each size as many decimals as it has (at most 8), the room of the rest kept', () => {
    assert.equal(stepDecimals(undefined), undefined);
    assert.equal(stepDecimals(0), undefined);
    assert.equal(columnDecimals([undefined]), 8);
    const cells = [0.5, 0.00012345, 12, 0.1 + 0.2].map((x) => columnAmount(x, 8));
    assert.deepEqual(
      cells.map((a) => a.text + '|' + a.trail),
      ['0.5|0000000', '0.00012345|', '12|.00000000', '0.3|0000000'],
    );
    assert.deepEqual(new Set(cells.map(fromRight)), new Set([9]));
  });

  it('a number too long for all its decimals shows fewer (never a K or M that has no point), keeping their room', () => {
    const big = columnAmount(123_456.789, 5, 5);
    assert.deepEqual(big, { lead: '', text: '123,456.7890', trail: '0' });
    assert.equal(fromRight(big), fromRight(columnAmount(1, 5, 5)));
    const huge = columnAmount(12_345_678_901, 2, 2);
    assert.deepEqual(huge, { lead: '', text: '12,345,678,901', trail: '.00' });
    assert.equal(fromRight(huge), fromRight(columnAmount(1, 2, 2)));
  });

  it("a left-aligned column (the ladder's asks and volume) gets, before each size, the room of the digits its widest has and it lacks", () => {
    const values = [1_234.5, 12.5, 0.25, 9.999999];
    const widest = widestInteger(Math.max(...values), 5);
    assert.equal(widest, '1,234');
    const cells = values.map((x) => columnAmount(x, 5, 5, widest));
    assert.deepEqual(
      cells.map((a) => `${a.lead}|${a.text}`),
      ['|1,234.50000', '1,2|12.50000', '1,23|0.25000', '1,2|10.00000'],
    );
    assert.deepEqual(new Set(cells.map(fromLeft)), new Set([5]));
    // The room is the widest's own characters, so each cell is as wide as the widest up to the point.
    for (const a of cells) assert.equal(classes(a.lead + a.text.slice(0, a.text.indexOf('.'))), classes(widest));
  });

  it('a value that is not a number reads as a dash, with no room', () => {
    assert.deepEqual(columnAmount(Number.NaN, 5, 5), { lead: '', text: '—', trail: '' });
  });
});
