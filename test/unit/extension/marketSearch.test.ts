// Find Market…'s own search: which rows, in which order, and the rows VS Code's filter would otherwise hide.
import * as assert from 'node:assert/strict';
import { MarketSearch, heldRowsServe, type SearchableRow } from '../../../src/extension/markets/marketSearch';

const row = (label: string, description: string, inactive = false): SearchableRow => ({ label, description, detail: inactive ? 'inactive' : undefined });
const labels = (rows: readonly SearchableRow[]) => rows.map((r) => `${r.label} ${r.description}`);

/** VS Code's quick pick keeps a row where the trimmed query is in its label or description, ignoring case. */
const vsCodeKeeps = (r: SearchableRow, query: string) => {
  const q = query.trim().toLowerCase();
  return r.label.toLowerCase().includes(q) || (r.description ?? '').toLowerCase().includes(q);
};

describe('Market search (Find Market…)', () => {
  const rows = [
    row('ABTC/USDT', 'binance'),
    row('BTC/EUR', 'coinbase'),
    row('BTC/USDT', 'binance'),
    row('BTC/USDT', 'bybit', true),
    row('BTC/USDT:USDT', 'bybit'),
    row('ETH/BTC', 'binance'),
    row('ETH/USDT', 'bybit'),
    row('WBTC/BTC', 'binance'),
  ];
  const search = new MarketSearch(rows);

  it('ranks the label\'s start, then a word of the label, then inside it, then the exchange; active before inactive; by symbol within', () => {
    assert.deepEqual(labels(search.best('btc', 100).rows), [
      'BTC/EUR coinbase',
      'BTC/USDT binance',
      'BTC/USDT:USDT bybit',
      'ETH/BTC binance',
      'WBTC/BTC binance', // "btc" starts its quote, a word
      'ABTC/USDT binance',
      'BTC/USDT bybit', // inactive, last though its label starts with the query
    ]);
    assert.deepEqual(labels(search.best('BYBIT', 100).rows), ['BTC/USDT:USDT bybit', 'ETH/USDT bybit', 'BTC/USDT bybit']);
    assert.equal(search.best('doge', 100).total, 0);
    // The whole label before its start, as VS Code lists an exact match first.
    const exact = new MarketSearch([row('BTC/USDT:USDT', 'bybit'), row('BTC/USDT', 'binance')]);
    assert.deepEqual(labels(exact.best('btc/usdt', 100).rows), ['BTC/USDT binance', 'BTC/USDT:USDT bybit']);
    // A market typed in full comes first though it is inactive: the user named it (it came after ZEARJ/USDT).
    const named = new MarketSearch([row('ZEARJ/USDT', 'binance'), row('ARJ/USDC', 'coinbase'), row('ARJ/USD', 'coinbase', true), row('ARJ/USD', 'kraken')]);
    assert.deepEqual(labels(named.best('ARJ/USD', 100).rows), ['ARJ/USD kraken', 'ARJ/USD coinbase', 'ARJ/USDC coinbase', 'ZEARJ/USDT binance']);
  });

  it('the rows held for a query serve the next one only where they hold all its matches', () => {
    const complete = { query: 'btc', found: search.best('btc', 100) };
    const cut = { query: 'btc', found: search.best('btc', 3) };
    assert.equal(heldRowsServe(complete, 'btc/u', search.best('btc/u', 100)), true, 'narrowed: VS Code filters the held rows');
    assert.equal(heldRowsServe(complete, 'BTC', search.best('BTC', 100)), true);
    assert.equal(heldRowsServe(complete, 'bt', search.best('bt', 100)), false, 'widened: rows it did not hold may match');
    assert.equal(heldRowsServe(cut, 'btc/u', search.best('btc/u', 100)), false, 'the held rows were only the best 3');
    assert.equal(heldRowsServe(complete, 'btc bybit', search.best('btc bybit', 100)), false, 'two words: VS Code would hide the rows');
    assert.equal(heldRowsServe({ query: '', found: search.best('', 100) }, 'eth', search.best('eth', 100)), true);
    // Narrowed to a market typed in full: it moves to the top, which the held rows' order would not show.
    const named = new MarketSearch([row('ZEARJ/USDT', 'binance'), row('ARJ/USD', 'coinbase', true)]);
    const arj = { query: 'arj', found: named.best('arj', 100) };
    assert.deepEqual(labels(arj.found.rows), ['ZEARJ/USDT binance', 'ARJ/USD coinbase']);
    assert.equal(heldRowsServe(arj, 'arj/usd', named.best('arj/usd', 100)), false, 'the order changed: the rows are sent again');
    assert.equal(heldRowsServe(arj, 'arj/', named.best('arj/', 100)), true, 'the same order: VS Code narrows the held rows');
    // Every row matching the narrowed query is among the held ones.
    const held = new Set(complete.found.rows);
    assert.ok(search.best('btc/u', 100).rows.every((r) => held.has(r)));
  });

  it('lists at most the limit, the best first, and counts every match', () => {
    const found = search.best('usdt', 3);
    assert.equal(found.total, 5);
    assert.deepEqual(labels(found.rows), ['ABTC/USDT binance', 'BTC/USDT binance', 'BTC/USDT:USDT bybit']);
    const none = search.best('  ', 2);
    assert.deepEqual([none.total, labels(none.rows)], [8, ['ABTC/USDT binance', 'BTC/EUR coinbase']]);
  });

  it('every word must match; such rows are marked as beyond VS Code\'s own filter, single words are not', () => {
    const two = search.best('btc  bybit', 100);
    assert.deepEqual(labels(two.rows), ['BTC/USDT:USDT bybit', 'BTC/USDT bybit']);
    assert.equal(two.beyondVsCodeFilter, true);
    assert.equal(search.best(' btc ', 100).beyondVsCodeFilter, false);
    assert.ok(two.rows.every((r) => !vsCodeKeeps(r, 'btc  bybit')), 'VS Code alone would hide these');
  });

  it('over 4,000 generated markets: a single word finds exactly the rows VS Code would keep, in the reference order', () => {
    const bases = Array.from({ length: 700 }, (_, i) => `C${i.toString(36).toUpperCase()}${i % 7 === 0 ? 'BTC' : ''}`);
    const many: SearchableRow[] = [];
    for (const [e, exchange] of ['binance', 'coinbase', 'bybit'].entries()) {
      for (const [i, base] of bases.entries()) {
        many.push(row(`${base}/USDT`, exchange, (i + e) % 11 === 0));
        if (i % 2 === e % 2) many.push(row(`${base}/BTC`, exchange));
      }
    }
    many.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const big = new MarketSearch(many);
    for (const query of ['btc', 'c1', 'usdt', 'coin', '/b', 'zz']) {
      const expected = many
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => vsCodeKeeps(r, query))
        .map(({ r, i }) => {
          const l = r.label.toLowerCase();
          const at = l.indexOf(query);
          const wordAt = [...l.matchAll(new RegExp(query.replace('/', '\\/'), 'g'))].some((m) => m.index! > 0 && '/:-_ .'.includes(l[m.index! - 1]!));
          const fit = at === 0 ? 0 : wordAt ? 1 : at > 0 ? 2 : 3;
          return { r, key: (r.detail ? 10 : 0) + fit, i };
        })
        .sort((a, b) => a.key - b.key || a.i - b.i)
        .map(({ r }) => r);
      const found = big.best(query, 100);
      assert.equal(found.total, expected.length, `${query}: count`);
      assert.deepEqual(found.rows, expected.slice(0, 100), `${query}: the best 100 in order`);
    }
  });
});
