import * as assert from 'node:assert/strict';
import { columnAmount } from '../../../src/webviews/shared/amountColumn';
import { ladderAmounts, rowDecimals, sameAmounts, sameLadderRow, type LadderRowProps } from '../../../src/webviews/dom/ladderAmounts';

const MAX = { bid: 2.5, ask: 12.5, traded: 0.5 };
/** Binance BTC/USDT (0.00001), Coinbase BTC/USD (0.00000001), Bybit BTC/USDT:USDT (0.001), in leg order. */
const LEG_STEPS = [0.00001, 0.00000001, 0.001];
/** What a cell lays out (its hidden room counted): where its point is from the right end. */
const fromRight = (a: { text: string; trail: string }) => {
  const laid = a.text + a.trail;
  return laid.length - laid.indexOf('.');
};

describe("webviews/dom the ladder's size decimals", () => {
  it("one market's sizes carry its lot step's decimals (unchanged)", () => {
    const amounts = ladderAmounts(0.00001, undefined, MAX);
    assert.equal(amounts.column, 5);
    assert.deepEqual(rowDecimals({}, amounts), { book: 5, traded: 5 });
    assert.equal(columnAmount(0.305, amounts.column, rowDecimals({}, amounts).book).text, '0.30500');
  });

  it("an aggregate's summed size shows the decimals of the finest leg in its row, not 8 (0.30500, not 0.30500000)", () => {
    const amounts = ladderAmounts(undefined, LEG_STEPS, MAX);
    assert.equal(amounts.column, 8, "the column is the finest leg's (Coinbase's satoshi)");
    assert.deepEqual(amounts.legs, [5, 8, 3]);
    // Binance 0.275 + Bybit 0.030 in one row: 0.305 to Binance's five decimals.
    const binanceAndBybit = rowDecimals({ shares: [0.9, 0, 0.1] }, amounts);
    assert.equal(binanceAndBybit.book, 5);
    const cell = columnAmount(0.275 + 0.03, amounts.column, binanceAndBybit.book);
    assert.deepEqual([cell.text, cell.trail], ['0.30500', '000'], 'its room for the column kept hidden');
    // Bybit alone: its 0.001.
    assert.equal(columnAmount(0.031, amounts.column, rowDecimals({ shares: [0, 0, 1] }, amounts).book).text, '0.031');
    // With Coinbase in the row the sum has its satoshis: all eight are real.
    const withCoinbase = columnAmount(0.275 + 0.03001873, amounts.column, rowDecimals({ shares: [0.5, 0.4, 0.1] }, amounts).book);
    assert.equal(withCoinbase.text, '0.30501873');
    assert.equal(new Set([cell, withCoinbase, columnAmount(0.031, amounts.column, 3)].map(fromRight)).size, 1, 'their points line up');
  });

  it("the traded volume shows the decimals of the finest leg that traded in the row; a row naming no leg takes the column's", () => {
    const amounts = ladderAmounts(undefined, LEG_STEPS, MAX);
    assert.equal(rowDecimals({ tradedLegs: 0b100 }, amounts).traded, 3, 'Bybit alone');
    assert.equal(rowDecimals({ tradedLegs: 0b101 }, amounts).traded, 5, 'Binance and Bybit');
    assert.equal(rowDecimals({ tradedLegs: 0b111 }, amounts).traded, 8, 'Coinbase too');
    assert.deepEqual(rowDecimals({}, amounts), { book: 8, traded: 8 });
    assert.deepEqual(rowDecimals({ shares: [0, 0, 0], tradedLegs: 1 << 5 }, amounts), { book: 8, traded: 8 }, 'no share, and a leg it does not have');
  });

  it('a leg without a lot step (an inverse contract) counts as 8 decimals, in its rows and in the column', () => {
    const amounts = ladderAmounts(undefined, [0.001, null], MAX);
    assert.equal(amounts.column, 8);
    assert.equal(rowDecimals({ shares: [1, 0] }, amounts).book, 3);
    assert.equal(rowDecimals({ shares: [0.5, 0.5] }, amounts).book, 8);
  });

  it("an aggregate's columns are the same while its steps are (a row is drawn again only when its figures change)", () => {
    assert.ok(sameAmounts(ladderAmounts(undefined, LEG_STEPS, MAX), ladderAmounts(undefined, [...LEG_STEPS], MAX)));
    assert.ok(!sameAmounts(ladderAmounts(undefined, LEG_STEPS, MAX), ladderAmounts(undefined, [0.00001, 0.00000001, 0.01], MAX)));
    assert.ok(!sameAmounts(ladderAmounts(undefined, LEG_STEPS, MAX), ladderAmounts(0.00001, undefined, MAX)));
  });
});

describe('webviews/dom a ladder row is redrawn only when what it shows changed', () => {
  // Each dom/update is parsed afresh: its legs (and a market's "no legs") are new lists with the same content.
  const props = (legs: LadderRowProps['legs'], row: Partial<LadderRowProps['row']> = {}): LadderRowProps => ({
    row: { price: 100, bid: 1.5, ask: 0, traded: 0.25, ...row },
    legs,
    decimals: 2,
    amounts: ladderAmounts(0.001, undefined, MAX),
    zone: 'bid',
    isLast: false,
    best: undefined,
  });

  it("one market's row with the same numbers is not redrawn by the next update", () => {
    assert.ok(sameLadderRow(props([]), props([])), 'every update redrew all 121 rows');
    assert.ok(!sameLadderRow(props([]), props([], { bid: 1.6 })));
  });

  it("an aggregate's row is not redrawn when only a leg's state changed (the row shows the legs' names, not their states)", () => {
    const live = [{ label: 'binance', status: 'live' as const }, { label: 'bybit', status: 'live' as const }];
    const stale = [{ label: 'binance', status: 'live' as const }, { label: 'bybit', status: 'stale' as const, staleSince: 1_700_000_000_000 }];
    assert.ok(sameLadderRow(props(live, { shares: [0.5, 0.5] }), props([...live], { shares: [0.5, 0.5] })));
    assert.ok(sameLadderRow(props(live), props(stale)));
    assert.ok(!sameLadderRow(props(live), props([live[0]!, { label: 'okx', status: 'live' }])), 'another leg: its name in the tooltip');
    assert.ok(!sameLadderRow(props(live, { shares: [0.5, 0.5] }), props(live, { shares: [0.25, 0.75] })));
  });
});
