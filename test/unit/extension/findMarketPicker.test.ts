// Find Market…'s picker: it holds only the best rows for what is typed, names the count in its title, and answers when closed while loading.
import * as assert from 'node:assert/strict';
import { shownQuickPicks, type FakeQuickPick } from '../../helpers/fakeVscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { MarketPickRows, SHOWN_ROWS, pickMarket, type MarketPickItem } from '../../../src/extension/markets/findMarket';
import type { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';

const market = (base: string, quote: string): MarketInfo => ({ symbol: `${base}/${quote}`, base, quote, active: true, tickSize: 0.01 });
const BASES = Array.from({ length: 1500 }, (_, i) => `A${i}`);

/** A tree whose markets arrive when the test says so. */
function slowTree() {
  let release: () => void = () => undefined;
  const ready = new Promise<void>((r) => (release = r));
  const tree = {
    markets: async (exchange: string) => {
      await ready;
      return exchange === 'binance' ? [...BASES.map((b) => market(b, 'USDT')), market('BTC', 'USDT')] : [market('BTC', 'USD'), market('ETH', 'USD')];
    },
  } as unknown as MarketsTreeProvider;
  return { tree, release };
}

const lastPicker = () => shownQuickPicks().at(-1) as FakeQuickPick<MarketPickItem>;
const settled = () => new Promise((r) => setImmediate(r));

describe('Find Market picker', () => {
  it('holds at most the best rows for what is typed, says how many match, and picks from them', async () => {
    const { tree, release } = slowTree();
    const answer = pickMarket(tree, new MarketPickRows(), ['binance', 'coinbase']);
    const qp = lastPicker();
    qp.type('bt'); // typed while the markets load: applied once they are there
    assert.equal(qp.busy, true);
    release();
    while (qp.busy) await settled();
    assert.deepEqual(qp.items.map((i) => `${i.label} ${i.exchange}`), ['BTC/USD coinbase', 'BTC/USDT binance']);
    assert.equal(qp.title, 'Find Market — 2 of 1,503 markets match "bt"');

    qp.type('');
    assert.equal(qp.items.length, SHOWN_ROWS);
    assert.equal(qp.title, 'Find Market — 1,503 markets; type to search');
    qp.type('usdt');
    assert.equal(qp.items.length, SHOWN_ROWS);
    assert.equal(qp.title, `Find Market — 1,501 of 1,503 markets match "usdt"; the best ${SHOWN_ROWS} listed`);
    assert.ok(qp.items.every((i) => i.label.includes('USDT') && i.alwaysShow === undefined), 'VS Code\'s own filter keeps every row');
    const held = qp.items;
    qp.type('usdt2');
    assert.notEqual(qp.items, held, 'cut to the best 100: new rows for a narrower query');
    qp.type('a149');
    const a149 = qp.items;
    assert.equal(qp.title, 'Find Market — 11 of 1,503 markets match "a149"');
    qp.type('a1499');
    assert.equal(qp.items, a149, 'every match of a narrower query is held already: no new rows sent');
    assert.equal(qp.title, 'Find Market — 1 of 1,503 markets match "a1499"');
    qp.acceptNothing(); // Enter as new rows replaced the highlighted ones: the best row
    assert.deepEqual(await answer, { exchange: 'binance', symbol: 'A1499/USDT' });
  });

  it('two words: rows VS Code would not match are marked to be shown', async () => {
    const { tree, release } = slowTree();
    const answer = pickMarket(tree, new MarketPickRows(), ['binance', 'coinbase']);
    const qp = lastPicker();
    release();
    while (qp.busy) await settled();
    qp.type('eth coinbase');
    assert.deepEqual(qp.items.map((i) => [i.label, i.alwaysShow]), [['ETH/USD', true]], 'two words: marked to be shown though VS Code would not match them');
    qp.pick(qp.items[0]!);
    assert.deepEqual(await answer, { exchange: 'coinbase', symbol: 'ETH/USD' });
  });

  it('closed while the markets load: answers nothing at once and lists nothing later; Enter before the rows keeps it open', async () => {
    const { tree, release } = slowTree();
    const answer = pickMarket(tree, new MarketPickRows(), ['binance']);
    const qp = lastPicker();
    qp.acceptNothing();
    assert.equal(qp.shown, true, 'Enter with no row does not close it');
    qp.hide();
    assert.equal(await answer, undefined);
    release();
    await settled();
    await settled();
    assert.deepEqual(qp.items, []);
  });

  it('lists the rows in the search\'s order as typed: active markets first, the delisted last, not re-sorted by VS Code', async () => {
    const inactive = (base: string, quote: string): MarketInfo => ({ ...market(base, quote), active: false });
    const lists: Record<string, readonly MarketInfo[]> = {
      binance: [inactive('LINK', 'BNB'), market('LINK', 'USDT'), market('LINK', 'BTC'), inactive('DOGE', 'BNB'), market('DOGE', 'USDT')],
      coinbase: [market('LINK', 'USD'), inactive('DOGE', 'EUR')],
    };
    const tree = { markets: async (exchange: string) => lists[exchange] ?? [] } as unknown as MarketsTreeProvider;
    const answer = pickMarket(tree, new MarketPickRows(), ['binance', 'coinbase']);
    const qp = lastPicker();
    while (qp.busy) await settled();
    for (const [query, active, delisted] of [
      ['link', ['LINK/BTC', 'LINK/USD', 'LINK/USDT'], ['LINK/BNB']],
      ['doge', ['DOGE/USDT'], ['DOGE/BNB', 'DOGE/EUR']],
    ] as const) {
      qp.type(query);
      const listed = qp.listed();
      assert.deepEqual(listed.map((i) => i.label), [...active, ...delisted], `${query}: the first (preselected) row is an active market, the inactive ones last`);
      assert.equal(listed[0]?.detail, undefined);
    }
    assert.equal(qp.sortByLabel, false, 'VS Code keeps the order the rows are given in');
    qp.hide();
    assert.equal(await answer, undefined);
  });
});
